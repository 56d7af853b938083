# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""The loss of Confidence-Aware Learning (CAL) with its Mixed Gaussian Masks.

Wang et al., *Low-resolution Human Pose Estimation*, eqs. (11)-(15), Algorithm 1.
"""
import logging
from typing import Dict, Optional

import torch
import torch.distributed as dist
import torch.nn.functional as F
from mmengine.dist import is_main_process
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
    (12)); for every joint its density M is evaluated at p − y for the heatmap
    points p of the (2R+1)² window around the grid point nearest to y, with
    the exact sub-pixel ground truth y (the paper shifts the integer grid Z by
    y), and min-max normalised over that window. Centring the density on the
    nearest grid point instead gives a joint on a half pixel weights 0.04 and
    1.0 at its two equally likely argmax pixels where the density gives equal
    weights (``tools/analysis_tools/benchmark_cal_gmm.py`` prints both).

    Args:
        displacements (Tensor): (P, 2) displacements; rows that are not
            finite (invisible joints, padding of other ranks) are dropped
        keypoints (Tensor): (B, K, 2) ground truth in heatmap coordinates
        heatmap_size (tuple): [W, H]
        radius (int): R
        num_components (int): mixture components

    Returns:
        Tensor | None: masks (B, K, H, W) in [0, 1] (float32), or None when
        the batch is degenerate (too few points, zero variance, a flat
        density).
    """
    mixture = fit_gaussian_mixture(
        displacements.double(), num_components=num_components)
    if mixture is None:
        return None
    R = int(radius)
    W, H = heatmap_size
    B, K = keypoints.shape[:2]
    device = keypoints.device
    y = keypoints.detach().double()
    centre = y.round()  # (B, K, 2), the window's centre grid point
    steps = torch.arange(-R, R + 1, device=device, dtype=torch.float64)
    grid_y, grid_x = torch.meshgrid(steps, steps, indexing='ij')
    grid = torch.stack([grid_x, grid_y], dim=-1).reshape(-1, 2)  # (G, 2)
    points = centre[:, :, None] + grid  # p: (B, K, G, 2)
    density = mixture_density((points - y[:, :, None]).reshape(-1, 2),
                              mixture).reshape(B, K, -1)
    low = density.amin(dim=-1, keepdim=True)
    span = density.amax(dim=-1, keepdim=True) - low
    if not bool(torch.isfinite(span).all()) or bool((span <= 1e-12).any()):
        return None
    window = ((density - low) / span).float()  # (B, K, G)

    # scatter each window onto its heatmap: pixel (x, y) takes entry
    # (y - cy + R) * (2R + 1) + (x - cx + R) of its joint's window
    centre = centre.long()
    qx = torch.arange(W, device=device)[None, None, None, :] - \
        centre[..., 0, None, None]  # (B, K, 1, W)
    qy = torch.arange(H, device=device)[None, None, :, None] - \
        centre[..., 1, None, None]  # (B, K, H, 1)
    inside = (qx.abs() <= R) & (qy.abs() <= R)
    index = ((qy + R).clamp(0, 2 * R) * (2 * R + 1) +
             (qx + R).clamp(0, 2 * R))  # (B, K, H, W)
    masks = torch.gather(window, 2, index.reshape(B, K, -1)).reshape(
        B, K, H, W)
    return masks * inside


def gather_displacements(displacements: Tensor) -> Tensor:
    """The displacements of every rank of a distributed run, concatenated
    in rank order; the input itself outside one.

    Ranks may hold different numbers of rows (a smaller last batch): each
    pads to the largest count with NaN rows, which the mixture fit drops.
    One scalar all-reduce and one all-gather per call, no host
    synchronisation per sample.

    Args:
        displacements (Tensor): (P, 2), NaN rows for joints that do not count

    Returns:
        Tensor: (world_size · max P, 2)
    """
    if not dist.is_available() or not dist.is_initialized() or \
            dist.get_world_size() == 1:
        return displacements
    count = torch.tensor([displacements.shape[0]],
                         device=displacements.device)
    dist.all_reduce(count, op=dist.ReduceOp.MAX)
    padded = displacements.new_full((int(count), 2), float('nan'))
    padded[:displacements.shape[0]] = displacements
    gathered = [torch.empty_like(padded)
                for _ in range(dist.get_world_size())]
    dist.all_gather(gathered, padded)
    return torch.cat(gathered)


@MODELS.register_module()
class ConfidenceAwareLoss(nn.Module):
    """L = mean over joints of [L2(G, Ĝ) + α · w · L1(O, Ô)] (eqs. (14), (15)).

    Stage 1 weighs the offset loss with the target heatmap (w = G, eq. (14));
    stage 2 with the Mixed Gaussian Masks fitted to the mini-batch's own
    heatmap peaks (w = MGM, eq. (15)). Invisible joints weigh 0. The stage is a
    buffer, so checkpoints store it and ``resume`` / ``load_from`` restore it;
    :class:`~mmpose_ext.engine.hooks.ConfidenceAwareStageHook` switches it at a
    configured epoch.

    Settled here: L2 and L1 are means over pixels (as MMPose's
    ``KeypointMSELoss``), the L1 sums the x and y channels; MGM is applied
    where the offset target is defined (the disk of eq. (7), where the target
    heatmap is > 0). A degenerate batch in stage 2 falls back to w = G for that
    batch with a logged warning.

    Args:
        alpha (float): α, the offset loss weight. Defaults to 1.0
        radius (int): R of the codec's disk, the half-size of the MGM grid.
            Defaults to 4
        num_components (int): GMM components (1 for inputs <= 128×96,
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
        # invisible joints become NaN rows (no boolean indexing, no sync);
        # every rank fits the same mixture on the displacements of all ranks
        visible = (keypoint_weights > 0)[..., None]
        displacements = torch.where(
            visible, peak_displacements(pred_heatmaps, heatmap_keypoints),
            torch.full_like(heatmap_keypoints, float('nan')))
        displacements = gather_displacements(displacements.reshape(-1, 2))
        H, W = gt_heatmaps.shape[-2:]
        masks = mixed_gaussian_masks(displacements, heatmap_keypoints,
                                     (W, H), self.radius, self.num_components)
        if masks is None:
            if is_main_process():
                count = int(torch.isfinite(displacements).all(-1).sum())
                print_log(
                    'ConfidenceAwareLoss: the heatmap peaks of this batch '
                    f'cannot support a {self.num_components}-component '
                    f'Gaussian mixture ({count} visible joints over all '
                    'ranks, or zero variance); the offsets are weighted by '
                    'the target heatmaps (w = G) for this batch.',
                    logger='current',
                    level=logging.WARNING)
            return gt_heatmaps
        return masks.to(gt_heatmaps.dtype) * disk

    def forward(self, pred_heatmaps: Tensor, pred_offsets: Tensor,
                gt_heatmaps: Tensor, gt_offsets: Tensor,
                keypoint_weights: Tensor,
                heatmap_keypoints: Tensor) -> Dict[str, Tensor]:
        """Returns dict(loss_heatmap, loss_offset), each a scalar.

        Under mixed precision (autocast) the predictions arrive in float16 or
        bfloat16; the loss is computed in float32 (and the mixture in
        float64), so that keypoint coordinates and squared errors keep their
        precision (bfloat16 resolves 0.25 px at coordinate 64).
        """
        pred_heatmaps = pred_heatmaps.float()
        pred_offsets = pred_offsets.float()
        gt_heatmaps, gt_offsets = gt_heatmaps.float(), gt_offsets.float()
        heatmap_keypoints = heatmap_keypoints.float()
        keypoint_weights = keypoint_weights.float()
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
