# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
from typing import Optional, Sequence, Union

import torch
from mmpose.registry import MODELS
from torch import Tensor, nn

#: the β schedules of Table II of Liu et al., six stages
PDD_SCHEDULES = {
    'uniform': (1., 1., 1., 1., 1., 1.),
    'linear': (0., .2, .4, .6, .8, 1.),
    'quadratic-a': (0., .45, .69, .85, .95, 1.),
    'quadratic-b': (0., .05, .15, .31, .65, 1.),
}


def direction_fault_mask(presence: Tensor, partner_channels: Sequence[int],
                         threshold: float) -> Tensor:
    """Pixels where the ground truth is a channel's left/right partner and
    not the channel itself: ``presence[partner] > threshold >= presence``.

    Args:
        presence (Tensor): (B, C, H, W) how much each channel's ground truth
            is at each pixel (heatmap value, PAF magnitude, offset weight)
        partner_channels (sequence): C indices; a channel without a partner
            (the nose, the background) is its own partner and never faults
        threshold (float): presence above which a pixel belongs to a channel

    Returns:
        Tensor: bool (B, C, H, W)
    """
    partner = presence[:, list(partner_channels)]
    return (partner > threshold) & (presence <= threshold)


@MODELS.register_module()
class ProgressiveDirectionLoss(nn.Module):
    """Progressive Direction Distinction (PDD) of Liu et al., eq.
    (17): in stage t, the loss of pixels whose ground truth is the channel's
    left/right partner (a left knee predicted where the right knee is) is
    multiplied by β_t; every other pixel keeps its loss. Small early β lets
    the first stages find joints regardless of side; later stages must tell
    left from right.

    The head passes, per stage, ``stage`` (0-based), ``presence`` and
    ``partner_channels`` (``flip_indices`` for heatmaps and offsets, the
    mirrored limbs for PAFs). It wraps another loss and passes the context
    on.

    Args:
        betas (str | sequence): a schedule of Table II by name
            (``'uniform'``, ``'linear'``, ``'quadratic-a'``,
            ``'quadratic-b'``) or one β per stage
        presence_threshold (float): presence above which a pixel belongs to a
            channel. Defaults to 0.1
        loss (dict): the wrapped loss. Defaults to
            :class:`SummedSquaredErrorLoss`

    Shapes:
        output, target, presence: (B, C, H, W)
    """

    context_keys = frozenset({'stage', 'presence', 'partner_channels'})

    def __init__(self,
                 betas: Union[str, Sequence[float]] = 'quadratic-b',
                 presence_threshold: float = 0.1,
                 loss: dict = dict(type='SummedSquaredErrorLoss')) -> None:
        super().__init__()
        if isinstance(betas, str):
            if betas not in PDD_SCHEDULES:
                raise ValueError(
                    f'ProgressiveDirectionLoss: unknown betas {betas!r}; use '
                    f'one of {sorted(PDD_SCHEDULES)} or a list, one per stage')
            betas = PDD_SCHEDULES[betas]
        betas = tuple(float(b) for b in betas)
        if not betas or not all(0 <= b for b in betas):
            raise ValueError('ProgressiveDirectionLoss: betas must be a '
                             f'non-empty list of values >= 0, got {betas}')
        self.betas = betas
        self.presence_threshold = presence_threshold
        self.loss = MODELS.build(loss)

    def check_num_stages(self, num_stages: int) -> None:
        """Raise unless there is one β per stage."""
        if len(self.betas) != num_stages:
            raise ValueError(
                f'ProgressiveDirectionLoss: {len(self.betas)} betas '
                f'{list(self.betas)} for a head of {num_stages} stages; give '
                'one β per stage')

    def pixel_weights(self, stage: int, presence: Tensor,
                      partner_channels: Sequence[int]) -> Tensor:
        """β_stage on direction-fault pixels, 1 elsewhere (B, C, H, W)."""
        if not 0 <= stage < len(self.betas):
            raise ValueError(f'ProgressiveDirectionLoss: stage {stage} has no '
                             f'β (betas {list(self.betas)})')
        fault = direction_fault_mask(presence, partner_channels,
                                     self.presence_threshold)
        return torch.where(fault, presence.new_tensor(self.betas[stage]),
                           presence.new_tensor(1.))

    def forward(self,
                output: Tensor,
                target: Tensor,
                weights: Optional[Tensor] = None,
                stage: Optional[int] = None,
                presence: Optional[Tensor] = None,
                partner_channels: Optional[Sequence[int]] = None,
                **context) -> Tensor:
        if stage is None or presence is None or partner_channels is None:
            raise ValueError(
                'ProgressiveDirectionLoss needs the stage, presence and '
                'partner_channels from a multi-stage head')
        if presence.shape != output.shape:
            raise ValueError(
                f'ProgressiveDirectionLoss: presence {tuple(presence.shape)} '
                f'!= output {tuple(output.shape)}')
        pdd = self.pixel_weights(stage, presence.to(output.dtype),
                                 partner_channels)
        weights = pdd if weights is None else weights * pdd
        return self.loss(output, target, weights, stage=stage, **context)
