# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""Bottom-up grouping with Part Affinity Fields (eqs. (3)–(5) of Liu et al.).

Three steps with plain array inputs and outputs: heatmap peaks
(:func:`find_heatmap_peaks`), limb scoring of every candidate pair
(:func:`score_limb_candidates`) with greedy one-to-one matching
(:func:`match_limb_candidates`), and assembly of limbs that share parts into
persons (:func:`assemble_persons`). Only the matching and the assembly loop
over candidate connections; nothing loops over pixels.
"""
from functools import lru_cache
from typing import List, Optional, Sequence, Tuple

import numpy as np


def find_heatmap_peaks(heatmaps: np.ndarray,
                       threshold: float = 0.1) -> List[np.ndarray]:
    """Local maxima of each keypoint heatmap.

    A peak is a pixel not smaller than any of its 8 neighbours and above
    ``threshold``. Of a plateau of equal maxima, only the first pixel in
    raster order is kept. Non-finite values are never peaks.

    Args:
        heatmaps (np.ndarray): (K, H, W)
        threshold (float): minimal heatmap value of a peak

    Returns:
        list[np.ndarray]: K arrays of shape (M_k, 3): x, y (integer heatmap
        pixels) and the heatmap value, in descending order of value
    """
    K, H, W = heatmaps.shape
    hm = heatmaps.astype(np.float32)
    hm = np.where(np.isfinite(hm), hm, -np.inf)  # never a peak
    padded = np.pad(hm, ((0, 0), (1, 1), (1, 1)), constant_values=-np.inf)
    is_peak = hm > threshold
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            if dx == 0 and dy == 0:
                continue
            neighbour = padded[:, 1 + dy:1 + dy + H, 1 + dx:1 + dx + W]
            # earlier neighbours in raster order must be strictly smaller
            if dy < 0 or (dy == 0 and dx < 0):
                is_peak &= hm > neighbour
            else:
                is_peak &= hm >= neighbour
    peaks = []
    for k in range(K):
        ys, xs = np.nonzero(is_peak[k])
        scores = hm[k, ys, xs]
        order = np.argsort(-scores, kind='stable')
        peaks.append(
            np.stack([xs[order], ys[order], scores[order]],
                     axis=1).astype(np.float32))
    return peaks


def allowed_sample_failures(num_samples: int,
                            min_sample_ratio: float) -> int:
    """The most samples of a limb candidate that may fail eq. (3)'s
    threshold while it keeps ``min_sample_ratio`` of them (−1: none is
    ever kept)."""
    passing = np.arange(num_samples + 1)
    enough = passing[passing / num_samples >= min_sample_ratio]
    return num_samples - int(enough[0]) if len(enough) else -1


@lru_cache(maxsize=32)
def sample_order(num_samples: int, min_sample_ratio: float
                 ) -> Tuple[np.ndarray, Optional[np.ndarray],
                            Optional[np.ndarray]]:
    """The samples' positions on a segment and which to read first.

    Returns:
        tuple: (S,) positions in [0, 1]; the probes, one more sample than a
        kept candidate may fail, from the middle of the segment (farthest
        from the parts); the other samples (None, None where probing
        cannot reject: every sample may fail, or none is ever kept)
    """
    positions = np.linspace(0., 1., num_samples)
    probes = allowed_sample_failures(num_samples, min_sample_ratio) + 1
    if not 0 < probes < num_samples:
        return positions, None, None
    everything = np.arange(num_samples)
    first = np.sort(np.argsort(np.abs(everything - (num_samples - 1) / 2),
                               kind='stable')[:probes])
    return positions, first, np.setdiff1d(everything, first)


def score_limb_candidates(pafs: np.ndarray,
                          starts: np.ndarray,
                          ends: np.ndarray,
                          num_samples: int = 10,
                          sample_threshold: float = 0.05,
                          min_sample_ratio: float = 0.8,
                          distance_prior_height: Optional[float] = None,
                          upsample_factor: int = 1
                          ) -> Tuple[np.ndarray, np.ndarray]:
    """Score every (start, end) candidate pair of one limb type by its Part
    Affinity Field (eqs. (3), (4)).

    ``num_samples`` points are sampled evenly on the segment; at each the
    predicted field (at the nearest pixel) is projected onto the segment's
    unit direction. Eq. (4) prints a cross product (``|v_f||v_t| sin``),
    which would reward fields perpendicular to the limb; this package reads
    it as the alignment (dot product) that OpenPose uses, as done here. A
    pair is kept when at least ``min_sample_ratio`` of its samples exceed
    ``sample_threshold`` (eq. (3)), and is scored by the mean alignment.
    With ``distance_prior_height`` H, CMU OpenPose's distance prior
    ``min(0.5·H/‖limb‖ − 1, 0)`` is added to the score (its
    ``connect56LineVec.m``): a candidate longer than half the image height
    loses score; a pair is kept only with a score > 0.

    With ``upsample_factor`` u > 1 the field is a stride map upsampled u
    times bicubically as ``cv2.resize`` does, given upsampled along x only
    (:func:`~.local_upsampling.upsample_along_x`) and read along y only at
    the sample points (:func:`~.local_upsampling.upsampled_values`). The samples that alone
    reject a pair (:func:`sample_order`) are read first, the other samples
    only for the pairs they leave: most pairs of a crowd join two persons'
    parts and fail there.

    Args:
        pafs (np.ndarray): (2, H, W) the limb's field (x, y); with
            ``upsample_factor`` u > 1, (2, H, W·u) upsampled along x
        starts (np.ndarray): (Ma, 2) parent candidates, pixels of the field
            upsampled u times
        ends (np.ndarray): (Mb, 2) child candidates, as ``starts``
        num_samples (int): samples on each segment
        sample_threshold (float): alignment a sample must exceed
        min_sample_ratio (float): share of samples that must exceed it
        distance_prior_height (float, optional): H, the image height in the
            units of ``starts`` and ``ends``; None adds no prior
        upsample_factor (int): u. Defaults to 1

    Returns:
        tuple:
        - scores (np.ndarray): (Ma, Mb) mean alignment (with u > 1, −inf
          for pairs the probes rejected)
        - keep (np.ndarray): bool (Ma, Mb) pairs that pass eq. (3)
    """
    from .local_upsampling import upsampled_values
    u = int(upsample_factor)
    _, H, W = pafs.shape
    W //= u
    starts = np.asarray(starts, np.float64).reshape(-1, 2)
    ends = np.asarray(ends, np.float64).reshape(-1, 2)
    Ma, Mb = len(starts), len(ends)
    vectors = ends[None] - starts[:, None]  # (Ma, Mb, 2)
    lengths = np.linalg.norm(vectors, axis=-1)
    units = vectors / np.maximum(lengths, 1e-6)[..., None]
    t, first, rest = sample_order(num_samples, float(min_sample_ratio))

    def alignment(pairs: np.ndarray, samples: np.ndarray) -> np.ndarray:
        """(P, len(samples)) alignment of the field with pairs (P,) (flat
        indices into Ma × Mb) at sample indices ``samples``."""
        a, b = np.divmod(pairs, Mb)
        points = starts[a][:, None] + t[samples][None, :, None] * \
            vectors[a, b][:, None]  # (P, S', 2)
        xs = np.clip(np.rint(points[..., 0]), 0, W * u - 1).astype(np.int64)
        ys = np.clip(np.rint(points[..., 1]), 0, H * u - 1).astype(np.int64)
        field = upsampled_values(pafs, xs.ravel(), ys.ravel(),
                                 u).reshape(2, *xs.shape)
        unit = units[a, b]
        return field[0] * unit[:, None, 0] + field[1] * unit[:, None, 1]

    pairs = np.arange(Ma * Mb)
    values = np.zeros((Ma * Mb, num_samples))
    # probing pays where reading a sample costs (u > 1) and pairs are many
    if first is not None and u > 1 and Ma * Mb > 4:
        # a pair failing every probe cannot be kept
        values[:, first] = alignment(pairs, first)
        alive = (values[:, first] > sample_threshold).any(axis=1)
        pairs = pairs[alive]
        values[np.ix_(pairs, rest)] = alignment(pairs, rest)
        rejected = ~alive
    else:
        values[:] = alignment(pairs, np.arange(num_samples))
        rejected = np.zeros(Ma * Mb, dtype=bool)
    values = values.reshape(Ma, Mb, num_samples)
    scores = values.mean(axis=-1)
    if distance_prior_height is not None:
        scores = scores + np.minimum(
            0.5 * distance_prior_height / np.maximum(lengths, 1e-6) - 1., 0.)
    scores[rejected.reshape(Ma, Mb)] = -np.inf
    ratio = (values > sample_threshold).mean(axis=-1)
    keep = (ratio >= min_sample_ratio) & (scores > 0) & (lengths > 1e-6)
    return scores, keep


def match_limb_candidates(scores: np.ndarray,
                          keep: np.ndarray) -> np.ndarray:
    """Greedy one-to-one matching of one limb type (eq. (5)): pairs in
    descending score, each candidate used at most once.

    Args:
        scores (np.ndarray): (Ma, Mb)
        keep (np.ndarray): bool (Ma, Mb)

    Returns:
        np.ndarray: (C, 3) rows (start index, end index, score)
    """
    ia, ib = np.nonzero(keep)
    order = np.argsort(-scores[ia, ib], kind='stable')
    used_a = np.zeros(scores.shape[0], dtype=bool)
    used_b = np.zeros(scores.shape[1], dtype=bool)
    matches = []
    for a, b in zip(ia[order], ib[order]):
        if used_a[a] or used_b[b]:
            continue
        used_a[a] = used_b[b] = True
        matches.append((a, b, scores[a, b]))
    return np.asarray(matches, dtype=np.float64).reshape(-1, 3)


def assemble_persons(num_keypoints: int,
                     skeleton_links: Sequence[Sequence[int]],
                     connections: Sequence[np.ndarray],
                     peak_scores: Sequence[np.ndarray],
                     min_parts: int = 3,
                     min_mean_score: float = 0.2,
                     return_scores: bool = False):
    """Assemble matched limbs into persons through shared parts.

    Limb types are visited in ``skeleton_links`` order. A connection whose
    ends belong to no person starts one; one that shares a part with a person
    adds its other part there when that slot is free; one that joins two
    persons with no keypoint type in common merges them. A person's score is
    the sum of its parts' peak values and its limbs' scores; persons with
    fewer than ``min_parts`` parts or a score per part below
    ``min_mean_score`` are dropped.

    Args:
        num_keypoints (int): K
        skeleton_links (sequence): L (parent, child) keypoint id pairs
        connections (sequence): L arrays (C_l, 3) from
            :func:`match_limb_candidates` (indices into that keypoint type's
            peaks)
        peak_scores (sequence): K arrays (M_k,) of peak values
        min_parts (int): minimal number of parts of a person
        min_mean_score (float): minimal score per part

        return_scores (bool): also return the persons' scores

    Returns:
        np.ndarray: (P, K) peak index per person and keypoint type, −1 where
        the person has no such part; with ``return_scores`` also (P,) the
        persons' scores (peak values plus limb scores)
    """
    K = num_keypoints
    parts = np.full((0, K), -1, dtype=np.int64)
    totals = np.zeros(0, dtype=np.float64)
    for (ka, kb), conns in zip(skeleton_links, connections):
        for a, b, score in conns:
            a, b = int(a), int(b)
            owners = np.nonzero((parts[:, ka] == a) | (parts[:, kb] == b))[0]
            if len(owners) == 0:
                row = np.full((1, K), -1, dtype=np.int64)
                row[0, ka], row[0, kb] = a, b
                parts = np.concatenate([parts, row])
                totals = np.append(
                    totals, peak_scores[ka][a] + peak_scores[kb][b] + score)
            elif len(owners) == 1:
                p = owners[0]
                if parts[p, ka] == a and parts[p, kb] < 0:
                    parts[p, kb] = b
                    totals[p] += peak_scores[kb][b] + score
                elif parts[p, kb] == b and parts[p, ka] < 0:
                    parts[p, ka] = a
                    totals[p] += peak_scores[ka][a] + score
                elif parts[p, ka] == a and parts[p, kb] == b:
                    totals[p] += score
            else:
                p, q = owners[:2]
                if not ((parts[p] >= 0) & (parts[q] >= 0)).any():
                    parts[p] = np.maximum(parts[p], parts[q])
                    totals[p] += totals[q] + score
                    parts = np.delete(parts, q, axis=0)
                    totals = np.delete(totals, q)
    counts = (parts >= 0).sum(axis=1)
    keep = (counts >= min_parts) & (
        totals >= min_mean_score * np.maximum(counts, 1))
    if return_scores:
        return parts[keep], totals[keep]
    return parts[keep]
