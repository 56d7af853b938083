# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""Eq. (6) heatmaps, max-merged over persons."""
import numpy as np
import pytest

from mmpose_ext.codecs.utils.multi_person_heatmaps import \
    generate_max_merged_gaussian_heatmaps


def test_values_by_hand_and_max_merge():
    keypoints = np.array([[[4., 5.]], [[6., 5.]]])
    heatmaps = generate_max_merged_gaussian_heatmaps(
        (12, 10), keypoints, np.ones((2, 1)), sigma=1.5)
    assert heatmaps.shape == (1, 10, 12)
    assert heatmaps[0, 5, 4] == pytest.approx(1.0)
    # (5, 5) is 1 px from both: max, not sum, of exp(-1 / 1.5^2)
    assert heatmaps[0, 5, 5] == pytest.approx(np.exp(-1 / 2.25), rel=1e-6)
    assert heatmaps[0, 7, 4] == pytest.approx(np.exp(-4 / 2.25), rel=1e-6)


def test_invisible_and_non_finite_keypoints_add_nothing():
    keypoints = np.array([[[4., 5.], [np.nan, 1.], [3., np.inf]]])
    visible = np.array([[0., 1., 1.]])
    heatmaps = generate_max_merged_gaussian_heatmaps((8, 8), keypoints,
                                                     visible, 1.5)
    assert np.isfinite(heatmaps).all() and heatmaps.max() == 0


def test_no_persons():
    heatmaps = generate_max_merged_gaussian_heatmaps(
        (8, 6), np.zeros((0, 17, 2)), np.zeros((0, 17)), 1.5)
    assert heatmaps.shape == (17, 6, 8) and not heatmaps.any()
