# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""Disk heatmaps with offset fields, and their decoding (argmax + offset).

Pure array functions shared by codecs; the symbols follow MMPose's codecs:
K keypoints, heatmap size [W, H]. Keypoints are in heatmap coordinates, where the
integer grid point p = (x, y) is the centre of heatmap pixel (x, y).
"""
from typing import Tuple

import numpy as np
from mmpose.codecs.utils import get_heatmap_maximum


def generate_disk_offset_heatmaps(
        heatmap_size: Tuple[int, int],
        keypoints: np.ndarray,
        keypoints_visible: np.ndarray,
        radius: float,
        sigma: float,
        heatmap_type: str = 'gaussian',
        offset_scale: float = 1.0
) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Heatmaps on the disk ‖p − y‖ ≤ R and the offset field inside it.

    - ``heatmap_type='binary'``: B(p) = 1 on the disk, 0 elsewhere (eq. (6) of
      Wang et al., *Low-resolution Human Pose Estimation*).
    - ``heatmap_type='gaussian'``: G(p) = B(p)·exp(−‖p − y‖² / 2σ²), the
      Gaussian-weighted binary heatmap of eq. (10).
    - offsets: O(p) = (y − p) / ``offset_scale`` on the disk, 0 elsewhere
      (eq. (7)), channels interleaved as (x_0, y_0, x_1, y_1, ...), the layout
      of MMPose's ``flip_heatmaps(flip_mode='offset')``.

    A keypoint that is invisible, not finite, or whose disk holds no grid point
    gets weight 0 and all-zero maps; the outputs are always finite.

    Args:
        heatmap_size (tuple): [W, H]
        keypoints (np.ndarray): (K, 2) in heatmap coordinates
        keypoints_visible (np.ndarray): (K, )
        radius (float): R in heatmap pixels, > 0
        sigma (float): σ in heatmap pixels, > 0 (unused for 'binary')
        heatmap_type (str): 'gaussian' or 'binary'
        offset_scale (float): divisor of the offsets, > 0

    Returns:
        tuple:
        - heatmaps (np.ndarray): (K, H, W), float32
        - offsets (np.ndarray): (2K, H, W), float32
        - keypoint_weights (np.ndarray): (K, ), float32
    """
    W, H = heatmap_size
    K = keypoints.shape[0]
    keypoints = np.asarray(keypoints, dtype=np.float64)
    valid = np.isfinite(keypoints).all(axis=-1) & (
        np.asarray(keypoints_visible).reshape(K) > 0)
    safe = np.where(valid[:, None], keypoints, 0.)

    # displacements p - y, broadcast to (K, H, W) without a loop over pixels
    dx = np.arange(W, dtype=np.float64)[None, None, :] - safe[:, 0, None, None]
    dy = np.arange(H, dtype=np.float64)[None, :, None] - safe[:, 1, None, None]
    dist2 = dx**2 + dy**2
    disk = (dist2 <= radius**2) & valid[:, None, None]
    keypoint_weights = disk.reshape(K, -1).any(axis=1).astype(np.float32)

    if heatmap_type == 'gaussian':
        # a σ so small that σ² underflows still gives 1 at the keypoint, not 0/0
        variance2 = max(2 * sigma**2, np.finfo(np.float64).tiny)
        heatmaps = np.where(disk, np.exp(-dist2 / variance2), 0.)
    elif heatmap_type == 'binary':
        heatmaps = disk.astype(np.float64)
    else:
        raise ValueError(f'heatmap_type must be "gaussian" or "binary", '
                         f'got {heatmap_type!r}')
    offsets = np.stack([np.where(disk, -dx, 0.),
                        np.where(disk, -dy, 0.)], axis=1) / offset_scale
    return (heatmaps.astype(np.float32),
            offsets.reshape(2 * K, H, W).astype(np.float32),
            keypoint_weights)


def get_offset_refined_maximum(heatmaps: np.ndarray, offsets: np.ndarray,
                               offset_scale: float = 1.0
                               ) -> Tuple[np.ndarray, np.ndarray]:
    """Argmax of each heatmap plus the offset read there (eq. (9)).

    Args:
        heatmaps (np.ndarray): (K, H, W)
        offsets (np.ndarray): (2K, H, W), interleaved x/y as produced by
            :func:`generate_disk_offset_heatmaps`
        offset_scale (float): multiplier that undoes the encoding's division

    Returns:
        tuple:
        - keypoints (np.ndarray): (K, 2) in heatmap coordinates; -1 where the
          heatmap has no positive value (as ``get_heatmap_maximum``)
        - scores (np.ndarray): (K, ) heatmap maxima
    """
    K, H, W = heatmaps.shape
    locs, scores = get_heatmap_maximum(heatmaps)
    found = scores > 0
    ix = np.clip(locs[:, 0], 0, W - 1).astype(np.int64)
    iy = np.clip(locs[:, 1], 0, H - 1).astype(np.int64)
    at_peak = offsets.reshape(K, 2, H, W)[np.arange(K), :, iy, ix]
    keypoints = np.where(found[:, None], locs + at_peak * offset_scale, locs)
    return keypoints.astype(np.float32), scores
