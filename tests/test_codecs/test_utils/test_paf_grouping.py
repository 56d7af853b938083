# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""Peaks, limb scoring (eqs. (3), (4)), matching (eq. (5)) and assembly."""
import cv2
import numpy as np
import pytest
import torch

from mmpose_ext.codecs.utils.local_upsampling import upsample_along_x
from mmpose_ext.codecs.utils.paf_grouping import (assemble_persons,
                                                  find_heatmap_peaks,
                                                  match_limb_candidates,
                                                  score_limb_candidates)


def test_peaks_local_maxima_above_threshold_plateau_once():
    heatmaps = np.zeros((1, 6, 8), dtype=np.float32)
    heatmaps[0, 1, 1] = 0.9
    heatmaps[0, 4, 5] = heatmaps[0, 4, 6] = 0.5  # plateau: one peak
    heatmaps[0, 1, 6] = 0.05  # below threshold
    peaks = find_heatmap_peaks(heatmaps, threshold=0.1)[0]
    np.testing.assert_allclose(peaks, [[1, 1, 0.9], [5, 4, 0.5]])


def test_aligned_fields_score_one_perpendicular_fields_are_rejected():
    pafs = np.zeros((2, 10, 10))
    pafs[0, 5, :] = 1.  # a horizontal field on row 5
    scores, keep = score_limb_candidates(
        pafs, np.array([[1., 5.]]), np.array([[8., 5.], [1., 8.]]))
    assert scores[0, 0] == 1 and keep[0, 0]
    assert not keep[0, 1]  # vertical candidate: alignment 0
    # a field pointing the other way scores -1 and is rejected
    scores, keep = score_limb_candidates(-pafs, np.array([[1., 5.]]),
                                         np.array([[8., 5.]]))
    assert scores[0, 0] == -1 and not keep[0, 0]


@pytest.mark.parametrize('ratio', [0.8, 0.9, 1.0, 0.])
def test_fields_read_at_the_samples_equal_the_upsampled_field(ratio):
    """Limb candidates on a field upsampled x8, read at the sample points
    only (probing the middle samples first), keep and score the pairs that
    the whole upsampled field keeps and scores (cv2.resize)."""
    rng = np.random.default_rng(int(ratio * 10))
    field = cv2.GaussianBlur(rng.normal(size=(12, 10, 2)).astype(np.float32),
                             (0, 0), 1.5).transpose(2, 0, 1) * 3
    dense = np.stack([cv2.resize(c, (80, 96), interpolation=cv2.INTER_CUBIC)
                      for c in field])
    starts = rng.uniform(0, 79, (9, 2))
    ends = rng.uniform(0, 79, (11, 2))
    expected, expected_keep = score_limb_candidates(
        dense, starts, ends, min_sample_ratio=ratio,
        distance_prior_height=96.)
    scores, keep = score_limb_candidates(
        upsample_along_x(torch.from_numpy(field), 8).numpy(), starts, ends,
        min_sample_ratio=ratio, distance_prior_height=96., upsample_factor=8)
    np.testing.assert_array_equal(keep, expected_keep)
    assert 0 < keep.sum() < keep.size
    np.testing.assert_allclose(scores[keep], expected[keep], atol=1e-5)
    if ratio in (0.8, 0.9):  # probing rejects most pairs
        assert (scores == -np.inf).sum() > keep.size / 4


def test_eighty_percent_of_samples_must_pass():
    pafs = np.zeros((2, 3, 12))
    pafs[0, 1, :9] = 1.  # samples at x = 0..9: x = 9 fails -> 9 of 10 pass
    _, keep = score_limb_candidates(pafs, np.array([[0., 1.]]),
                                    np.array([[9., 1.]]))
    assert keep[0, 0]
    pafs[0, 1, 7:] = 0.  # x = 7, 8, 9 fail -> 7 of 10
    _, keep = score_limb_candidates(pafs, np.array([[0., 1.]]),
                                    np.array([[9., 1.]]))
    assert not keep[0, 0]


def test_greedy_one_to_one():
    scores = np.array([[0.9, 0.8], [0.85, 0.1]])
    matches = match_limb_candidates(scores, np.ones_like(scores, bool))
    np.testing.assert_allclose(matches, [[0, 0, 0.9], [1, 1, 0.1]])


def test_assembly_merges_through_shared_parts_and_filters():
    links = [(0, 1), (1, 2), (3, 4)]
    connections = [
        np.array([[0, 0, 1.]]),  # person A: kpt0#0 - kpt1#0
        np.array([[0, 0, 1.], [1, 1, 1.]]),  # A gets kpt2#0; kpt1#1-kpt2#1
        np.array([[0, 0, 1.]]),  # a 2-part person: dropped (min_parts 3)
    ]
    peak_scores = [np.ones(1), np.ones(2), np.ones(2), np.ones(1), np.ones(1)]
    persons = assemble_persons(5, links, connections, peak_scores,
                               min_parts=3)
    assert persons.tolist() == [[0, 0, 0, -1, -1]]
    persons = assemble_persons(5, links, connections, peak_scores,
                               min_parts=2)
    assert sorted(persons.tolist()) == [[-1, -1, -1, 0, 0], [-1, 1, 1, -1, -1],
                                        [0, 0, 0, -1, -1]]


def test_cmu_distance_prior():
    """CMU OpenPose's prior min(0.5·H/‖limb‖ − 1, 0): no change for a limb
    up to half the image height, a penalty beyond; a long limb on a perfect
    field is rejected once the penalty outweighs its alignment."""
    pafs = np.zeros((2, 100, 100))
    pafs[0] = 1.  # a perfect horizontal field everywhere
    starts = np.array([[0., 50.]])
    ends = np.array([[40., 50.], [60., 50.], [99., 50.]])
    plain, _ = score_limb_candidates(pafs, starts, ends)
    scores, keep = score_limb_candidates(pafs, starts, ends,
                                         distance_prior_height=80.)
    np.testing.assert_allclose(plain, 1.)
    # lengths 40, 60, 99 against H / 2 = 40
    np.testing.assert_allclose(scores[0], [1., 40 / 60, 40 / 99])
    assert keep.all()
    scores, keep = score_limb_candidates(pafs, starts, ends,
                                         distance_prior_height=20.)
    np.testing.assert_allclose(scores[0], [10 / 40, 10 / 60, 10 / 99])
    # half the field: alignment 0.5 on every sample, prior -0.75 at H = 20
    _, keep = score_limb_candidates(pafs * 0.5, starts, ends[:1],
                                    distance_prior_height=20.)
    assert not keep[0, 0]
