# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""OpenCV's bicubic upsampling evaluated locally: the values against
``cv2.resize``, the peaks against the dense reference (peaks of the whole
upsampled maps), and bad maps."""
import cv2
import numpy as np
import pytest
import torch

from mmpose_ext.codecs import PartAffinityFields
from mmpose_ext.codecs.utils.local_upsampling import (
    candidate_cells, find_upsampled_peaks, peaks_per_keypoint,
    upsample_along_x, upsampled_values, window_matrix)
from mmpose_ext.codecs.utils.paf_grouping import find_heatmap_peaks
from mmpose_ext.testing import STANDING_PERSON


def cv2_upsample(maps, u):
    return np.stack([
        cv2.resize(m, (m.shape[1] * u, m.shape[0] * u),
                   interpolation=cv2.INTER_CUBIC) for m in maps
    ])


def dense_peaks(heatmaps, u, threshold=0.1):
    return find_heatmap_peaks(cv2_upsample(heatmaps, u), threshold)


def local_peaks(heatmaps, u, threshold=0.1):
    keypoint, xy, value = find_upsampled_peaks(torch.from_numpy(heatmaps), u,
                                               threshold)
    return peaks_per_keypoint(keypoint.numpy(), xy.numpy(), value.numpy(),
                              len(heatmaps))


def assert_same_peaks(expected, found):
    assert len(expected) == len(found)
    for k, (a, b) in enumerate(zip(expected, found)):
        assert a.shape == b.shape, (k, a, b)
        np.testing.assert_array_equal(a[:, :2], b[:, :2], err_msg=str(k))
        np.testing.assert_allclose(a[:, 2], b[:, 2], atol=1e-5)


@pytest.mark.parametrize('u', [2, 3, 4, 8, 16])
def test_values_equal_cv2_resize(u):
    rng = np.random.default_rng(u)
    maps = rng.uniform(-1, 1, (2, 9, 7)).astype(np.float32)
    reference = cv2_upsample(maps, u)
    # every pixel, edges included, from the x pass and four rows each
    ys, xs = np.meshgrid(np.arange(9 * u), np.arange(7 * u), indexing='ij')
    values = upsampled_values(
        upsample_along_x(torch.from_numpy(maps), u).numpy(), xs.ravel(),
        ys.ravel(), u)
    np.testing.assert_allclose(values.reshape(reference.shape), reference,
                               atol=2e-6)
    # a window is the matrix of the same weights
    pixels, sources, matrix = window_matrix(u)
    c = 4
    rows = np.clip(c + sources, 0, 8)
    cols = np.clip(c + sources, 0, 6)
    window = matrix @ maps[0][np.ix_(rows, cols)] @ matrix.T
    inside = (c * u + pixels >= 0) & (c * u + pixels < 7 * u)
    np.testing.assert_allclose(
        window[np.ix_(inside, inside)],
        reference[0][np.ix_(c * u + pixels[inside], c * u + pixels[inside])],
        atol=2e-6)


def crowd_heatmaps(num_persons, fd, seed):
    """Ground-truth heatmaps of ``num_persons`` jittered standing persons
    at 368x368, stride ``fd``."""
    rng = np.random.default_rng(seed)
    keypoints = np.stack([
        STANDING_PERSON * rng.uniform(0.3, 0.6) + rng.uniform(0, 250, 2) +
        rng.uniform(-4, 4, (17, 2)) for _ in range(num_persons)
    ])
    codec = PartAffinityFields((368, 368), (368 // fd, 368 // fd))
    encoded = codec.encode(keypoints, np.ones(keypoints.shape[:2]),
                           skeleton_links=[(0, 1)])
    return encoded['heatmaps'][:-1]


@pytest.mark.parametrize('num_persons,fd,seed', [(1, 8, 0), (5, 8, 1),
                                                 (20, 8, 2), (5, 16, 3),
                                                 (20, 16, 4)])
def test_peaks_equal_the_dense_reference_on_ground_truth_maps(
        num_persons, fd, seed):
    heatmaps = crowd_heatmaps(num_persons, fd, seed)
    assert_same_peaks(dense_peaks(heatmaps, fd), local_peaks(heatmaps, fd))


def test_stride_map_peaks_in_torch_equal_the_numpy_rule():
    """u = 1 (RIE's peaks on the stride maps, on the maps' device): the
    rule of find_heatmap_peaks, plateaus included."""
    heatmaps = crowd_heatmaps(20, 8, 6)
    heatmaps[3, 10:12, 10:13] = 0.7  # a plateau: its first pixel only
    assert_same_peaks(find_heatmap_peaks(heatmaps, 0.1),
                      local_peaks(heatmaps, 1))


def test_peak_at_the_edge_from_the_kernel_ringing():
    """A map falling towards its top edge: the cubic kernel against the
    replicated edge row makes the top upsampled row a (weak) peak, as
    cv2.resize does; the edge cell is a candidate for that."""
    heatmaps = np.zeros((1, 8, 8), np.float32)
    heatmaps[0, :4, 3] = [0.34, 0.86, 0.88, 0.37]
    expected = dense_peaks(heatmaps, 8)
    assert (expected[0][:, 1] == 0).any()  # a peak on the top row
    assert_same_peaks(expected, local_peaks(heatmaps, 8))


def test_second_of_two_close_keypoints():
    """Two keypoints 1.2 cells apart (fd 16): the second's cell has a
    larger neighbour towards the first, so it is no 3x3 maximum, yet the
    upsampled map peaks near it too."""
    codec = PartAffinityFields((368, 368), (23, 23))
    keypoints = np.array([[[189.0, 122.0]], [[183.0, 141.0]]])
    heatmaps = codec.encode(keypoints, np.ones((2, 1)),
                            skeleton_links=[])['heatmaps'][:1]
    expected = dense_peaks(heatmaps, 16)
    assert len(expected[0]) == 2
    cells = torch.from_numpy(heatmaps)
    nms = (cells == torch.nn.functional.max_pool2d(cells[None], 3, 1,
                                                   1)[0]) & (cells > 0.05)
    assert nms.sum() == 1  # the usual 3x3 suppression keeps one
    assert candidate_cells(cells, 0.1).sum() > 1
    assert_same_peaks(expected, local_peaks(heatmaps, 16))


def test_plateau_gives_one_peak_in_raster_order():
    heatmaps = np.zeros((1, 6, 6), np.float32)
    heatmaps[0, 2:4, 2:4] = 0.5  # a 2x2 plateau: a flat upsampled top
    assert_same_peaks(dense_peaks(heatmaps, 4), local_peaks(heatmaps, 4))
    assert len(local_peaks(heatmaps, 4)[0]) == 1


@pytest.mark.parametrize('shape', [(2, 1, 1), (2, 2, 2), (2, 1, 7), (0, 5, 5),
                                   (2, 0, 4)])
@pytest.mark.parametrize('u', [1, 8])
def test_small_and_empty_maps(shape, u):
    heatmaps = np.full(shape, 0.5, np.float32)
    keypoint, xy, value = find_upsampled_peaks(torch.from_numpy(heatmaps), u,
                                               0.1)
    assert xy.shape == (len(keypoint), 2) and len(value) == len(keypoint)
    if heatmaps.size:
        # a constant map: one peak per channel (the plateau's first pixel)
        assert keypoint.tolist() == list(range(shape[0]))
        assert xy.tolist() == [[0, 0]] * shape[0]


@pytest.mark.parametrize('bad', [np.nan, np.inf, -np.inf])
def test_non_finite_values_are_never_peaks(bad):
    heatmaps = crowd_heatmaps(3, 8, 5)
    heatmaps[0, :, :] = bad  # a whole channel
    heatmaps[1, 20, 20] = bad  # one cell
    peaks = local_peaks(heatmaps, 8)
    assert len(peaks[0]) == 0
    for peak in peaks:
        assert np.isfinite(peak).all()
        assert (peak[:, 2] > 0.1).all()
    # the other channels keep the reference's peaks
    assert_same_peaks(dense_peaks(heatmaps[2:], 8), peaks[2:])
