# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""Block-inside offsets of Resolution-Irrelevant Encoding (RIE), eqs. (7) and
(8) of Liu et al."""
import numpy as np

from .multi_person_heatmaps import valid_keypoint_mask


def generate_block_inside_offsets(keypoints: np.ndarray,
                                  keypoints_visible: np.ndarray,
                                  heatmaps: np.ndarray,
                                  threshold: float = 0.4):
    """Offset targets of eq. (7) as this package settles them.

    Each heatmap cell (centre at integer coordinates, extent ±0.5) whose
    keypoint heatmap target exceeds ``threshold`` gets the vector from its
    centre to the point of the cell closest to the nearest labelled keypoint
    of that type: ``clip(keypoint − centre, −0.5, 0.5)`` per axis, in heatmap
    pixels (= input pixels / fd). It is exact for the cell that contains the
    keypoint and points to the nearest border for its neighbours, so an offset
    never leaves its own cell. Other cells get 0 and weight 0.

    Args:
        keypoints (np.ndarray): (N, K, 2) in heatmap coordinates
        keypoints_visible (np.ndarray): (N, K)
        heatmaps (np.ndarray): (K, H, W) keypoint heatmap targets
        threshold (float): cells with heatmap > threshold get an offset

    Returns:
        tuple:
        - offsets (np.ndarray): (2K, H, W) float32 in [−0.5, 0.5], channels
          (x_0, y_0, x_1, y_1, ...)
        - offset_weights (np.ndarray): (K, H, W) float32, 1 where the offset
          loss counts
    """
    K, H, W = heatmaps.shape
    offsets = np.zeros((K, 2, H, W), dtype=np.float32)
    valid = valid_keypoint_mask(keypoints, keypoints_visible)
    # channels without any labelled keypoint have no target
    on = (heatmaps > threshold) & valid.any(axis=0)[:, None, None]
    if not on.any():
        return offsets.reshape(2 * K, H, W), on.astype(np.float32)
    # only the cells above the threshold (a few per keypoint) need the
    # nearest keypoint of their type (flatnonzero of a bool array: several
    # times faster than a 3-D nonzero)
    ks, ys, xs = np.unravel_index(np.flatnonzero(on), on.shape)
    # (N, M): every person's keypoint of the cell's type, from the cell
    with np.errstate(invalid='ignore'):  # unlabelled: masked below
        dx = keypoints[:, ks, 0] - xs
        dy = keypoints[:, ks, 1] - ys
        dist2 = np.where(valid[:, ks], dx * dx + dy * dy, np.inf)
    nearest = dist2.argmin(axis=0), np.arange(len(ks))
    offsets[ks, 0, ys, xs] = np.clip(dx[nearest], -0.5, 0.5)
    offsets[ks, 1, ys, xs] = np.clip(dy[nearest], -0.5, 0.5)
    return offsets.reshape(2 * K, H, W), on.astype(np.float32)


def refine_peaks_with_block_offsets(peaks: np.ndarray,
                                    offsets: np.ndarray) -> np.ndarray:
    """Eq. (8): move each heatmap peak by its cell's predicted offset.

    ``P_fixed = P + fd · F`` in input pixels, which is ``P + F`` in heatmap
    pixels (F is stored divided by fd).

    Args:
        peaks (np.ndarray): (M, 2) integer peak cells (x, y) of one keypoint
            type, heatmap pixels
        offsets (np.ndarray): (2, H, W) that type's offset channels (x, y)

    Returns:
        np.ndarray: (M, 2) refined float coordinates, heatmap pixels
    """
    cells = np.asarray(peaks, dtype=np.int64).reshape(-1, 2)
    shift = offsets[:, cells[:, 1], cells[:, 0]].T
    return cells + np.clip(shift, -0.5, 0.5)
