# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""EnhancedAssociativeEmbedding: MMPose's AE targets unchanged, plus the
r-times heatmaps with sigma·r (eq. (6) of Liu, Dou et al.)."""
import numpy as np
import pytest
from mmpose.codecs import AssociativeEmbedding

from mmpose_ext.codecs import EnhancedAssociativeEmbedding


@pytest.mark.parametrize('use_udp', [False, True])
def test_low_level_is_mmpose_and_high_level_is_r_times(use_udp):
    common = dict(input_size=(256, 256), heatmap_size=(64, 64), sigma=2,
                  use_udp=use_udp)
    keypoints = np.array([[[100.3, 40.7], [10.0, 200.0]],
                          [[180.0, 90.5], [-50.0, 10.0]]])
    visible = np.array([[1, 1], [1, 0]], dtype=np.float32)
    plain = AssociativeEmbedding(**common).encode(keypoints, visible)
    encoded = EnhancedAssociativeEmbedding(upscale_factor=4, **common).encode(
        keypoints, visible)
    low, high = encoded['heatmaps']
    np.testing.assert_array_equal(low, plain['heatmaps'])
    np.testing.assert_array_equal(encoded['keypoint_indices'],
                                  plain['keypoint_indices'])
    np.testing.assert_array_equal(encoded['keypoint_weights'],
                                  plain['keypoint_weights'])
    assert high.shape == (2, 256, 256)
    # r = 4 and input 256: HR pixels are input pixels; peaks where the
    # keypoints are
    assert high[0].max() > 0.99
    assert np.unravel_index(high[0].argmax(), high[0].shape) == (41, 100)
    # keypoint 1: only person 0's (person 1's is invisible)
    assert np.unravel_index(high[1].argmax(), high[1].shape) == (200, 10)
    assert (high[1] > 0.01).sum() == (
        EnhancedAssociativeEmbedding(upscale_factor=4, **common).encode(
            keypoints[:1, 1:], visible[:1, 1:])['heatmaps'][1] > 0.01).sum()
    # sigma * r: the value one HR pixel away from an integer keypoint
    hm = EnhancedAssociativeEmbedding(upscale_factor=4, **common).encode(
        np.array([[[128.0, 128.0]]]), np.ones((1, 1)))['heatmaps'][1][0]
    assert hm[128, 129] == pytest.approx(np.exp(-1 / (2 * 8**2)), rel=1e-4)


def test_bad_upscale_factor():
    with pytest.raises(ValueError, match='upscale_factor'):
        EnhancedAssociativeEmbedding(
            upscale_factor=0, input_size=(64, 64), heatmap_size=(16, 16))
