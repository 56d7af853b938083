# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
from typing import Optional

import torch.nn as nn
from mmpose.registry import MODELS
from torch import Tensor


@MODELS.register_module()
class SummedSquaredErrorLoss(nn.Module):
    """The plain loss L0 of Liu et al., eqs. (11), (12): the
    squared error of one representation (heatmaps, PAFs or offsets) summed
    over channels and pixels.

    Settled here: ``reduction='sum'`` sums over channels and pixels and
    averages over the batch, so the loss does not grow with the batch size;
    ``reduction='mean'`` averages over every element instead (a
    switch). Optional per-element weights (for example the offset mask of
    eq. (7)) multiply the squared error before the reduction.

    The keyword context a multi-stage head passes (the stage, SALM's limb
    attention, PDD's partner channels) is for the wrapping losses
    (:class:`SpatialAttentionLoss`, :class:`ProgressiveDirectionLoss`); L0
    itself does not use it.

    Args:
        reduction (str): ``'sum'`` or ``'mean'``. Defaults to ``'sum'``
        loss_weight (float): multiplier of the loss. Defaults to 1

    Shapes:
        output, target: (B, C, H, W); weights: broadcastable to it
    """

    def __init__(self, reduction: str = 'sum', loss_weight: float = 1.):
        super().__init__()
        if reduction not in ('sum', 'mean'):
            raise ValueError('SummedSquaredErrorLoss: reduction must be '
                             f'"sum" or "mean", got {reduction!r}')
        self.reduction = reduction
        self.loss_weight = loss_weight

    def forward(self,
                output: Tensor,
                target: Tensor,
                weights: Optional[Tensor] = None,
                **context) -> Tensor:
        if output.shape != target.shape:
            raise ValueError('SummedSquaredErrorLoss: output shape '
                             f'{tuple(output.shape)} != target shape '
                             f'{tuple(target.shape)}')
        error = (output - target)**2
        if weights is not None:
            error = error * weights
        if self.reduction == 'sum':
            loss = error.sum() / max(output.shape[0], 1)
        else:
            loss = error.mean() if error.numel() else error.sum()
        return loss * self.loss_weight
