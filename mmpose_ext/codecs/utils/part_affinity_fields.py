# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""Part Affinity Field targets (eq. (2) of Liu et al., after OpenPose)."""
from typing import Sequence, Tuple

import numpy as np

from .multi_person_heatmaps import valid_keypoint_mask


def limb_segment_geometry(keypoints: np.ndarray,
                          keypoints_visible: np.ndarray,
                          skeleton_links: Sequence[Sequence[int]],
                          min_length: float = 1e-6):
    """Start points, unit directions and lengths of every person's limbs.

    Args:
        keypoints (np.ndarray): (N, K, 2)
        keypoints_visible (np.ndarray): (N, K)
        skeleton_links (sequence): L pairs (parent, child) of keypoint ids
        min_length (float): limbs shorter than this (coincident endpoints)
            are marked invalid

    Returns:
        tuple:
        - starts (np.ndarray): (N, L, 2), 0 where invalid
        - units (np.ndarray): (N, L, 2) unit vectors parent → child, 0 where
          invalid
        - lengths (np.ndarray): (N, L), 0 where invalid
        - valid (np.ndarray): bool (N, L): both ends labelled and finite and
          the limb longer than ``min_length``
    """
    links = np.asarray(skeleton_links, dtype=np.int64).reshape(-1, 2)
    kp_valid = valid_keypoint_mask(keypoints, keypoints_visible)
    kpts = np.where(kp_valid[..., None], keypoints, 0.).astype(np.float64)
    starts = kpts[:, links[:, 0]]
    vectors = kpts[:, links[:, 1]] - starts
    lengths = np.linalg.norm(vectors, axis=-1)
    valid = (kp_valid[:, links[:, 0]] & kp_valid[:, links[:, 1]]
             & (lengths > min_length))
    lengths = np.where(valid, lengths, 0.)
    units = np.where(valid[..., None],
                     vectors / np.maximum(lengths, min_length)[..., None], 0.)
    starts = np.where(valid[..., None], starts, 0.)
    return starts, units, lengths, valid


def distance_to_limb_segments(heatmap_size: Tuple[int, int],
                              starts: np.ndarray, units: np.ndarray,
                              lengths: np.ndarray) -> np.ndarray:
    """Distance of every heatmap pixel to every limb segment.

    The pixel's projection onto the segment's line is clamped to the segment,
    so beyond an end the distance is to that end point (P_s of eq. (16)).

    Args:
        heatmap_size (tuple): [W, H]
        starts, units (np.ndarray): (N, L, 2)
        lengths (np.ndarray): (N, L)

    Returns:
        np.ndarray: (N, L, H, W)
    """
    W, H = heatmap_size
    starts = starts.astype(np.float32)
    units = units.astype(np.float32)
    dx = np.arange(W, dtype=np.float32) - starts[..., 0, None]  # (N, L, W)
    dy = np.arange(H, dtype=np.float32) - starts[..., 1, None]  # (N, L, H)
    ux = units[..., 0, None, None]
    uy = units[..., 1, None, None]
    along = (dx * units[..., 0, None])[..., None, :] + \
        (dy * units[..., 1, None])[..., :, None]  # (N, L, H, W)
    np.clip(along, 0., lengths.astype(np.float32)[..., None, None], out=along)
    # in place, two (N, L, H, W) buffers: ex = dx − along·ux, ey = dy −
    # along·uy, then sqrt(ex² + ey²)
    ex = along * ux
    np.subtract(dx[..., None, :], ex, out=ex)
    along *= uy
    np.subtract(dy[..., :, None], along, out=along)
    with np.errstate(over='ignore', invalid='ignore'):  # far: inf
        np.multiply(ex, ex, out=ex)
        np.multiply(along, along, out=along)
        ex += along
        return np.sqrt(ex, out=ex)


def limb_distance_maps(heatmap_size: Tuple[int, int], keypoints: np.ndarray,
                       keypoints_visible: np.ndarray,
                       skeleton_links: Sequence[Sequence[int]]):
    """Every person's limb geometry and every pixel's distance to each limb.

    Args:
        heatmap_size (tuple): [W, H]
        keypoints (np.ndarray): (N, K, 2) in heatmap coordinates
        keypoints_visible (np.ndarray): (N, K)
        skeleton_links (sequence): L (parent, child) keypoint id pairs

    Returns:
        tuple:
        - distances (np.ndarray): (N, L, H, W) pixel → segment distance
        - units (np.ndarray): (N, L, 2) unit vectors parent → child
        - lengths (np.ndarray): (N, L) limb lengths in heatmap pixels
        - valid (np.ndarray): bool (N, L), see :func:`limb_segment_geometry`
    """
    starts, units, lengths, valid = limb_segment_geometry(
        keypoints, keypoints_visible, skeleton_links)
    distances = distance_to_limb_segments(heatmap_size, starts, units,
                                          lengths)
    return distances, units, lengths, valid


def part_affinity_fields_from_distances(distances: np.ndarray,
                                        units: np.ndarray, valid: np.ndarray,
                                        limb_width: float = 1.) -> np.ndarray:
    """PAF targets of eq. (2) from :func:`limb_distance_maps`: the unit
    vector parent → child on every pixel within ``limb_width`` of the limb
    segment, 0 elsewhere; where several persons' limbs of one type cover a
    pixel their vectors are averaged (as OpenPose does).

    Args:
        distances (np.ndarray): (N, L, H, W)
        units (np.ndarray): (N, L, 2)
        valid (np.ndarray): bool (N, L)
        limb_width (float): half-width of the limb band in heatmap pixels

    Returns:
        np.ndarray: (2L, H, W) float32, channels (x_0, y_0, x_1, y_1, ...)
    """
    N, L, H, W = distances.shape
    on_limb = (distances <= limb_width) & valid[..., None, None]
    weights = on_limb.astype(np.float32)
    count = weights.sum(axis=0)  # (L, H, W)
    weights /= np.maximum(count, 1.)
    units = units.astype(np.float32)
    pafs = np.stack([(weights * units[..., 0, None, None]).sum(axis=0),
                     (weights * units[..., 1, None, None]).sum(axis=0)],
                    axis=1)  # (L, 2, H, W)
    return pafs.reshape(2 * L, H, W)


def limb_attention_from_distances(distances: np.ndarray, lengths: np.ndarray,
                                  valid: np.ndarray) -> np.ndarray:
    r"""The Gaussian part of SALM's pixel weight (eqs. (15), (16) of Liu et
    al.): :math:`\exp(-\|P - P_s\|^2 / \sigma^2)` with P_s the
    pixel's projection onto the limb segment and
    :math:`\sigma = \|P_{parent} - P_{child}\| / (4 f_d)`, i.e. a quarter of
    the limb's length in heatmap pixels; max over persons.

    A limb with an unlabelled end or of zero length has no attention (0
    everywhere), so its loss weight stays 1: never NaN.

    Args:
        distances (np.ndarray): (N, L, H, W) in heatmap pixels
        lengths (np.ndarray): (N, L) in heatmap pixels
        valid (np.ndarray): bool (N, L)

    Returns:
        np.ndarray: (L, H, W) float32 in [0, 1]
    """
    N, L, H, W = distances.shape
    if N == 0:
        return np.zeros((L, H, W), dtype=np.float32)
    # exp(-r²) falls with r = d / σ, so the max over persons is the exp of
    # the min over persons (one exp per limb type and pixel)
    inverse_sigma = np.where(valid, 4. / np.maximum(lengths, 1e-12),
                             0.).astype(np.float32)[..., None, None]
    with np.errstate(over='ignore', invalid='ignore'):
        ratio = distances * inverse_sigma
    ratio = np.where(valid[..., None, None] & np.isfinite(ratio), ratio,
                     np.inf).min(axis=0)
    with np.errstate(under='ignore'):
        return np.exp(-np.square(ratio)).astype(np.float32)


def generate_part_affinity_fields(heatmap_size: Tuple[int, int],
                                  keypoints: np.ndarray,
                                  keypoints_visible: np.ndarray,
                                  skeleton_links: Sequence[Sequence[int]],
                                  limb_width: float = 1.) -> np.ndarray:
    """PAF targets of eq. (2) for all persons of one image (see
    :func:`part_affinity_fields_from_distances`).

    Limbs with an unlabelled or non-finite end, and zero-length limbs, add
    nothing (no NaN). Vectorised over persons, limbs and pixels.

    Args:
        heatmap_size (tuple): [W, H]
        keypoints (np.ndarray): (N, K, 2) in heatmap coordinates
        keypoints_visible (np.ndarray): (N, K)
        skeleton_links (sequence): L (parent, child) keypoint id pairs
        limb_width (float): half-width of the limb band in heatmap pixels

    Returns:
        np.ndarray: (2L, H, W) float32, channels (x_0, y_0, x_1, y_1, ...)
    """
    W, H = heatmap_size
    L = len(skeleton_links)
    if keypoints.shape[0] == 0 or L == 0:
        return np.zeros((2 * L, H, W), dtype=np.float32)
    distances, units, _, valid = limb_distance_maps(heatmap_size, keypoints,
                                                    keypoints_visible,
                                                    skeleton_links)
    return part_affinity_fields_from_distances(distances, units, valid,
                                               limb_width)
