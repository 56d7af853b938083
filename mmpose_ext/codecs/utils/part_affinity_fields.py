# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""Part Affinity Field targets (eq. (2) of Liu et al., after OpenPose) and
SALM's limb attention (eqs. (15), (16)), computed on the pixels near each
limb only."""
from typing import NamedTuple, Sequence, Tuple

import numpy as np

from .multi_person_heatmaps import valid_keypoint_mask

# SALM's attention exp(−r²), r = d / σ, is cut at r = 5: exp(−25) ≈ 1.4e-11,
# so α·attention + 1 rounds to 1 in float32 for any α up to 4000
ATTENTION_CUTOFF_SIGMAS = 5.
# σ of eq. (16) is a quarter of the limb's length in heatmap pixels
LIMB_LENGTHS_PER_SIGMA = 0.25


class LimbPixels(NamedTuple):
    """The pixels near every person's limbs in one image, as M (limb,
    pixel) pairs: what PAFs and SALM's attention are computed on, so that
    no work is spent on the pixels far from every limb.

    Attributes:
        map_shape (tuple): (L, H, W) of one map per limb type
        cell (np.ndarray): (M,) flat index ``(l·H + y)·W + x`` into the maps
            of pixel (x, y) for a limb of type l
        squared_distance (np.ndarray): (M,) from the pixel to that person's
            limb segment (the projection clamped to the segment, so beyond
            an end the distance is to that end: P_s of eq. (16)), in heatmap
            pixels²
        directions (np.ndarray): (2, M) the limb's unit vector parent →
            child (x, y)
        lengths (np.ndarray): (M,) the limb's length in heatmap pixels
    """
    map_shape: Tuple[int, int, int]
    cell: np.ndarray
    squared_distance: np.ndarray
    directions: np.ndarray
    lengths: np.ndarray


def pixels_near_limbs(heatmap_size: Tuple[int, int], keypoints: np.ndarray,
                      keypoints_visible: np.ndarray,
                      skeleton_links: Sequence[Sequence[int]],
                      margin: float = 1.,
                      margin_lengths: float = 0.) -> LimbPixels:
    """Every pixel of the box around each valid limb segment, widened by
    ``max(margin, margin_lengths · length)`` heatmap pixels, and its
    distance to the segment. Limbs with an unlabelled or non-finite end and
    zero-length limbs have no pixels.

    Args:
        heatmap_size (tuple): [W, H]
        keypoints (np.ndarray): (N, K, 2) in heatmap coordinates
        keypoints_visible (np.ndarray): (N, K)
        skeleton_links (sequence): L (parent, child) keypoint id pairs
        margin (float): widening in heatmap pixels
        margin_lengths (float): widening in limb lengths

    Returns:
        LimbPixels: the pixels with their distances and limbs
    """
    W, H = heatmap_size
    links = np.asarray(skeleton_links, dtype=np.int64).reshape(-1, 2)
    labelled = valid_keypoint_mask(keypoints, keypoints_visible)
    with np.errstate(invalid='ignore', over='ignore'):  # unlabelled ends
        vectors = keypoints[:, links[:, 1]] - keypoints[:, links[:, 0]]
        lengths = np.hypot(vectors[..., 0], vectors[..., 1])  # (N, L)
    # the limbs with both ends labelled and apart, as flat arrays
    person, link = np.nonzero(labelled[:, links[:, 0]]
                              & labelled[:, links[:, 1]] & (lengths > 1e-6))
    starts = keypoints[person, links[link, 0]].astype(np.float64)
    ends = keypoints[person, links[link, 1]].astype(np.float64)
    lengths = lengths[person, link]
    units = (ends - starts) / lengths[:, None]
    # each limb's box, widened and clipped to the map
    widening = np.maximum(margin, margin_lengths * lengths)[:, None]
    top = np.array([W - 1, H - 1], dtype=np.float64)
    low = np.ceil(np.clip(np.minimum(starts, ends) - widening, 0., top + 1))
    high = np.floor(np.clip(np.maximum(starts, ends) + widening, -1., top))
    extent = np.maximum(high - low + 1, 0).astype(np.int64)
    sizes = extent[:, 0] * extent[:, 1]
    # a ragged arange: pixel i of a box is (i mod width, i div width) from
    # its corner; per-limb values are repeated over its box's pixels (1-D
    # repeats: several times cheaper than row gathers)
    index = np.arange(sizes.sum()) - np.repeat(np.cumsum(sizes) - sizes,
                                               sizes)
    rows, cols = np.divmod(index, np.repeat(extent[:, 0], sizes))
    low = low.astype(np.int64)
    corner_cell = (link * H + low[:, 1]) * W + low[:, 0]
    cell = np.repeat(corner_cell, sizes) + rows * W + cols
    dx = cols + np.repeat(low[:, 0] - starts[:, 0], sizes)
    dy = rows + np.repeat(low[:, 1] - starts[:, 1], sizes)
    directions = np.stack([np.repeat(units[:, 0], sizes),
                           np.repeat(units[:, 1], sizes)])
    lengths = np.repeat(lengths, sizes)
    along = np.minimum(
        np.maximum(dx * directions[0] + dy * directions[1], 0.), lengths)
    squared_distance = (np.square(dx - along * directions[0]) +
                        np.square(dy - along * directions[1]))
    return LimbPixels((len(links), H, W), cell, squared_distance, directions,
                      lengths)


def part_affinity_fields(limb_pixels: LimbPixels,
                         limb_width: float = 1.) -> np.ndarray:
    """PAF targets of eq. (2): the unit vector parent → child on every pixel
    within ``limb_width`` of the limb segment, 0 elsewhere; where several
    persons' limbs of one type cover a pixel their vectors are averaged (as
    OpenPose does).

    Args:
        limb_pixels (LimbPixels): from :func:`pixels_near_limbs` with
            ``margin >= limb_width``
        limb_width (float): half-width of the limb band in heatmap pixels

    Returns:
        np.ndarray: (2L, H, W) float32, channels (x_0, y_0, x_1, y_1, ...)
    """
    L, H, W = limb_pixels.map_shape
    on_limb = limb_pixels.squared_distance <= limb_width**2
    cell = limb_pixels.cell[on_limb]
    directions = limb_pixels.directions[:, on_limb]
    # each person's unit vector divided by the number of persons covering
    # the cell, summed: the mean
    share = 1. / np.bincount(cell, minlength=L * H * W)[cell]
    pafs = np.zeros((L, 2, H * W), dtype=np.float32)
    # the pixel in channel 2l (x of limb type l) of the (2L, H, W) PAFs
    x_cell = cell + cell // (H * W) * (H * W)
    # (float32 values: ufunc.at is several times slower when it casts)
    np.add.at(pafs.reshape(-1), x_cell,
              (directions[0] * share).astype(np.float32))
    np.add.at(pafs.reshape(-1), x_cell + H * W,
              (directions[1] * share).astype(np.float32))
    return pafs.reshape(2 * L, H, W)


def limb_attention(limb_pixels: LimbPixels) -> np.ndarray:
    r"""The Gaussian part of SALM's pixel weight (eqs. (15), (16) of Liu et
    al.): :math:`\exp(-\|P - P_s\|^2 / \sigma^2)` with P_s the pixel's
    projection onto the limb segment and
    :math:`\sigma = \|P_{parent} - P_{child}\| / (4 f_d)`, i.e. a quarter of
    the limb's length in heatmap pixels; max over persons.

    Pixels farther than ``ATTENTION_CUTOFF_SIGMAS`` σ from every limb get 0
    (exp(−25) ≈ 1.4e-11 at the cut, below float32's resolution of the
    loss weight α·attention + 1 for α ≤ 4000). A limb with an unlabelled end
    or of zero length has no attention (0 everywhere), so its loss weight
    stays 1: never NaN.

    Args:
        limb_pixels (LimbPixels): from :func:`pixels_near_limbs` with
            ``margin_lengths >= ATTENTION_CUTOFF_SIGMAS *
            LIMB_LENGTHS_PER_SIGMA``

    Returns:
        np.ndarray: (L, H, W) float32 in [0, 1]
    """
    sigma = LIMB_LENGTHS_PER_SIGMA * limb_pixels.lengths
    with np.errstate(under='ignore'):
        values = np.exp(-limb_pixels.squared_distance / np.square(sigma))
    attention = np.zeros(limb_pixels.map_shape, dtype=np.float32)
    np.maximum.at(attention.reshape(-1), limb_pixels.cell,
                  values.astype(np.float32))
    return attention


def generate_part_affinity_fields(heatmap_size: Tuple[int, int],
                                  keypoints: np.ndarray,
                                  keypoints_visible: np.ndarray,
                                  skeleton_links: Sequence[Sequence[int]],
                                  limb_width: float = 1.) -> np.ndarray:
    """PAF targets of eq. (2) for all persons of one image (see
    :func:`part_affinity_fields`). Limbs with an unlabelled or non-finite
    end, and zero-length limbs, add nothing (no NaN).

    Args:
        heatmap_size (tuple): [W, H]
        keypoints (np.ndarray): (N, K, 2) in heatmap coordinates
        keypoints_visible (np.ndarray): (N, K)
        skeleton_links (sequence): L (parent, child) keypoint id pairs
        limb_width (float): half-width of the limb band in heatmap pixels

    Returns:
        np.ndarray: (2L, H, W) float32, channels (x_0, y_0, x_1, y_1, ...)
    """
    return part_affinity_fields(
        pixels_near_limbs(heatmap_size, keypoints, keypoints_visible,
                          skeleton_links, margin=limb_width), limb_width)
