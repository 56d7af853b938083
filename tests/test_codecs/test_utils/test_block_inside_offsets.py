# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""Block-inside offsets (eq. (7)) and their decoding (eq. (8))."""
import numpy as np
import pytest

from mmpose_ext.codecs.utils.block_inside_offsets import (
    generate_block_inside_offsets, refine_peaks_with_block_offsets)
from mmpose_ext.codecs.utils.multi_person_heatmaps import \
    generate_max_merged_gaussian_heatmaps


def _encode(keypoints, visible=None, size=(12, 12)):
    visible = np.ones(keypoints.shape[:2]) if visible is None else visible
    heatmaps = generate_max_merged_gaussian_heatmaps(size, keypoints, visible,
                                                     1.5)
    return generate_block_inside_offsets(keypoints, visible, heatmaps)


def test_offsets_by_hand():
    offsets, weights = _encode(np.array([[[5.3, 7.8]]]))
    # the cell containing the keypoint: exact
    assert offsets[:, 8, 5] == pytest.approx([0.3, -0.2], abs=1e-6)
    # the left neighbour points to its right border, y still exact
    assert offsets[:, 8, 4] == pytest.approx([0.5, -0.2], abs=1e-6)
    # diagonal neighbour: both clipped to the border
    assert offsets[:, 7, 6] == pytest.approx([-0.5, 0.5], abs=1e-6)
    # weights: heatmap target exp(-d^2 / 1.5^2) > 0.4, i.e. d^2 < 2.06
    assert weights[0, 8, 4] == 1  # d^2 = 1.69 + 0.04
    assert weights[0, 7, 4] == 0 and not offsets[:, 7, 4].any()  # d^2 2.33
    assert weights[0, 8, 8] == 0 and not offsets[:, 8, 8].any()
    assert np.abs(offsets).max() <= 0.5


def test_a_centred_keypoint_covers_its_3x3_block():
    _, weights = _encode(np.array([[[5., 5.]]]))
    assert weights[0, 4:7, 4:7].all() and weights[0].sum() == 9


def test_nearest_person_of_the_type_wins():
    offsets, _ = _encode(np.array([[[3.2, 3.]], [[5.9, 3.]]]))
    assert offsets[0, 3, 4] == pytest.approx(-0.5)  # (3.2, 3) is nearer
    assert offsets[0, 3, 5] == pytest.approx(0.5)  # (5.9, 3) is nearer


def test_round_trip_is_exact_in_the_keypoints_cell():
    rng = np.random.default_rng(0)
    keypoints = rng.uniform(1, 10, size=(3, 4, 2))
    offsets, _ = _encode(keypoints)
    for k in range(4):
        cells = np.rint(keypoints[:, k])
        refined = refine_peaks_with_block_offsets(cells,
                                                  offsets[2 * k:2 * k + 2])
        # exact unless another person's keypoint of the type is nearer
        np.testing.assert_allclose(refined, keypoints[:, k], atol=1e-5)


def test_no_labelled_keypoint_gives_zero_weights():
    offsets, weights = _encode(
        np.array([[[5., 5.]]]), visible=np.zeros((1, 1)))
    assert not offsets.any() and not weights.any()
