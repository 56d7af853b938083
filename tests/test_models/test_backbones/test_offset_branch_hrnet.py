# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""OffsetBranchHRNet: a separately weighted copy of HRNet's last stage."""
import pytest
import torch
from mmpose.models.backbones import HRNet

from mmpose_ext.models.backbones import OffsetBranchHRNet

EXTRA = dict(
    stage1=dict(num_modules=1, num_branches=1, block='BOTTLENECK',
                num_blocks=(1, ), num_channels=(16, )),
    stage2=dict(num_modules=1, num_branches=2, block='BASIC',
                num_blocks=(1, 1), num_channels=(8, 16)),
    stage3=dict(num_modules=1, num_branches=3, block='BASIC',
                num_blocks=(1, 1, 1), num_channels=(8, 16, 32)),
    stage4=dict(num_modules=1, num_branches=4, block='BASIC',
                num_blocks=(1, 1, 1, 1), num_channels=(8, 16, 32, 64)))


def _count(module):
    return sum(p.numel() for p in module.parameters())


def test_adds_exactly_one_last_stage():
    plain, dual = HRNet(EXTRA), OffsetBranchHRNet(EXTRA)
    assert _count(dual) == _count(plain) + _count(plain.stage4) + _count(
        plain.transition3)


def test_outputs_and_initial_copy():
    torch.manual_seed(0)
    backbone = OffsetBranchHRNet(EXTRA)
    backbone.init_weights()
    backbone.eval()
    heatmap_features, offset_features = backbone(torch.randn(2, 3, 128, 96))
    assert heatmap_features.shape == offset_features.shape == (2, 8, 32, 24)
    # both stages start from the same weights, then train apart
    assert torch.equal(heatmap_features, offset_features)
    backbone.offset_stage4.parameters().__next__().data.add_(1.0)
    heatmap_features, offset_features = backbone(torch.randn(2, 3, 128, 96))
    assert not torch.equal(heatmap_features, offset_features)


@pytest.mark.parametrize('height,width,out,before', [
    (64, 48, (16, 12), (0, 8)),  # 48 -> 8 + 48 + 8
    (100, 70, (25, 18), (12, 12)),  # 28 -> 12 + 100 + 16, 26 -> 12 + 70 + 14
])
def test_inputs_not_divisible_by_32_are_padded_and_cropped(
        height, width, out, before):
    backbone = OffsetBranchHRNet(EXTRA)
    backbone.eval()
    image = torch.randn(1, 3, height, width)
    outputs = backbone(image)
    assert [o.shape[-2:] for o in outputs] == [out, out]
    # the same as running the padded image and cropping by hand
    top, left = before
    bottom, right = (-height) % 32 - top, (-width) % 32 - left
    padded = backbone(
        torch.nn.functional.pad(image, (left, right, top, bottom)))
    y0, x0 = top // 4, left // 4
    assert torch.equal(outputs[0],
                       padded[0][..., y0:y0 + out[0], x0:x0 + out[1]])


def test_64x48_padding_is_mirror_symmetric():
    """Flip test: the flipped crop must see mirrored context, so the padded
    flipped image is the flipped padded image."""
    assert OffsetBranchHRNet._padding(48) == (8, 8)
    assert OffsetBranchHRNet._padding(64) == (0, 0)
    image = torch.randn(1, 3, 64, 48)
    pad = (8, 8, 0, 0)
    assert torch.equal(
        torch.nn.functional.pad(image.flip(-1), pad),
        torch.nn.functional.pad(image, pad).flip(-1))
