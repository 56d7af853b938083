# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""ConfidenceAwareHeatmap: the targets of eqs. (6), (7), (10) and decoding by
eq. (9), checked on hand-placed keypoints and on real COCO crops."""
import numpy as np
import pytest
from mmpose.registry import KEYPOINT_CODECS

from mmpose_ext.codecs import ConfidenceAwareHeatmap
from mmpose_ext.evaluation import coco_topdown_dataset, round_trip_errors

from ..conftest import COCO_MINI

COCO_ANN = f'{COCO_MINI}/person_keypoints.json'
COCO_IMAGES = f'{COCO_MINI}/images'


def _codec(**kwargs):
    cfg = dict(input_size=(96, 128), heatmap_size=(24, 32), sigma=1.0,
               radius=4, offset_scale=1.5)
    cfg.update(kwargs)
    return ConfidenceAwareHeatmap(**cfg)


def test_registered_in_mmpose():
    codec = KEYPOINT_CODECS.build(
        dict(type='ConfidenceAwareHeatmap', input_size=(96, 128),
             heatmap_size=(24, 32), sigma=1))
    assert isinstance(codec, ConfidenceAwareHeatmap)


def test_gaussian_weighted_disk_and_offsets_by_hand():
    codec = _codec()
    # heatmap point (10, 12) is input pixel (10, 12) * 95/23, 127/31
    y = np.array([10., 12.]) * codec.scale_factor
    encoded = codec.encode(y.reshape(1, 1, 2))
    heatmap, offsets = encoded['heatmaps'][0], encoded['offsets']
    assert encoded['keypoint_weights'].tolist() == [[1.0]]
    np.testing.assert_allclose(encoded['heatmap_keypoints'], [[[10, 12]]],
                               atol=1e-5)
    assert heatmap[12, 10] == pytest.approx(1.0)
    assert heatmap[12, 11] == pytest.approx(np.exp(-1 / 2))  # ‖p−y‖ = 1
    assert heatmap[15, 12] == pytest.approx(np.exp(-13 / 2))  # √13 < 4
    assert heatmap[12, 14] == pytest.approx(np.exp(-16 / 2))  # on the rim
    assert heatmap[15, 13] == 0  # √18 > 4: outside the disk
    assert (heatmap > 0).sum() == 49  # integer points with x² + y² <= 16
    # O(p) = (y - p) / 1.5, channels x, y
    assert offsets[0, 15, 12] == pytest.approx(-2 / 1.5)
    assert offsets[1, 15, 12] == pytest.approx(-3 / 1.5)
    assert offsets[0, 15, 13] == 0 and offsets[1, 15, 13] == 0


def test_binary_heatmap_type():
    codec = _codec(heatmap_type='binary')
    encoded = codec.encode(np.array([[[40.3, 61.7]]]))
    values = np.unique(encoded['heatmaps'])
    assert values.tolist() == [0.0, 1.0]


@pytest.mark.parametrize('input_size,sigma', [
    ((48, 64), 0.5),
    ((96, 128), 1.0),
    ((192, 256), 2.0),
    ((288, 384), 3.0),
])
def test_round_trip_through_mmpose_mapping_is_exact(input_size, sigma):
    """Image → TopdownAffine (UDP) → encode → decode →
    TopdownPoseEstimator's mapping back: exact on the real COCO persons."""
    codec_cfg = dict(type='ConfidenceAwareHeatmap', input_size=input_size,
                     heatmap_size=(input_size[0] // 4, input_size[1] // 4),
                     sigma=sigma)
    errors = round_trip_errors(
        coco_topdown_dataset(COCO_ANN, COCO_IMAGES), codec_cfg)
    assert len(errors) > 150
    assert errors.mean() <= 0.001
    assert errors.max() < 0.001


def test_decode_is_in_mmpose_udp_convention():
    """Crop pixel x decodes to x·input/(input − 1), as UDPHeatmap's."""
    codec = _codec()
    crop = np.array([[[40.3, 61.7], [0.0, 0.0], [95.0, 127.0]]])
    encoded = codec.encode(crop)
    decoded, _ = codec.decode(encoded['heatmaps'], encoded['offsets'])
    np.testing.assert_allclose(
        decoded, crop * np.array([96 / 95, 128 / 127]), atol=1e-4)


def test_decode_accepts_batched_single_instance():
    codec = _codec()
    encoded = codec.encode(np.array([[[40.3, 61.7]]]))
    a, _ = codec.decode(encoded['heatmaps'], encoded['offsets'])
    b, _ = codec.decode(encoded['heatmaps'][None], encoded['offsets'][None])
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize('keypoint,visible', [
    ((40.0, 60.0), 0),  # invisible
    ((np.nan, 60.0), 1),
    ((np.inf, -np.inf), 1),
    ((-100.0, 60.0), 1),  # disk entirely outside the heatmap
])
def test_unusable_keypoints_get_zero_weight_and_finite_targets(
        keypoint, visible):
    codec = _codec()
    keypoints = np.array([[keypoint, (20.0, 30.0)]])
    encoded = codec.encode(keypoints, np.array([[visible, 1]]))
    assert encoded['keypoint_weights'].tolist() == [[0.0, 1.0]]
    for value in encoded.values():
        assert np.isfinite(value).all()
    assert not encoded['heatmaps'][0].any()
    assert not encoded['offsets'][:2].any()


def test_keypoint_just_outside_the_crop_keeps_its_visible_rim():
    codec = _codec()
    # 2 heatmap pixels left of the crop: the disk still covers columns 0-1
    encoded = codec.encode(np.array([[[-2 * codec.scale_factor[0], 60.0]]]))
    assert encoded['keypoint_weights'].tolist() == [[1.0]]
    assert encoded['heatmaps'][0, :, 2:].max() == 0


@pytest.mark.parametrize('kwargs,message', [
    (dict(sigma=0), 'sigma must be > 0'),
    (dict(sigma=-1), 'sigma must be > 0'),
    (dict(radius=0), 'radius must be > 0'),
    (dict(offset_scale=0), 'offset_scale must be > 0'),
    (dict(radius=12), 'does not fit in the heatmap'),
    (dict(heatmap_type='disk'), 'heatmap_type'),
])
def test_bad_parameters_are_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        _codec(**kwargs)


def test_multi_instance_input_is_refused():
    with pytest.raises(ValueError, match='one instance'):
        _codec().encode(np.zeros((2, 17, 2)))


def test_all_invisible_instance_gives_empty_targets():
    codec = _codec()
    keypoints = np.random.default_rng(1).uniform(10, 90, size=(1, 17, 2))
    encoded = codec.encode(keypoints, np.zeros((1, 17)))
    assert not encoded['keypoint_weights'].any()
    assert not encoded['heatmaps'].any() and not encoded['offsets'].any()
    decoded, scores = codec.decode(encoded['heatmaps'], encoded['offsets'])
    assert (scores == 0).all() and np.isfinite(decoded).all()
