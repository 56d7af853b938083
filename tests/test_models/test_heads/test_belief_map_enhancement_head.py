# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""BeliefMapEnhancementHead / EnhanceNet: sizes of Table 5, shapes, eq. (5),
losses on a real batch, build-time errors."""
import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmpose.registry import DATASETS, MODELS

from mmpose_ext.models.heads import EnhanceNet
from mmpose_ext.models.heads.belief_map_enhancement_head import \
    PixelShuffleToContiguous

from ...conftest import REPO

TINY = (f'{REPO}/configs/enhancenet/coco/'
        'td-hm_res18_enhancenet-1xb16-300e_coco-sample-128x96.py')


def _head(**kwargs):
    cfg = dict(
        type='BeliefMapEnhancementHead',
        base_head=dict(type='HeatmapHead', in_channels=2048, out_channels=17))
    cfg.update(kwargs)
    return MODELS.build(cfg)


def _params(module):
    return sum(p.numel() for p in module.parameters())


@pytest.mark.parametrize('channels,expected', [(64, 0.21e6), (128, 0.50e6),
                                               (256, 1.29e6)])
def test_enhancement_size_matches_table_5b(channels, expected):
    # SimpleBaseline-R50: F^LR has 256 channels, K = 17, r = 4
    head = _head(channels=channels)
    assert _params(head.enhancer) == pytest.approx(expected, rel=0.02)


def test_shapes_and_sub_pixel_layout():
    head = _head(base_head=dict(type='HeatmapHead', in_channels=32,
                                out_channels=3, deconv_out_channels=None))
    maps_lr, maps_hr = head((torch.rand(2, 32, 8, 6), ))
    assert maps_lr.shape == (2, 3, 8, 6)
    assert maps_hr.shape == (2, 3, 32, 24)
    # eq. (5): HR pixel (x, y) of keypoint k comes from LR cell (x//r, y//r),
    # channel k*r*r + (y % r)*r + x % r of the last conv (PyTorch's layout)
    conv = head.enhancer.upscale[0]
    x = torch.rand(1, 35, 8, 6)
    before = conv(head.enhancer.layers(x))
    after = head.enhancer(x)
    r, k, px, py = 4, 2, 13, 22
    assert after[0, k, py, px] == before[0, k * r * r + (py % r) * r + px % r,
                                         py // r, px // r]


@pytest.mark.parametrize('layout',
                         [torch.contiguous_format, torch.channels_last])
def test_pixel_shuffle_to_contiguous_matches_pytorch(layout):
    maps = torch.randn(2, 3 * 9, 5, 7)
    out = PixelShuffleToContiguous(3)(maps.contiguous(memory_format=layout))
    assert torch.equal(out, torch.nn.functional.pixel_shuffle(maps, 3))
    assert out.is_contiguous()
    with pytest.raises(ValueError, match='26 channels .* r² = 9'):
        PixelShuffleToContiguous(3)(torch.randn(1, 26, 2, 2))


@pytest.mark.parametrize('upscaler,kernel', [('deconv', 3), ('deconv', 12),
                                              ('bilinear', 3)])
def test_upscalers_give_r_times_the_size(upscaler, kernel):
    net = EnhanceNet(20, 17, 32, 4, upscaler, kernel)
    assert net(torch.rand(1, 20, 16, 12)).shape == (1, 17, 64, 48)


@pytest.mark.parametrize('enhance_input,in_channels', [
    ('features', 256), ('maps', 17), ('features+maps', 273)])
def test_enhance_input_switch(enhance_input, in_channels):
    head = _head(enhance_input=enhance_input)
    assert head.enhancer.layers[0].in_channels == in_channels


def test_losses_on_a_real_batch():
    cfg = Config.fromfile(TINY)
    dataset_cfg = cfg.train_dataloader.dataset
    dataset_cfg.pipeline = [
        t for t in dataset_cfg.pipeline
        if t['type'] not in ('RandomFlip', 'RandomBBoxTransform')
    ]
    dataset = DATASETS.build(dataset_cfg)
    model = MODELS.build(cfg.model)
    data = model.data_preprocessor(
        pseudo_collate([dataset[i] for i in range(3)]), training=True)
    assert data['data_samples'][0].gt_fields[1].heatmaps.shape == (17, 128,
                                                                    96)
    losses = model(data['inputs'], data['data_samples'], mode='loss')
    assert set(losses) == {'loss_kpt', 'loss_kpt_hr'}
    assert all(torch.isfinite(v) and v > 0 for v in losses.values())
    sum(losses.values()).backward()
    assert model.head.enhancer.upscale[0].weight.grad.abs().sum() > 0
    model.eval()
    with torch.no_grad():
        preds = model(data['inputs'], data['data_samples'], mode='predict')
    assert preds[0].pred_instances.keypoints.shape == (1, 17, 2)


@pytest.mark.parametrize('kwargs,message', [
    (dict(upscale_factor=0), 'upscale_factor'),
    (dict(upscale_factor=2.5), 'upscale_factor'),
    (dict(out_channels=14), 'out_channels=14'),
    (dict(enhance_input='both'), 'enhance_input'),
    (dict(upscaler='nearest'), 'upscaler'),
    (dict(base_head=dict(type='RegressionHead', in_channels=2048,
                         num_joints=17)), 'no reachable feature map'),
])
def test_bad_configs_fail_at_build_time(kwargs, message):
    with pytest.raises(ValueError, match=message):
        _head(**kwargs)


def test_cpm_head_of_a_stacked_hourglass_is_supported():
    head = MODELS.build(
        dict(type='BeliefMapEnhancementHead',
             base_head=dict(type='CPMHead', in_channels=64, out_channels=16,
                            num_stages=2, deconv_out_channels=None),
             channels=32))
    maps_lr, maps_hr = head((torch.rand(1, 64, 16, 16),
                             torch.rand(1, 64, 16, 16)))
    assert maps_lr.shape == (1, 16, 16, 16)
    assert maps_hr.shape == (1, 16, 64, 64)
    assert head.enhancer.layers[0].in_channels == 64 + 16
