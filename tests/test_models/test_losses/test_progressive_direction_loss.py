# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""PDD (eq. (17)): β only on mirrored pixels, per stage."""
import pytest
import torch
from mmpose.registry import MODELS

from mmpose_ext.models.losses import PDD_SCHEDULES, direction_fault_mask


def _scene():
    """Channels 0 (left) and 1 (right) are partners, 2 is its own. The left
    joint's ground truth is at pixel 0, the right's at pixel 2."""
    presence = torch.tensor([[[[1., 0., 0., 0.]], [[0., 0., 1., 0.]],
                              [[0., 1., 0., 0.]]]])
    return presence, [1, 0, 2]


def test_fault_pixels_are_where_only_the_partner_is():
    presence, partners = _scene()
    fault = direction_fault_mask(presence, partners, 0.1)
    assert fault[0, 0, 0].tolist() == [False, False, True, False]
    assert fault[0, 1, 0].tolist() == [True, False, False, False]
    assert not fault[0, 2].any()  # no partner, never a fault


def test_loss_scales_mirrored_pixels_by_the_stage_beta():
    presence, partners = _scene()
    loss = MODELS.build(
        dict(type='ProgressiveDirectionLoss', betas='linear'))
    output = torch.ones(1, 3, 1, 4)  # fires everywhere
    target = presence
    # error 1 on the 9 pixels where the target is 0; of them, 2 are faults
    for stage, beta in enumerate(PDD_SCHEDULES['linear']):
        value = loss(output, target, stage=stage, presence=presence,
                     partner_channels=partners)
        assert value.item() == pytest.approx(7 + 2 * beta)
    weights = loss.pixel_weights(1, presence, partners)
    assert weights[0, 0, 0].tolist() == pytest.approx([1, 1, .2, 1])


def test_named_schedules_and_lists():
    assert PDD_SCHEDULES['quadratic-b'] == (0., .05, .15, .31, .65, 1.)
    assert PDD_SCHEDULES['quadratic-a'] == (0., .45, .69, .85, .95, 1.)
    loss = MODELS.build(dict(type='ProgressiveDirectionLoss',
                             betas=[0., 1.]))
    assert loss.betas == (0., 1.)
    loss.check_num_stages(2)
    with pytest.raises(ValueError, match='2 betas .* 6 stages'):
        loss.check_num_stages(6)
    with pytest.raises(ValueError, match='unknown betas'):
        MODELS.build(dict(type='ProgressiveDirectionLoss', betas='cubic'))
    with pytest.raises(ValueError, match='>= 0'):
        MODELS.build(dict(type='ProgressiveDirectionLoss', betas=[]))


def test_wraps_salm_and_passes_the_context_on():
    loss = MODELS.build(
        dict(type='ProgressiveDirectionLoss', betas=[0.5],
             loss=dict(type='SpatialAttentionLoss', alpha=1.)))
    presence = torch.tensor([[[[1., 0.]], [[0., 0.]], [[0., 1.]],
                              [[0., 0.]]]])  # limb 0 x/y, limb 1 x/y
    attention = torch.tensor([[[[1., 0.]], [[0., 1.]]]])
    value = loss(torch.ones(1, 4, 1, 2), torch.zeros(1, 4, 1, 2), stage=0,
                 presence=presence, partner_channels=[2, 3, 0, 1],
                 limb_attention=attention)
    # channel 0: pixel 0 weight 2 (SALM), pixel 1 fault 0.5 x SALM 1;
    # channel 1 likewise (shares limb 0's attention; presence 0, partner 0
    # at pixel 0 and 0 at pixel 1: no fault): 2 + 1
    # channel 2: pixel 0 fault .5 x 1, pixel 1 SALM 2; channel 3: 1 + 2
    assert value.item() == pytest.approx(2.5 + 3 + 2.5 + 3)
