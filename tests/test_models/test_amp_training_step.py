# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""Every method's training step under mixed precision (CPU autocast to
bfloat16, as AmpOptimWrapper autocasts to float16 on GPUs): the losses are
finite, float32, and so are the gradients; CAL's mixture is fitted in
float64 from float32 coordinates."""
import os.path as osp
from unittest import mock

import pytest
import torch
from mmengine.config import Config
from mmpose.registry import MODELS

from ..conftest import (CAL_TINY_CONFIG, OPENPOSE_ALL_LOSSES_CONFIG,
                        OPENPOSE_RIE_CONFIG, REPO)
from ..test_engine.ddp_gradient_worker import real_batch

CONFIGS = {
    'cal': CAL_TINY_CONFIG,
    'enhancenet': osp.join(REPO, 'configs/enhancenet/coco/'
                           'td-hm_res18_enhancenet-1xb16-300e_coco-sample-'
                           '128x96.py'),
    'fr_sbn': osp.join(REPO, 'configs/fr_sbn/coco/'
                       'td-hm_res18_fr-sbn-1xb16-300e_coco-sample-128x96.py'),
    'openpose_rie': OPENPOSE_RIE_CONFIG,
    'enhancenet_ae': osp.join(REPO, 'configs/enhancenet/coco/'
                              'ae_hrnet-tiny_enhancenet-1xb4-1000e_coco-'
                              'sample-256x256.py'),
    'openpose_all_losses': OPENPOSE_ALL_LOSSES_CONFIG,
}


def _autocast_losses(cfg, dtype=torch.bfloat16, batch_size=4):
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()
    model.train()
    data = model.data_preprocessor(real_batch(cfg, batch_size),
                                   training=True)
    with torch.autocast('cpu', dtype=dtype):
        losses = model(data['inputs'], data['data_samples'], mode='loss')
    return model, losses


# MMPose 1.3.2's HeatmapHead (FR-SBN's head) converts its output to numpy
# for the training accuracy, and numpy has no bfloat16: it runs under float16
# autocast (AmpOptimWrapper's default on GPUs) only
DTYPES = dict(fr_sbn=torch.float16)


@pytest.mark.parametrize('method', sorted(CONFIGS))
def test_training_step_under_autocast_is_finite(method):
    model, losses = _autocast_losses(
        Config.fromfile(CONFIGS[method]),
        DTYPES.get(method, torch.bfloat16))
    terms = {k: v for k, v in losses.items() if 'loss' in k}
    assert terms
    for name, value in terms.items():
        assert value.dtype == torch.float32, (name, value.dtype)
        assert torch.isfinite(value).all(), name
    sum(terms.values()).backward()
    grads = [p.grad for p in model.parameters() if p.grad is not None]
    assert grads and all(torch.isfinite(g).all() for g in grads)


def test_cal_stage2_mixture_under_autocast_is_fitted_in_float64():
    """Stage 2: the peaks' displacements reach the EM as float64 (from
    float32 keypoints, not bfloat16 ones)."""
    from mmpose_ext.models.losses import confidence_aware_loss as module
    seen = []
    fit = module.fit_gaussian_mixture

    def spy(points, **kwargs):
        seen.append(points.dtype)
        return fit(points, **kwargs)

    cfg = Config.fromfile(CAL_TINY_CONFIG)
    cfg.model.head.loss.stage = 2
    with mock.patch.object(module, 'fit_gaussian_mixture', spy):
        _, losses = _autocast_losses(cfg)
    assert seen == [torch.float64]
    assert torch.isfinite(losses['loss_offset'])
