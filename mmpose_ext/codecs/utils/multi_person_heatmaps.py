# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""Max-merged Gaussian keypoint heatmaps of all persons in an image."""
from typing import Tuple

import numpy as np


def valid_keypoint_mask(keypoints: np.ndarray,
                        keypoints_visible: np.ndarray) -> np.ndarray:
    """Keypoints that can be encoded: labelled (visibility > 0) and finite.

    Args:
        keypoints (np.ndarray): (N, K, 2)
        keypoints_visible (np.ndarray): (N, K)

    Returns:
        np.ndarray: bool (N, K)
    """
    visible = np.nan_to_num(np.asarray(keypoints_visible, dtype=np.float64),
                            nan=0.) > 0
    return visible & np.isfinite(keypoints).all(axis=-1)


def generate_max_merged_gaussian_heatmaps(
        heatmap_size: Tuple[int, int], keypoints: np.ndarray,
        keypoints_visible: np.ndarray, sigma: float) -> np.ndarray:
    """Heatmaps of eq. (6) of Liu et al.: a Gaussian exp(−‖P − P_k‖² / σ²)
    around every labelled keypoint, merged over persons by maximum
    (the paper prints a sum, which exceeds 1 where persons overlap).

    The grid is separable, so no loop runs over pixels, persons or keypoints.

    Args:
        heatmap_size (tuple): [W, H]
        keypoints (np.ndarray): (N, K, 2) in heatmap coordinates (pixel
            centres at integers)
        keypoints_visible (np.ndarray): (N, K)
        sigma (float): σ of eq. (6) in heatmap pixels

    Returns:
        np.ndarray: (K, H, W) float32 in [0, 1]
    """
    W, H = heatmap_size
    N, K = keypoints.shape[:2]
    heatmaps = np.zeros((K, H, W), dtype=np.float32)
    valid = valid_keypoint_mask(keypoints, keypoints_visible)
    if N == 0 or not valid.any():
        return heatmaps
    kpts = np.where(valid[..., None], keypoints, 0.).astype(np.float64)
    # a σ so small that σ² underflows still gives 1 at the keypoint, not 0/0
    variance = max(sigma**2, np.finfo(np.float64).tiny)
    with np.errstate(over='ignore'):  # far keypoints: exp(-inf) = 0
        gx = np.exp(-(np.arange(W)[None, None] - kpts[..., 0:1])**2 /
                    variance)
        gy = np.exp(-(np.arange(H)[None, None] - kpts[..., 1:2])**2 /
                    variance)
    gx = (gx * valid[..., None]).astype(np.float32)
    gy = gy.astype(np.float32)
    gaussians = gy[..., :, None] * gx[..., None, :]  # (N, K, H, W)
    return gaussians.max(axis=0)
