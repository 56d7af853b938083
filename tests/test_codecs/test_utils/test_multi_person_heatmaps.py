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


def test_same_as_the_full_gaussian_up_to_the_cut():
    # persons in, across and outside the map's borders, some keypoints
    # unlabelled: every value as exp(-d^2 / sigma^2) over the whole map,
    # max over persons, except values below 2^-25
    rng = np.random.default_rng(0)
    W, H, sigma = 23, 17, 1.5
    keypoints = rng.uniform(-12, 35, (6, 5, 2))
    visible = (rng.random((6, 5)) > 0.2).astype(float)
    heatmaps = generate_max_merged_gaussian_heatmaps((W, H), keypoints,
                                                     visible, sigma)
    ys, xs = np.mgrid[:H, :W]
    d2 = ((xs - keypoints[..., 0, None, None])**2 +
          (ys - keypoints[..., 1, None, None])**2)
    full = np.where(visible[..., None, None] > 0, np.exp(-d2 / sigma**2),
                    0).max(axis=0)
    np.testing.assert_allclose(heatmaps, full, rtol=1e-6, atol=2**-25)
    assert heatmaps[full > 2**-25].all()
    assert full[heatmaps == 0].max() <= 2**-25
