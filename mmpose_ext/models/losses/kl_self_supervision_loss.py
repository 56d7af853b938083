# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
from typing import Dict, Optional

import torch.nn.functional as F
from mmpose.registry import MODELS
from torch import Tensor, nn


def channel_distributions(maps: Tensor, eps: float = 1e-6) -> Tensor:
    """Each channel map as a distribution over its pixels: clamped at
    ``eps`` and divided by its sum.

    Args:
        maps (Tensor): (B, C, H, W), non-negative where it matters
        eps (float): floor, so no pixel has zero probability

    Returns:
        Tensor: (B, C, H, W), every (b, c) map sums to 1
    """
    maps = maps.clamp(min=eps)
    return maps / maps.sum(dim=(2, 3), keepdim=True)


def kl_divergence_of_maps(expected: Tensor, predicted: Tensor,
                          eps: float = 1e-6) -> Tensor:
    r"""Eq. (13): :math:`\sum_c \sum_{i,j} F_s \log(F_s / F_{ps})` with every
    channel normalised by :func:`channel_distributions`, summed over channels
    and pixels and averaged over the batch.

    Args:
        expected (Tensor): F_s (B, C, H, W), the distribution aimed at
        predicted (Tensor): F_ps (B, C, H, W)

    Returns:
        Tensor: scalar ≥ 0
    """
    p = channel_distributions(expected, eps)
    q = channel_distributions(predicted, eps)
    return F.kl_div(q.log(), p, reduction='sum') / max(expected.shape[0], 1)


class MapTranslationNet(nn.Sequential):
    """The 3-layer conv net of the self-supervision (Fig. 7): 3×3 conv to
    ``hidden``, ReLU, 3×3 conv to ``hidden``, ReLU, 1×1 conv to
    ``out_channels`` (the paper gives 128 channels in the first two layers;
    the kernel sizes are settled here)."""

    def __init__(self, in_channels: int, out_channels: int,
                 hidden: int = 128) -> None:
        super().__init__(
            nn.Conv2d(in_channels, hidden, 3, padding=1),
            nn.ReLU(inplace=True),
            nn.Conv2d(hidden, hidden, 3, padding=1),
            nn.ReLU(inplace=True),
            nn.Conv2d(hidden, out_channels, 1))


@MODELS.register_module()
class KLSelfSupervisionLoss(nn.Module):
    """KL divergence based self-supervision of Liu et al.,
    section III-A, eqs. (13), (14).

    ``'p2h'`` (the paper's choice): a :class:`MapTranslationNet` maps each
    stage's predicted PAFs (2L) to heatmaps F_ps (K + 1); L_ps is the
    prediction loss of F_ps against the heatmap ground truth and L_kl the KL
    divergence of F_ps from the predicted heatmaps F_s. F_s is the expected
    distribution, and by default it is not detached: the gradient of L_kl
    reaches the heatmaps too. The paper's Table I reaches 58.4 AP with
    γ = 0, where L_kl is all that teaches the heatmap branch beyond L_ps;
    with F_s detached that row's heatmaps would not learn at all.
    ``detach_expected=True`` keeps the other reading (the PAFs learn to
    agree with fixed heatmaps) for ablation.
    ``'h2p'`` maps heatmaps to PAFs the same way (the PAFs are signed, so
    their distributions are taken over the magnitudes ``|F|``, settled here);
    ``'both'`` does both (Table I).

    With the head's heatmap loss weighted by γ and its PAF loss by
    δ = γ + 1, the head's total is L1 = γ·L_s + L_ps + δ·(L_m + L_n) + L_kl
    (eq. (14)). The translation nets are used in training only: prediction
    never calls them, so inference cost is that of the head without them.

    Args:
        num_keypoints (int): K (the head fills it in)
        num_limbs (int): L (the head fills it in)
        mode (str): ``'p2h'``, ``'h2p'`` or ``'both'``. Defaults to ``'p2h'``
        hidden_channels (int): width of the translation nets. Defaults to 128
        prediction_loss (dict): L_ps (and L_hp). Defaults to L0
        kl_weight (float): weight of L_kl. Defaults to 1
        eps (float): floor of the normalised maps. Defaults to 1e-6
        detach_expected (bool): stop L_kl's gradient at the expected maps
            (F_s for p2h, the PAFs for h2p). Defaults to False
    """

    MODES = ('p2h', 'h2p', 'both')

    def __init__(self,
                 num_keypoints: int,
                 num_limbs: int,
                 mode: str = 'p2h',
                 hidden_channels: int = 128,
                 prediction_loss: dict = dict(type='SummedSquaredErrorLoss'),
                 kl_weight: float = 1.,
                 eps: float = 1e-6,
                 detach_expected: bool = False) -> None:
        super().__init__()
        if mode not in self.MODES:
            raise ValueError(f'KLSelfSupervisionLoss: mode must be one of '
                             f'{self.MODES}, got {mode!r}')
        self.mode = mode
        self.kl_weight = kl_weight
        self.eps = eps
        self.detach_expected = detach_expected
        heatmap_channels, paf_channels = num_keypoints + 1, 2 * num_limbs
        self.paf_to_heatmap = (MapTranslationNet(
            paf_channels, heatmap_channels, hidden_channels)
                               if mode in ('p2h', 'both') else None)
        self.heatmap_to_paf = (MapTranslationNet(
            heatmap_channels, paf_channels, hidden_channels)
                               if mode in ('h2p', 'both') else None)
        self.prediction_loss = MODELS.build(prediction_loss)

    def forward(self,
                pafs: Tensor,
                heatmaps: Tensor,
                gt_pafs: Tensor,
                gt_heatmaps: Tensor,
                paf_weights: Optional[Tensor] = None,
                heatmap_weights: Optional[Tensor] = None
                ) -> Dict[str, Tensor]:
        """One stage's self-supervision losses.

        Args:
            pafs (Tensor): predicted PAFs (B, 2L, H, W)
            heatmaps (Tensor): predicted heatmaps (B, K + 1, H, W)
            gt_pafs, gt_heatmaps (Tensor): their targets
            paf_weights, heatmap_weights (Tensor, optional): pixel weights of
                the prediction losses (the head's heatmap mask)

        Returns:
            dict: ``loss_paf_to_heatmap`` (L_ps) and ``loss_kl_heatmap``
            (L_kl) for p2h; ``loss_heatmap_to_paf`` and ``loss_kl_paf`` for
            h2p; all four for both
        """
        losses = {}
        if self.paf_to_heatmap is not None:
            predicted = self.paf_to_heatmap(pafs)
            losses['loss_paf_to_heatmap'] = self.prediction_loss(
                predicted, gt_heatmaps, heatmap_weights)
            losses['loss_kl_heatmap'] = self.kl_weight * kl_divergence_of_maps(
                self._expected(heatmaps), predicted, self.eps)
        if self.heatmap_to_paf is not None:
            predicted = self.heatmap_to_paf(heatmaps)
            losses['loss_heatmap_to_paf'] = self.prediction_loss(
                predicted, gt_pafs, paf_weights)
            losses['loss_kl_paf'] = self.kl_weight * kl_divergence_of_maps(
                self._expected(pafs).abs(), predicted.abs(), self.eps)
        return losses

    def _expected(self, maps: Tensor) -> Tensor:
        return maps.detach() if self.detach_expected else maps
