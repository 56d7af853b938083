# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""OpenPoseVGG19: strides, widths and torchvision's VGG-19 layer names."""
import pytest
import torch
import torchvision
from mmpose.registry import MODELS


@pytest.mark.parametrize('stride', [8, 16])
def test_output_stride_and_width(stride):
    backbone = MODELS.build(
        dict(type='OpenPoseVGG19', widths=(8, 8, 16, 16),
             reduction_channels=(16, 12), output_stride=stride))
    (out, ) = backbone(torch.rand(1, 3, 64, 96))
    assert out.shape == (1, 12, 64 // stride, 96 // stride)


def test_torchvision_vgg19_weights_load_by_name():
    backbone = MODELS.build(dict(type='OpenPoseVGG19'))
    vgg19 = torchvision.models.vgg19(weights=None)
    features = {k: v for k, v in vgg19.state_dict().items()
                if k.startswith('features.') and int(k.split('.')[1]) <= 22}
    missing, unexpected = backbone.load_state_dict(features, strict=False)
    assert unexpected == []
    # conv1_1 ... conv4_2 all load; only the reduction convs stay new
    assert sorted(missing) == ['reduction.0.bias', 'reduction.0.weight',
                               'reduction.2.bias', 'reduction.2.weight']
    assert torch.equal(backbone.features[21].weight,
                       vgg19.features[21].weight)  # conv4_2


def test_bad_arguments():
    with pytest.raises(ValueError, match='output_stride must be 8 or 16'):
        MODELS.build(dict(type='OpenPoseVGG19', output_stride=4))
    with pytest.raises(ValueError, match='widths needs 4 values'):
        MODELS.build(dict(type='OpenPoseVGG19', widths=(8, 8)))
