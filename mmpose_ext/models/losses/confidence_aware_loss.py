# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""The loss of Confidence-Aware Learning (CAL) with its Mixed Gaussian Masks.

Wang et al., *Low-resolution Human Pose Estimation*, eqs. (11)-(15), Algorithm 1.
"""
import logging
from typing import Dict, Optional

import torch
import torch.nn.functional as F
from mmengine.logging import print_log
from mmpose.registry import MODELS
from torch import Tensor, nn

from ..utils import fit_gaussian_mixture, mixture_density


def peak_displacements(heatmaps: Tensor, keypoints: Tensor) -> Tensor:
    """d = argmax_p Ĝ(p) − y for every joint (eq. (11)).

    Args:
        heatmaps (Tensor): predicted heatmaps (B, K, H, W)
        keypoints (Tensor): ground truth y in heatmap coordinates (B, K, 2)

    Returns:
        Tensor: (B, K, 2) displacements in heatmap pixels
    """
    B, K, H, W = heatmaps.shape
    index = heatmaps.detach().flatten(2).argmax(dim=2)  # (B, K)
    peaks = torch.stack([index % W, torch.div(index, W, rounding_mode='floor')],
                        dim=-1).to(keypoints.dtype)
    return peaks - keypoints


def mixed_gaussian_masks(displacements: Tensor, keypoints: Tensor,
                         heatmap_size, radius: int,
                         num_components: int) -> Optional[Tensor]:
    """Mixed Gaussian Masks m = shift(norm(M), y) of Algorithm 1 (eq. (13)).

    A mixture is fitted to the pooled displacements of the mini-batch (eq.
    (12)), its density M is taken on the integer grid Z = {−R..R}² and min-max
    normalised, and one copy is centred on each joint's ground truth. SPEC.md
    settles the centre as the heatmap pixel nearest to y (the paper shifts the
    grid Z, which is integer).

    Args:
        displacements (Tensor): (P, 2) displacements of the visible joints
        keypoints (Tensor): (B, K, 2) ground truth in heatmap coordinates
        heatmap_size (tuple): [W, H]
        radius (int): R
        num_components (int): mixture components

    Returns:
        Tensor | None: masks (B, K, H, W) in [0, 1], or None when the batch is
        degenerate (too few points, zero variance, a flat density).
    """
    mixture = fit_gaussian_mixture(
        displacements.double(), num_components=num_components)
    if mixture is None:
        return None
    R = int(radius)
    steps = torch.arange(-R, R + 1, device=keypoints.device,
                         dtype=torch.float64)
    grid_y, grid_x = torch.meshgrid(steps, steps, indexing='ij')
    density = mixture_density(
        torch.stack([grid_x, grid_y], dim=-1).reshape(-1, 2), mixture)
    span = density.max() - density.min()
    if not torch.isfinite(span) or span <= 1e-12:
        return None
    imgm = ((density - density.min()) / span).to(keypoints.dtype)  # (2R+1)²

    W, H = heatmap_size
    centre = keypoints.round().long()  # (B, K, 2)
    qx = torch.arange(W, device=keypoints.device)[None, None, None, :] - \
        centre[..., 0, None, None]  # (B, K, 1, W)
    qy = torch.arange(H, device=keypoints.device)[None, None, :, None] - \
        centre[..., 1, None, None]  # (B, K, H, 1)
    inside = (qx.abs() <= R) & (qy.abs() <= R)
    index = ((qy + R).clamp(0, 2 * R) * (2 * R + 1) +
             (qx + R).clamp(0, 2 * R))  # (B, K, H, W)
    return imgm[index] * inside


@MODELS.register_module()
class ConfidenceAwareLoss(nn.Module):
    """L = mean over joints of [L2(G, Ĝ) + α · w · L1(O, Ô)] (eqs. (14), (15)).

    Stage 1 weighs the offset loss with the target heatmap (w = G, eq. (14));
    stage 2 with the Mixed Gaussian Masks fitted to the mini-batch's own
    heatmap peaks (w = MGM, eq. (15)). Invisible joints weigh 0. The stage is a
    buffer, so checkpoints store it and ``resume`` / ``load_from`` restore it;
    :class:`~mmpose_ext.engine.hooks.ConfidenceAwareStageHook` switches it at a
    configured epoch.

    Settled by SPEC.md / here: L2 and L1 are means over pixels (as MMPose's
    ``KeypointMSELoss``), the L1 sums the x and y channels; MGM is applied
    where the offset target is defined (the disk of eq. (7), where the target
    heatmap is > 0). A degenerate batch in stage 2 falls back to w = G for that
    batch with a logged warning.

    Args:
        alpha (float): α, the offset loss weight. Defaults to 1.0
        radius (int): R of the codec's disk, the half-size of the MGM grid.
            Defaults to 4
        num_components (int): GMM components (SPEC: 1 for inputs <= 128×96,
            2 above). Defaults to 1
        stage2_mask (str): the stage-2 offset weight: ``'mixed_gaussian'``
            (MGM, the paper) or ``'binary'`` (the disk, Table 3's ablation).
            Defaults to ``'mixed_gaussian'``
        offset_loss (str): ``'l1'`` (the paper), ``'smooth_l1'`` or ``'l2'``
            (Table 6's ablation). Defaults to ``'l1'``
        stage (int): the stage to start in; 2 trains one-stage with MGM from
            the start (Table 7). Defaults to 1
        loss_weight (float): multiplies both terms. Defaults to 1.0

    Shapes (``forward``): pred/gt heatmaps (B, K, H, W), pred/gt offsets
    (B, 2K, H, W) interleaved x/y, keypoint_weights (B, K), heatmap_keypoints
    (B, K, 2).
    """

    def __init__(self,
                 alpha: float = 1.0,
                 radius: int = 4,
                 num_components: int = 1,
                 stage2_mask: str = 'mixed_gaussian',
                 offset_loss: str = 'l1',
                 stage: int = 1,
                 loss_weight: float = 1.0):
        super().__init__()
        if stage2_mask not in ('mixed_gaussian', 'binary'):
            raise ValueError('stage2_mask must be "mixed_gaussian" or '
                             f'"binary", got {stage2_mask!r}')
        if offset_loss not in ('l1', 'smooth_l1', 'l2'):
            raise ValueError('offset_loss must be "l1", "smooth_l1" or "l2", '
                             f'got {offset_loss!r}')
        if stage not in (1, 2):
            raise ValueError(f'stage must be 1 or 2, got {stage}')
        if radius <= 0 or num_components < 1:
            raise ValueError(f'radius ({radius}) must be > 0 and '
                             f'num_components ({num_components}) >= 1')
        self.alpha = alpha
        self.radius = int(radius)
        self.num_components = num_components
        self.stage2_mask = stage2_mask
        self.offset_loss = offset_loss
        self.loss_weight = loss_weight
        self.register_buffer('stage', torch.tensor(stage, dtype=torch.long))

    def set_stage(self, stage: int) -> None:
        if stage not in (1, 2):
            raise ValueError(f'stage must be 1 or 2, got {stage}')
        self.stage.fill_(stage)

    def offset_weights(self, pred_heatmaps: Tensor, gt_heatmaps: Tensor,
                       keypoint_weights: Tensor,
                       heatmap_keypoints: Tensor) -> Tensor:
        """w of eqs. (14), (15): (B, K, H, W)."""
        if int(self.stage) == 1:
            return gt_heatmaps
        disk = (gt_heatmaps > 0).to(gt_heatmaps.dtype)
        if self.stage2_mask == 'binary':
            return disk
        visible = keypoint_weights > 0
        displacements = peak_displacements(pred_heatmaps,
                                           heatmap_keypoints)[visible]
        H, W = gt_heatmaps.shape[-2:]
        masks = mixed_gaussian_masks(displacements, heatmap_keypoints,
                                     (W, H), self.radius, self.num_components)
        if masks is None:
            print_log(
                'ConfidenceAwareLoss: the heatmap peaks of this batch cannot '
                f'support a {self.num_components}-component Gaussian mixture '
                f'({displacements.shape[0]} visible joints, or zero '
                'variance); the offsets are weighted by the target heatmaps '
                '(w = G) for this batch.',
                logger='current',
                level=logging.WARNING)
            return gt_heatmaps
        return masks * disk

    def forward(self, pred_heatmaps: Tensor, pred_offsets: Tensor,
                gt_heatmaps: Tensor, gt_offsets: Tensor,
                keypoint_weights: Tensor,
                heatmap_keypoints: Tensor) -> Dict[str, Tensor]:
        """Returns dict(loss_heatmap, loss_offset), each a scalar."""
        B, K, H, W = pred_heatmaps.shape
        joint_weights = keypoint_weights.reshape(B, K, 1, 1)
        loss_heatmap = ((pred_heatmaps - gt_heatmaps)**2 *
                        joint_weights).mean()

        weights = self.offset_weights(pred_heatmaps, gt_heatmaps,
                                      keypoint_weights, heatmap_keypoints)
        pred = pred_offsets.reshape(B, K, 2, H, W)
        target = gt_offsets.reshape(B, K, 2, H, W)
        if self.offset_loss == 'l1':
            error = (pred - target).abs()
        elif self.offset_loss == 'smooth_l1':
            error = F.smooth_l1_loss(pred, target, reduction='none')
        else:
            error = (pred - target)**2
        error = error.sum(dim=2)  # x + y: (B, K, H, W)
        loss_offset = (error * weights.detach() * joint_weights).mean()
        return dict(
            loss_heatmap=loss_heatmap * self.loss_weight,
            loss_offset=loss_offset * self.alpha * self.loss_weight)
