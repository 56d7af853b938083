# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
from typing import Optional

from mmpose.registry import MODELS
from torch import Tensor, nn


@MODELS.register_module()
class SpatialAttentionLoss(nn.Module):
    r"""Spatial Attention Loss Mask (SALM) of Liu et al., eq.
    (15): every PAF pixel's loss is weighted by

    .. math:: \alpha \exp(-\|P - P_s\|^2 / \sigma^2) + 1

    where the Gaussian (P_s the pixel's projection onto the limb segment, σ
    of eq. (16)) is the ``limb_attention`` field of
    :class:`~mmpose_ext.codecs.PartAffinityFields`, one map per limb, shared
    by the limb's x and y channels. ``alpha = 0`` gives the wrapped loss back.

    It wraps another loss (by default L0) and passes its context on, so PDD
    can wrap it in turn.

    Args:
        alpha (float): α ≥ 0. Defaults to 10
        loss (dict): the wrapped loss. Defaults to
            :class:`SummedSquaredErrorLoss`

    Shapes:
        output, target: (B, 2L, H, W); limb_attention: (B, L, H, W)
    """

    context_keys = frozenset({'limb_attention'})

    def __init__(self,
                 alpha: float = 10.,
                 loss: dict = dict(type='SummedSquaredErrorLoss')) -> None:
        super().__init__()
        if not alpha >= 0:
            raise ValueError(
                f'SpatialAttentionLoss: alpha must be >= 0, got {alpha}')
        self.alpha = float(alpha)
        self.loss = MODELS.build(loss)

    def pixel_weights(self, limb_attention: Tensor,
                      num_channels: int) -> Tensor:
        """α·A + 1 per output channel (B, C, H, W); C = 2L (x and y of a limb
        share its map) or L."""
        L = limb_attention.shape[1]
        if num_channels == 2 * L:
            limb_attention = limb_attention.repeat_interleave(2, dim=1)
        elif num_channels != L:
            raise ValueError(
                f'SpatialAttentionLoss: {num_channels} output channels for '
                f'{L} limb attention maps (expected {2 * L} or {L})')
        return self.alpha * limb_attention + 1.

    def forward(self,
                output: Tensor,
                target: Tensor,
                weights: Optional[Tensor] = None,
                limb_attention: Optional[Tensor] = None,
                **context) -> Tensor:
        if limb_attention is None:
            raise ValueError(
                'SpatialAttentionLoss needs the "limb_attention" field of the '
                'PartAffinityFields codec in the data samples')
        salm = self.pixel_weights(limb_attention.to(output.dtype),
                                  output.shape[1])
        weights = salm if weights is None else weights * salm
        return self.loss(output, target, weights, **context)
