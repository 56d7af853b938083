# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""PAF targets of eq. (2) and SALM's limb attention (eqs. (15), (16)) on
hand-placed limbs."""
import numpy as np
import pytest

from mmpose_ext.codecs.utils.part_affinity_fields import (
    distance_to_limb_segments, generate_part_affinity_fields,
    limb_attention_from_distances, limb_distance_maps, limb_segment_geometry)


def test_unit_vector_inside_the_band_only():
    keypoints = np.array([[[2., 5.], [10., 5.]]])
    pafs = generate_part_affinity_fields((14, 10), keypoints, np.ones((1, 2)),
                                         [(0, 1)], limb_width=1.)
    assert pafs.shape == (2, 10, 14)
    np.testing.assert_allclose(pafs[:, 5, 6], [1, 0])
    np.testing.assert_allclose(pafs[:, 6, 6], [1, 0])  # 1 px off: in band
    np.testing.assert_allclose(pafs[:, 7, 6], [0, 0])  # 2 px off: outside
    np.testing.assert_allclose(pafs[:, 5, 12], [0, 0])  # beyond the child
    # direction is parent -> child: reversed link, reversed vector
    reversed_pafs = generate_part_affinity_fields(
        (14, 10), keypoints, np.ones((1, 2)), [(1, 0)])
    np.testing.assert_allclose(reversed_pafs, -pafs)


def test_overlapping_persons_are_averaged():
    # two limbs of one type crossing at (5, 5) at right angles
    keypoints = np.array([[[1., 5.], [9., 5.]], [[5., 1.], [5., 9.]]])
    pafs = generate_part_affinity_fields((11, 11), keypoints, np.ones((2, 2)),
                                         [(0, 1)])
    np.testing.assert_allclose(pafs[:, 5, 5], [0.5, 0.5])
    np.testing.assert_allclose(pafs[:, 5, 2], [1, 0])


def test_zero_length_unlabelled_and_non_finite_limbs_add_nothing():
    keypoints = np.array([[[4., 4.], [4., 4.], [1., 1.], [np.nan, 2.]]])
    visible = np.array([[1., 1., 0., 1.]])
    pafs = generate_part_affinity_fields((8, 8), keypoints, visible,
                                         [(0, 1), (0, 2), (1, 3)])
    assert np.isfinite(pafs).all() and not pafs.any()
    _, _, _, valid = limb_segment_geometry(keypoints, visible,
                                           [(0, 1), (0, 2), (1, 3)])
    assert valid.tolist() == [[False, False, False]]


def test_distance_is_to_the_segment_not_the_line():
    starts = np.array([[[0., 0.]]])
    units = np.array([[[1., 0.]]])
    distances = distance_to_limb_segments((8, 5), starts, units,
                                          np.array([[4.]]))
    assert distances[0, 0, 3, 2] == 3  # above the segment
    assert np.isclose(distances[0, 0, 4, 7], 5)  # beyond the end: 3-4-5


def _attention(keypoints, visible=None, size=(20, 12)):
    keypoints = np.asarray(keypoints, dtype=np.float64)
    if visible is None:
        visible = np.ones(keypoints.shape[:2])
    distances, _, lengths, valid = limb_distance_maps(size, keypoints,
                                                      visible, [(0, 1)])
    return limb_attention_from_distances(distances, lengths, valid)[0]


def test_salm_gaussian_at_known_distances_from_a_limb():
    # limb of length 8 heatmap px: sigma = 8 / 4 = 2 (eq. (16))
    attention = _attention([[[4., 6.], [12., 6.]]])
    assert attention[6, 8] == pytest.approx(1.)  # on the segment
    assert attention[6 + 2, 8] == pytest.approx(np.exp(-1.), rel=1e-6)
    assert attention[6 - 3, 5] == pytest.approx(np.exp(-9 / 4), rel=1e-6)
    # beyond the child the distance is to the end point: (15, 10) is 5 away
    assert attention[10, 15] == pytest.approx(np.exp(-25 / 4), rel=1e-6)


def test_salm_sigma_follows_each_persons_limb_and_max_merges():
    short = [[2., 2.], [6., 2.]]  # length 4: sigma 1
    long = [[2., 8.], [18., 8.]]  # length 16: sigma 4
    attention = _attention([short, long])
    assert attention[3, 4] == pytest.approx(np.exp(-1.), rel=1e-6)
    assert attention[9, 10] == pytest.approx(np.exp(-1 / 16), rel=1e-6)
    # (4, 5) is 3 from the short limb and 3 from the long: the long wins
    assert attention[5, 4] == pytest.approx(np.exp(-9 / 16), rel=1e-6)


def test_salm_zero_length_and_unlabelled_limbs_have_no_attention():
    assert not _attention([[[5., 5.], [5., 5.]]]).any()
    assert not _attention([[[1., 5.], [9., 5.]]], visible=[[1., 0.]]).any()
    nan = _attention([[[np.nan, 5.], [9., 5.]]])
    assert np.isfinite(nan).all() and not nan.any()
    # far outside the map: finite zeros
    far = _attention([[[1e30, 5.], [-1e30, 5.]]])
    assert np.isfinite(far).all()
