# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""Property-based tests of every codec of the package (hypothesis).

Generated inputs include NaN and ±inf coordinates, keypoints far outside the
input, all-invisible instances, NaN / negative visibilities, 0 to 30 persons
and degenerate sizes. Every encode must return finite targets or raise a
ValueError; in-range inputs must round-trip within the codec's precision.

CI runs the ``ci`` hypothesis profile (300 examples per test, registered in
tests/conftest.py); the full run of 10,000 generated inputs per test (>= 30,000
per codec) is

    python -m pytest -m fuzz tests/test_codecs/test_codec_fuzzing.py --hypothesis-profile=full
"""
import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from mmpose.datasets.datasets.utils import parse_pose_metainfo

from mmpose_ext.codecs import ConfidenceAwareHeatmap, PartAffinityFields
from mmpose_ext.testing import STANDING_PERSON

pytestmark = pytest.mark.fuzz


COCO_LINKS = parse_pose_metainfo(
    dict(from_file='configs/_base_/datasets/coco.py'))['skeleton_links']

# coordinates: mostly in range, some far outside, some NaN / inf
coordinate = st.one_of(
    st.floats(-20, 400, allow_nan=False, width=32),
    st.floats(-1e6, 1e6, allow_nan=False),
    st.sampled_from([np.nan, np.inf, -np.inf, 0., 1e30]))
visibility = st.one_of(
    st.sampled_from([0., 1., 2.]), st.floats(-2, 2),
    st.just(np.nan))


def keypoint_arrays(max_persons, num_keypoints):
    return st.integers(0, max_persons).flatmap(lambda n: st.tuples(
        arrays(np.float64, (n, num_keypoints, 2), elements=coordinate),
        arrays(np.float64, (n, num_keypoints), elements=visibility)))


def assert_finite(encoded):
    for name, value in encoded.items():
        assert np.isfinite(value).all(), f'{name} has non-finite values'


# --- PartAffinityFields -------------------------------------------------------

PAF_CODECS = {
    fd: PartAffinityFields((368, 368), (368 // fd, 368 // fd),
                           with_block_offsets=True)
    for fd in (8, 16)
}


@given(data=keypoint_arrays(30, 17), fd=st.sampled_from([8, 16]))
def test_paf_encode_gives_finite_targets_and_decode_never_fails(data, fd):
    keypoints, visible = data
    codec = PAF_CODECS[fd]
    encoded = codec.encode(keypoints, visible, skeleton_links=COCO_LINKS)
    assert_finite(encoded)
    assert encoded['heatmaps'].min() >= 0 and encoded['heatmaps'].max() <= 1
    assert np.abs(encoded['offsets']).max(initial=0) <= 0.5
    assert np.abs(encoded['pafs']).max(initial=0) <= 1 + 1e-6
    found, scores = codec.decode(encoded['heatmaps'], encoded['pafs'],
                                 encoded['offsets'],
                                 skeleton_links=COCO_LINKS)
    assert np.isfinite(found).all() and np.isfinite(scores).all()
    assert len(found) <= 30
    if not (np.nan_to_num(visible) > 0).any():
        assert len(found) == 0  # nothing labelled: no instance


map_value = st.one_of(st.floats(-2, 2, width=32),
                      st.sampled_from([np.nan, np.inf, -np.inf, 0.1, 1.]))


@given(size=st.tuples(st.integers(0, 12), st.integers(0, 12)),
       data=st.data(), dense=st.booleans(),
       map_stride=st.sampled_from([None, 4., 16.]))
def test_paf_decode_of_any_maps_never_fails(size, data, dense, map_stride):
    """Maps of any size (empty, under 3x3) with NaN, infinite and
    plateau values, decoded at the paper's protocol (bicubic upsampling x8,
    locally or densely): a finite result, never an exception."""
    codec = PartAffinityFields((368, 368), (46, 46),
                               dense_upsampling=dense)
    h, w = size
    heatmaps = data.draw(arrays(np.float32, (18, h, w), elements=map_value))
    pafs = data.draw(arrays(np.float32, (2 * len(COCO_LINKS), h, w),
                            elements=map_value))
    with np.errstate(invalid='ignore', over='ignore'):
        found, scores, person_scores = codec.decode_instances(
            heatmaps, pafs, skeleton_links=COCO_LINKS, map_stride=map_stride)
    assert np.isfinite(found).all() and np.isfinite(scores).all()
    assert len(found) == len(person_scores) <= 30


@given(scale=st.floats(0.3, 1.9), origin=st.tuples(st.floats(0, 367),
                                                   st.floats(0, 367)),
       jitter=arrays(np.float64, (17, 2), elements=st.floats(-6, 6),
                     fill=st.nothing()),
       fd=st.sampled_from([8, 16]))
def test_paf_round_trip_of_one_person_is_exact(scale, origin, jitter, fd):
    """One person (a jittered, scaled and shifted template, clipped to the
    input) with no limb shorter than a pixel: decode(encode) returns it to
    1e-3 px (RIE, eq. (8))."""
    keypoints = np.clip(STANDING_PERSON * scale + origin + jitter, 0, 367)[None]
    links = np.asarray(COCO_LINKS)
    lengths = np.linalg.norm(
        keypoints[0, links[:, 0]] - keypoints[0, links[:, 1]], axis=-1)
    assume(lengths.min() >= 1)
    codec = PAF_CODECS[fd]
    encoded = codec.encode(keypoints, np.ones((1, 17)),
                           skeleton_links=COCO_LINKS)
    found, scores = codec.decode(encoded['heatmaps'], encoded['pafs'],
                                 encoded['offsets'],
                                 skeleton_links=COCO_LINKS)
    assert len(found) == 1 and (scores > 0).all()
    np.testing.assert_allclose(found[0], keypoints[0], atol=1e-3)


@given(input_size=st.tuples(st.integers(-4, 64), st.integers(-4, 64)),
       heatmap_size=st.tuples(st.integers(-4, 16), st.integers(-4, 16)),
       sigma=st.one_of(st.floats(-1, 3), st.just(np.nan)))
def test_paf_bad_sizes_raise_value_error(input_size, heatmap_size, sigma):
    try:
        codec = PartAffinityFields(input_size, heatmap_size, sigma=sigma)
    except ValueError:
        return
    encoded = codec.encode(np.full((2, 17, 2), 10.), np.ones((2, 17)),
                           skeleton_links=COCO_LINKS)
    assert_finite(encoded)


# --- ConfidenceAwareHeatmap ---------------------------------------------------

CAL_CODEC = ConfidenceAwareHeatmap((96, 128), (24, 32), sigma=1., radius=4)


@given(data=keypoint_arrays(30, 17))
def test_cal_encode_gives_finite_targets_or_value_error(data):
    keypoints, visible = data
    try:
        encoded = CAL_CODEC.encode(keypoints, visible)
    except ValueError as err:
        assert keypoints.shape[0] != 1 and 'one instance' in str(err)
        return
    assert_finite(encoded)
    weights = encoded['keypoint_weights'][0]
    usable = (np.nan_to_num(visible[0]) > 0) & np.isfinite(
        keypoints[0]).all(-1)
    assert not weights[~usable].any()
    found, scores = CAL_CODEC.decode(encoded['heatmaps'], encoded['offsets'])
    assert np.isfinite(found).all() and np.isfinite(scores).all()


@given(keypoints=arrays(np.float64, (1, 17, 2),
                        elements=st.floats(0, 95, width=32)),
       scale_y=st.floats(0, 127 / 95))
def test_cal_round_trip_in_range(keypoints, scale_y):
    keypoints = keypoints.copy()
    keypoints[..., 1] *= scale_y
    encoded = CAL_CODEC.encode(keypoints, np.ones((1, 17)))
    found, _ = CAL_CODEC.decode(encoded['heatmaps'], encoded['offsets'])
    # MMPose's UDP convention: crop pixel x decodes to x·input/(input − 1)
    np.testing.assert_allclose(
        found, keypoints * np.array([96 / 95, 128 / 127]), atol=1e-3)


@given(input_size=st.tuples(st.integers(-4, 64), st.integers(-4, 64)),
       heatmap_size=st.tuples(st.integers(-4, 16), st.integers(-4, 16)),
       sigma=st.one_of(st.floats(-1, 3), st.just(np.nan)))
def test_cal_bad_sizes_raise_value_error(input_size, heatmap_size, sigma):
    try:
        codec = ConfidenceAwareHeatmap(input_size, heatmap_size, sigma=sigma)
    except ValueError:
        return
    encoded = codec.encode(np.full((1, 17, 2), 3.), np.ones((1, 17)))
    assert_finite(encoded)
