# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""PAF targets of eq. (2) on hand-placed limbs."""
import numpy as np

from mmpose_ext.codecs.utils.part_affinity_fields import (
    distance_to_limb_segments, generate_part_affinity_fields,
    limb_segment_geometry)


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
