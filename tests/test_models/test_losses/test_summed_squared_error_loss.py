# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""L0 (eqs. (11), (12)) by hand."""
import pytest
import torch
from mmpose.registry import MODELS


def test_sum_and_mean_reductions_by_hand():
    output = torch.zeros(2, 1, 2, 2)
    target = torch.tensor([1., 2., 0., 0., 0., 0., 0., 3.]).view(2, 1, 2, 2)
    summed = MODELS.build(dict(type='SummedSquaredErrorLoss'))
    assert summed(output, target).item() == pytest.approx((1 + 4 + 9) / 2)
    mean = MODELS.build(
        dict(type='SummedSquaredErrorLoss', reduction='mean', loss_weight=2))
    assert mean(output, target).item() == pytest.approx(2 * 14 / 8)
    weights = torch.tensor([0., 1., 1., 1.]).view(1, 1, 2, 2)
    assert summed(output, target, weights).item() == pytest.approx(
        (4 + 9) / 2)


def test_errors():
    with pytest.raises(ValueError, match='reduction'):
        MODELS.build(dict(type='SummedSquaredErrorLoss', reduction='none'))
    loss = MODELS.build(dict(type='SummedSquaredErrorLoss'))
    with pytest.raises(ValueError, match='output shape'):
        loss(torch.zeros(1, 2, 3, 3), torch.zeros(1, 3, 3, 3))
