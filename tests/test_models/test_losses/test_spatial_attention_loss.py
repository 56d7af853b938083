# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""SALM (eq. (15)) by hand."""
import pytest
import torch
from mmpose.registry import MODELS


def test_weights_are_alpha_times_attention_plus_one_per_limb():
    loss = MODELS.build(dict(type='SpatialAttentionLoss', alpha=10.))
    # one limb, 1x2 map: attention 1 on the left pixel, e^-1 on the right
    attention = torch.tensor([[[[1., 0.36787944]]]])
    output = torch.zeros(1, 2, 1, 2)
    target = torch.ones(1, 2, 1, 2)  # unit error everywhere
    weights = loss.pixel_weights(attention, 2)
    torch.testing.assert_close(
        weights, torch.tensor([[[[11., 4.6787944]], [[11., 4.6787944]]]]))
    assert loss(output, target, limb_attention=attention).item() == \
        pytest.approx(2 * (11 + 4.6787944), rel=1e-6)
    # the head's mask multiplies in
    mask = torch.tensor([[[[0., 1.]]]])
    assert loss(output, target, mask, limb_attention=attention).item() == \
        pytest.approx(2 * 4.6787944, rel=1e-6)


def test_alpha_zero_is_the_wrapped_loss():
    torch.manual_seed(0)
    output, target = torch.randn(2, 4, 3, 3), torch.randn(2, 4, 3, 3)
    attention = torch.rand(2, 2, 3, 3)
    salm = MODELS.build(dict(type='SpatialAttentionLoss', alpha=0.))
    plain = MODELS.build(dict(type='SummedSquaredErrorLoss'))
    assert salm(output, target, limb_attention=attention).item() == \
        pytest.approx(plain(output, target).item(), rel=1e-6)


def test_errors_name_the_problem():
    with pytest.raises(ValueError, match='alpha'):
        MODELS.build(dict(type='SpatialAttentionLoss', alpha=-1.))
    loss = MODELS.build(dict(type='SpatialAttentionLoss'))
    with pytest.raises(ValueError, match='limb_attention'):
        loss(torch.zeros(1, 2, 2, 2), torch.zeros(1, 2, 2, 2))
    with pytest.raises(ValueError, match='3 output channels for 2 limb'):
        loss(torch.zeros(1, 3, 2, 2), torch.zeros(1, 3, 2, 2),
             limb_attention=torch.zeros(1, 2, 2, 2))
