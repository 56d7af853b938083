# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""OpenCV's bicubic upsampling (``cv2.resize(..., INTER_CUBIC)`` by an
integer factor u) evaluated only where decoding looks.

CMU OpenPose upsamples all heatmaps and PAFs to input resolution before it
finds peaks and samples limbs. The peaks of the upsampled heatmaps lie near
the 3×3 maxima of the stride maps, and limbs read the PAFs at ten points
each, so neither needs the whole upsampled map:

- :func:`find_upsampled_peaks` takes the stride maps' maxima (a
  non-maximum suppression in torch, on the maps' device) as
  candidates, upsamples a window of ±1 cell around each ((2u + 3)² pixels
  from 7×7 cells: two small matrix products) and finds the upsampled map's
  peaks there by the rule of :func:`~.paf_grouping.find_heatmap_peaks`;
- :func:`upsampled_values` gives the upsampled maps' values at given pixels
  from maps upsampled along x only (:func:`upsample_along_x`, a u-th of the
  upsampled size), four rows each.

The interpolation is OpenCV's (:func:`cubic_taps` takes its weights from
``cv2.resize`` itself: Keys' cubic kernel with a = −0.75), source coordinate
``(x + 0.5)/u − 0.5``, edge cells replicated (equal to ``cv2.resize``
within 2e-6 on unit-scale maps, tested). Upsampled pixel ``x`` lies in
cell ``x // u``; its weights depend on ``x % u`` only.
"""
from functools import lru_cache
from typing import Tuple

import cv2
import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor

#: the windows reach this many cells from their candidate cell's centre
SEARCH_CELLS = 1.0
#: candidates: 3×3 maxima above this share of the peak threshold (an
#: upsampled value is at most 1.89 times the largest of its 16 sources)
CANDIDATE_SHARE = 0.5
#: candidates: maxima along at least this many of the 4 lines through a
#: cell (row, column, diagonals)
MIN_LINES = 2
#: what non-finite map values become: never a peak, and finite through the
#: interpolation (1.89e30 fits float32)
NEVER = -1e30


@lru_cache(maxsize=16)
def cubic_taps(factor: int) -> Tuple[np.ndarray, np.ndarray]:
    """Where upsampled pixel ``x = q·u + r`` reads the source and how much,
    with OpenCV's own weights: the rows of an identity matrix upsampled by
    ``cv2.resize(..., INTER_CUBIC)``, away from its edges.

    Returns:
        tuple:
        - first (np.ndarray): (u,) int, the first of its four source cells
          relative to q (cells ``q + first[r] + 0..3``)
        - weights (np.ndarray): (u, 4) float64, their weights (sum 1)
    """
    r = np.arange(factor)
    # source coordinate (r + 0.5)/u − 0.5 relative to q, one cell before
    first = np.floor((r + 0.5) / factor - 0.5).astype(np.int64) - 1
    size, cell = 8, 4  # taps of cell 4 stay inside 0..7
    impulses = cv2.resize(np.eye(size, dtype=np.float32),
                          (size, size * factor),
                          interpolation=cv2.INTER_CUBIC)
    weights = impulses[(cell * factor + r)[:, None],
                       cell + first[:, None] + np.arange(4)]
    return first, weights.astype(np.float64)


@lru_cache(maxsize=16)
def window_matrix(factor: int) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The upsampling of a strip of source cells around a cell c to the
    pixels within ``SEARCH_CELLS`` of c's centre plus one on either side.

    Returns:
        tuple:
        - pixels (np.ndarray): (n,) int, the upsampled pixels relative to
          ``c·u``
        - sources (np.ndarray): (s,) int, the source cells relative to c
          (seven for u >= 3)
        - matrix (np.ndarray): (n, s) float64, the pixels' weights on them
    """
    u = factor
    centre = (u - 1) / 2  # cell c's centre relative to c·u
    reach = int(np.floor(SEARCH_CELLS * u + 1e-9))
    pixels = np.arange(int(np.floor(centre)) - reach - 1,
                       int(np.ceil(centre)) + reach + 2)
    first, weights = cubic_taps(u)
    q, r = np.divmod(pixels, u)
    taps = (q + first[r])[:, None] + np.arange(4)  # (n, 4) source cells
    sources = np.arange(taps.min(), taps.max() + 1)
    matrix = np.zeros((len(pixels), len(sources)))
    np.add.at(matrix, (np.arange(len(pixels))[:, None], taps - sources[0]),
              weights[r])
    return pixels, sources, matrix


def max_filter_3x3(values: Tensor) -> Tensor:
    """The 3×3 maximum of each inner pixel of (N, h, w) ``values``: what
    ``max_pool2d(values, 3, stride=1)`` gives, as two separable passes
    (several times faster on CPUs for many small maps).

    Returns:
        Tensor: (N, h − 2, w − 2)
    """
    h, w = values.shape[-2:]
    rows = torch.maximum(torch.maximum(values[:, :, :w - 2],
                                       values[:, :, 1:w - 1]),
                         values[:, :, 2:])
    return torch.maximum(torch.maximum(rows[:, :h - 2], rows[:, 1:h - 1]),
                         rows[:, 2:])


def is_local_peak(values: Tensor, threshold: float) -> Tensor:
    """The peak rule of :func:`~.paf_grouping.find_heatmap_peaks` on the
    inner pixels of (N, h, w) finite ``values`` (the outer ring is only
    compared with): above ``threshold``, larger than its earlier
    8-neighbours in raster order and not smaller than its later ones.

    The 3×3 maxima come from :func:`max_filter_3x3`; only they are checked
    for an equal earlier neighbour.

    Returns:
        Tensor: bool (N, h − 2, w − 2)
    """
    h, w = values.shape[-2:]
    centre = values[:, 1:h - 1, 1:w - 1]
    peak = (centre >= max_filter_3x3(values)) & (centre > threshold)
    n, y, x = torch.nonzero(peak, as_tuple=True)
    if n.numel():
        value = values[n, y + 1, x + 1]
        tied = torch.zeros_like(value, dtype=torch.bool)
        for dy, dx in ((-1, -1), (-1, 0), (-1, 1), (0, -1)):
            tied |= values[n, y + 1 + dy, x + 1 + dx] == value
        peak[n[tied], y[tied], x[tied]] = False
    return peak


def candidate_cells(maps: Tensor, threshold: float) -> Tensor:
    """The cells of (K, H, W) stride maps near which the upsampled maps
    can peak: cells above ``CANDIDATE_SHARE``·threshold that are not
    smaller than their two neighbours along at least ``MIN_LINES`` (two) of
    the four lines through them (row, column, diagonals), and cells on the
    maps' edge.

    A 3×3 maximum (the usual non-maximum suppression) is a maximum along
    all four lines. Two of four also takes the second and third of
    keypoints about a cell apart, whose cells have larger neighbours
    towards the first: the upsampled map still peaks there. (A 3×3
    maximum alone misses 38 of 12,891 peaks of 40 random crowds of 5-30
    persons at fd 16, three of four lines 7 at fd 8; two of four: 0 of
    12,853 at fd 8, 4 of 12,891 at fd 16.)

    Returns:
        Tensor: bool (K, H, W)
    """
    H, W = maps.shape[-2:]
    padded = F.pad(maps, (1, 1, 1, 1), value=NEVER)

    def neighbour(dy, dx):
        return padded[:, 1 + dy:1 + dy + H, 1 + dx:1 + dx + W]

    lines = torch.zeros_like(maps, dtype=torch.uint8)
    for dy, dx in ((0, 1), (1, 0), (1, 1), (1, -1)):
        lines += (maps >= neighbour(dy, dx)) & (maps >= neighbour(-dy, -dx))
    candidate = lines >= MIN_LINES
    candidate[:, [0, -1]] = True
    candidate[:, :, [0, -1]] = True
    return candidate & (maps > CANDIDATE_SHARE * threshold)


def find_upsampled_peaks(heatmaps: Tensor, factor: int,
                         threshold: float) -> Tuple[Tensor, Tensor, Tensor]:
    """The peaks of ``heatmaps`` upsampled ``factor`` times bicubically,
    without upsampling them: the peaks that
    ``find_heatmap_peaks(cv2.resize(heatmaps, ×u, INTER_CUBIC))`` finds
    (values within 1e-6), on the maps' device.

    Upsampled peaks are searched within ``SEARCH_CELLS`` of each of the
    stride maps' :func:`candidate_cells` (on the edge because the cubic
    kernel rings against the replicated edge: a map falling towards its
    edge peaks on its outermost upsampled pixels). On ground-truth maps this
    finds every peak of the reference; a peak that the interpolation makes
    between samples far from every candidate (a rough map's saddles) is not
    found.

    Non-finite map values are never peaks, nor are the upsampled pixels
    that read them.

    Args:
        heatmaps (Tensor): (K, H, W) stride maps
        factor (int): u >= 1
        threshold (float): minimal peak value

    Returns:
        tuple: for the M peaks, ordered by keypoint, then descending value,
        then raster order (the reference's order per keypoint):
        - keypoint (Tensor): (M,) int64
        - xy (Tensor): (M, 2) int64 pixels of the upsampled maps
        - value (Tensor): (M,) float32
    """
    K, H, W = heatmaps.shape
    device = heatmaps.device
    maps = heatmaps.float()
    maps = torch.where(torch.isfinite(maps), maps, maps.new_tensor(NEVER))
    if K == 0 or H == 0 or W == 0:
        empty = torch.zeros(0, dtype=torch.int64, device=device)
        return empty, empty.view(0, 2), maps.new_zeros(0)
    if factor == 1:
        padded = F.pad(maps, (1, 1, 1, 1), value=NEVER)
        k, y, x = torch.nonzero(is_local_peak(padded, threshold),
                                as_tuple=True)
        return sort_peaks(k, torch.stack([x, y], 1), maps[k, y, x], W)

    k, cy, cx = torch.nonzero(candidate_cells(maps, threshold),
                              as_tuple=True)
    offsets, sources, matrix = window_matrix(factor)
    offsets = torch.as_tensor(offsets, device=device)
    sources = torch.as_tensor(sources, device=device)
    matrix = torch.as_tensor(matrix, dtype=torch.float32, device=device)
    rows = (cy[:, None] + sources).clamp(0, H - 1)  # (M, s), edges
    cols = (cx[:, None] + sources).clamp(0, W - 1)  # replicated
    patches = maps[k[:, None, None], rows[:, :, None], cols[:, None, :]]
    windows = matrix @ patches @ matrix.T  # (M, n, n)
    ys = cy[:, None] * factor + offsets  # (M, n) upsampled pixels
    xs = cx[:, None] * factor + offsets
    outside = ((ys < 0) | (ys >= H * factor))[:, :, None] | \
        ((xs < 0) | (xs >= W * factor))[:, None, :]
    windows = windows.masked_fill(outside, NEVER)
    m, iy, ix = torch.nonzero(is_local_peak(windows, threshold),
                              as_tuple=True)
    values = windows[m, iy + 1, ix + 1]
    x = xs[m, ix + 1]
    y = ys[m, iy + 1]
    k = k[m]
    # neighbouring candidates' windows overlap: one peak per pixel
    width = W * factor
    key = (k * (H * factor) + y) * width + x
    key, first = unique_first(key)
    return sort_peaks(k[first], torch.stack([x[first], y[first]], 1),
                      values[first], width)


def unique_first(key: Tensor) -> Tuple[Tensor, Tensor]:
    """Distinct values of a 1-D int64 tensor and the index of one
    occurrence of each."""
    unique, inverse = torch.unique(key, return_inverse=True)
    first = torch.full_like(unique, key.numel())
    first.scatter_reduce_(0, inverse, torch.arange(key.numel(),
                                                   device=key.device),
                          reduce='amin')
    return unique, first


def sort_peaks(k: Tensor, xy: Tensor, values: Tensor,
               width: int) -> Tuple[Tensor, Tensor, Tensor]:
    """Peaks ordered by keypoint, descending value, raster order."""
    if k.numel() == 0:
        return k, xy, values
    raster = xy[:, 1] * width + xy[:, 0]
    order = torch.argsort(raster, stable=True)
    order = order[torch.argsort(-values[order], stable=True)]
    order = order[torch.argsort(k[order], stable=True)]
    return k[order], xy[order], values[order]


def peaks_per_keypoint(keypoint: np.ndarray, xy: np.ndarray,
                       values: np.ndarray, num_keypoints: int) -> list:
    """Sorted peaks → K arrays (M_k, 3) of x, y and value, the layout of
    :func:`~.paf_grouping.find_heatmap_peaks`."""
    bounds = np.searchsorted(keypoint, np.arange(num_keypoints + 1))
    rows = np.concatenate([xy.astype(np.float32),
                           values.astype(np.float32)[:, None]], axis=1)
    return [rows[bounds[k]:bounds[k + 1]] for k in range(num_keypoints)]


@lru_cache(maxsize=64)
def upsampling_taps(size: int, factor: int) -> Tuple[np.ndarray, np.ndarray]:
    """For each pixel of a ``size``-long axis upsampled ``factor`` times,
    its four source cells (edges replicated) and their weights.

    Returns:
        tuple: (size·u, 4) int64 cells and (size·u, 4) float32 weights
    """
    first, weights = cubic_taps(factor)
    q, r = np.divmod(np.arange(size * factor), factor)
    cells = np.clip((q + first[r])[:, None] + np.arange(4), 0, size - 1)
    return cells, weights[r].astype(np.float32)


@lru_cache(maxsize=64)
def upsampling_matrix(size: int, factor: int) -> np.ndarray:
    """(size·u, size) float32: a ``size``-long axis upsampled u times is
    this matrix times the axis."""
    cells, weights = upsampling_taps(size, factor)
    matrix = np.zeros((size * factor, size), dtype=np.float32)
    np.add.at(matrix, (np.arange(size * factor)[:, None], cells), weights)
    return matrix


def upsample_along_x(maps: Tensor, factor: int) -> Tensor:
    """(C, H, W) → (C, H, W·u) float32: the first (horizontal) pass of the
    upsampling, one matrix product in torch on the maps' device; a u-th of
    the upsampled maps' size."""
    matrix = torch.from_numpy(upsampling_matrix(maps.shape[-1], factor))
    return maps.float() @ matrix.to(maps.device).T


def upsampled_values(maps_along_x: np.ndarray, xs: np.ndarray,
                     ys: np.ndarray, factor: int) -> np.ndarray:
    """Values of maps upsampled ``factor`` times bicubically at integer
    upsampled pixels: the vertical pass at those pixels only, four source
    rows each.

    Args:
        maps_along_x (np.ndarray): (C, H, W·u), :func:`upsample_along_x`
            of the stride maps
        xs, ys (np.ndarray): (N,) int pixels of the upsampled maps, inside
            [0, W·u) × [0, H·u)

    Returns:
        np.ndarray: (C, N)
    """
    C, H, _ = maps_along_x.shape
    if factor == 1:
        return maps_along_x[:, ys, xs]
    rows, weights = upsampling_taps(H, factor)
    sources = maps_along_x[:, rows[ys], xs[:, None]]  # (C, N, 4)
    return (sources * weights[ys]).sum(-1)
