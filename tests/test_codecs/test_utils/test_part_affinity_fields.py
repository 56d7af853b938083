# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""PAF targets of eq. (2) and SALM's limb attention (eqs. (15), (16)) on
hand-placed limbs, and the pixels near limbs they are computed on."""
import numpy as np
import pytest

from mmpose_ext.codecs.utils.part_affinity_fields import (
    ATTENTION_CUTOFF_SIGMAS, LIMB_LENGTHS_PER_SIGMA,
    generate_part_affinity_fields, limb_attention, pixels_near_limbs)


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
    # no pixels at all for such limbs
    limb_pixels = pixels_near_limbs((8, 8), keypoints, visible,
                                    [(0, 1), (0, 2), (1, 3)], margin=20.)
    assert limb_pixels.map_shape == (3, 8, 8)
    assert len(limb_pixels.cell) == len(limb_pixels.lengths) == 0


def _distance_map(limb_pixels):
    """(H, W) distance to the one limb of ``limb_pixels``, inf where it has
    no pixel."""
    L, H, W = limb_pixels.map_shape
    assert L == 1
    distances = np.full(H * W, np.inf)
    distances[limb_pixels.cell] = np.sqrt(limb_pixels.squared_distance)
    return distances.reshape(H, W)


def test_distance_is_to_the_segment_not_the_line():
    keypoints = np.array([[[0., 0.], [4., 0.]]])
    distances = _distance_map(
        pixels_near_limbs((8, 5), keypoints, np.ones((1, 2)), [(0, 1)],
                          margin=10.))
    assert distances[3, 2] == 3  # above the segment
    assert np.isclose(distances[4, 7], 5)  # beyond the end: 3-4-5


def test_pixels_near_limbs_are_all_pixels_within_the_margin():
    # random limbs, some partly or wholly off the map: every pixel within
    # the widening of a segment is listed once with its exact distance
    rng = np.random.default_rng(0)
    W, H = 23, 17
    ys, xs = np.mgrid[:H, :W]
    for _ in range(100):
        start, end = rng.uniform(-8, 30, (2, 2))
        limb_pixels = pixels_near_limbs((W, H), np.array([[start, end]]),
                                        np.ones((1, 2)), [(0, 1)],
                                        margin=1.5, margin_lengths=0.3)
        length = np.hypot(*(end - start))
        unit = (end - start) / length
        along = np.clip((xs - start[0]) * unit[0] +
                        (ys - start[1]) * unit[1], 0, length)
        exact = np.hypot(xs - start[0] - along * unit[0],
                         ys - start[1] - along * unit[1])
        listed = _distance_map(limb_pixels)
        assert np.isfinite(listed[exact <= max(1.5, 0.3 * length)]).all()
        np.testing.assert_allclose(listed[np.isfinite(listed)],
                                   exact[np.isfinite(listed)])
        assert len(np.unique(limb_pixels.cell)) == len(limb_pixels.cell)


def test_pixels_near_limbs_index_the_map_of_their_limb_type():
    keypoints = np.array([[[1., 1.], [1., 3.], [3., 3.]],
                          [[4., 0.], [4., 2.], [2., 2.]]])
    limb_pixels = pixels_near_limbs((6, 5), keypoints, np.ones((2, 3)),
                                    [(0, 1), (1, 2)], margin=0.)
    assert limb_pixels.map_shape == (2, 5, 6)
    on = limb_pixels.cell[limb_pixels.squared_distance == 0]
    maps = np.zeros(2 * 5 * 6, dtype=int)
    np.add.at(maps, on, 1)
    maps = maps.reshape(2, 5, 6)
    # type 0: vertical limbs x = 1 (y 1..3) and x = 4 (y 0..2)
    assert np.argwhere(maps[0]).tolist() == [[0, 4], [1, 1], [1, 4], [2, 1],
                                             [2, 4], [3, 1]]
    # type 1: horizontal limbs y = 3 (x 1..3) and y = 2 (x 2..4)
    assert np.argwhere(maps[1]).tolist() == [[2, 2], [2, 3], [2, 4], [3, 1],
                                             [3, 2], [3, 3]]


def _attention(keypoints, visible=None, size=(20, 12)):
    keypoints = np.asarray(keypoints, dtype=np.float64)
    if visible is None:
        visible = np.ones(keypoints.shape[:2])
    return limb_attention(
        pixels_near_limbs(size, keypoints, visible, [(0, 1)],
                          margin_lengths=ATTENTION_CUTOFF_SIGMAS *
                          LIMB_LENGTHS_PER_SIGMA))[0]


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


def test_salm_attention_is_cut_at_five_sigmas_only():
    # limb of length 4 along y = 10: sigma 1; pixels straight below its
    # middle at 4, 5 and 6 sigma
    attention = _attention([[[8., 10.], [12., 10.]]], size=(20, 20))
    assert attention[14, 10] == pytest.approx(np.exp(-16.), rel=1e-6)
    assert attention[15, 10] == pytest.approx(np.exp(-25.), rel=1e-6)
    assert attention[16, 10] == 0
