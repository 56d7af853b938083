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
    # NaN > 0 is False: unlabelled
    return ((np.asarray(keypoints_visible) > 0)
            & np.isfinite(keypoints).all(axis=-1))


# eq. (6)'s Gaussian is cut where it falls below 2^-25 (d = 4.16 σ): the
# background 1 − max is then exactly 1 in float32, and a keypoint channel
# differs from the uncut Gaussian by less than 3e-8
GAUSSIAN_CUTOFF_SIGMAS = float(np.sqrt(25 * np.log(2)))


def generate_max_merged_gaussian_heatmaps(
        heatmap_size: Tuple[int, int], keypoints: np.ndarray,
        keypoints_visible: np.ndarray, sigma: float) -> np.ndarray:
    """Heatmaps of eq. (6) of Liu et al.: a Gaussian exp(−‖P − P_k‖² / σ²)
    around every labelled keypoint, merged over persons by maximum
    (the paper prints a sum, which exceeds 1 where persons overlap).

    Each Gaussian is computed on the square of pixels around its keypoint
    that holds every pixel within ``GAUSSIAN_CUTOFF_SIGMAS`` σ (values below
    2^-25 are 0), all squares at once; the time grows with the number of
    keypoints, not with persons × map size.

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
    K = keypoints.shape[1]
    # every pixel within the cut is at most R from the keypoint's pixel
    R = int(np.ceil(GAUSSIAN_CUTOFF_SIGMAS * sigma + 0.5))
    padded = np.zeros((K, H + 2 * R, W + 2 * R), dtype=np.float32)
    centres = np.round(keypoints)
    # keypoints whose square reaches into the map
    n, k = np.nonzero(
        valid_keypoint_mask(keypoints, keypoints_visible)
        & (np.abs(centres - np.array([(W - 1) / 2, (H - 1) / 2])) <=
           np.array([(W - 1) / 2 + R, (H - 1) / 2 + R])).all(axis=-1))
    if len(n):
        # a square centred on the map's pixel nearest to the keypoint's
        # still holds every map pixel within R of the keypoint, and fits
        # in the padding
        centres = np.clip(centres[n, k], 0, [W - 1, H - 1]).astype(np.int64)
        span = np.arange(-R, R + 1)
        # a σ so small that σ² underflows still gives 1 at the keypoint
        variance = max(sigma**2, np.finfo(np.float64).tiny)
        gx, gy = np.exp(-np.square(centres[:, None] + span[:, None] -
                                   keypoints[n, k][:, None]) /
                        variance).astype(np.float32).transpose(2, 0, 1)
        # flat index into ``padded`` of each square's pixel (x, y)
        corners = (k * (H + 2 * R) + centres[:, 1] + R) * (W + 2 * R) + \
            centres[:, 0] + R
        square = span[:, None] * (W + 2 * R) + span[None, :]
        np.maximum.at(padded.reshape(-1),
                      (corners[:, None, None] + square).reshape(-1),
                      (gy[:, :, None] * gx[:, None, :]).reshape(-1))
    return np.ascontiguousarray(padded[:, R:R + H, R:R + W])
