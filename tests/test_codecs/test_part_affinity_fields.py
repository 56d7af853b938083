# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""PartAffinityFields: multi-person targets, decoding and grouping, checked by
hand and by oracle grouping of the bundled COCO sample's real annotations."""
import numpy as np
import pytest
from mmpose.datasets.datasets.utils import parse_pose_metainfo
from mmpose.registry import KEYPOINT_CODECS

from mmpose_ext.codecs import PartAffinityFields
from mmpose_ext.testing import oracle_coco_ap
from mmpose_ext.testing import standing_person as _person

from ..conftest import COCO_MINI

COCO_META = parse_pose_metainfo(
    dict(from_file='configs/_base_/datasets/coco.py'))
LINKS = COCO_META['skeleton_links']


def _codec(fd=8, **kwargs):
    return PartAffinityFields((368, 368), (368 // fd, 368 // fd), **kwargs)


def test_registered_in_mmpose():
    codec = KEYPOINT_CODECS.build(
        dict(type='PartAffinityFields', input_size=(368, 368),
             heatmap_size=(46, 46), with_block_offsets=True))
    assert isinstance(codec, PartAffinityFields)


def test_encode_shapes_background_and_input_to_heatmap_mapping():
    codec = _codec(with_block_offsets=True)
    keypoints = np.stack([_person(100, 60), _person(250, 80, 0.8)])
    encoded = codec.encode(keypoints, np.ones((2, 17)), skeleton_links=LINKS)
    assert encoded['heatmaps'].shape == (18, 46, 46)
    assert encoded['pafs'].shape == (38, 46, 46)
    assert encoded['offsets'].shape == (34, 46, 46)
    assert encoded['offset_weights'].shape == (17, 46, 46)
    np.testing.assert_allclose(encoded['heatmaps'][17],
                               1 - encoded['heatmaps'][:17].max(0))
    # input pixel x lies in cell floor(x / 8); its centre is 8 i + 3.5
    x, y = keypoints[0, 0]
    i, j = int(x // 8), int(y // 8)
    assert encoded['offset_weights'][0, j, i] == 1
    np.testing.assert_allclose(codec.heatmap_to_input(
        np.array([i, j]) + encoded['offsets'][0:2, j, i]), [x, y], atol=1e-4)
    np.testing.assert_allclose(codec.heatmap_to_input(np.array([0., 0.])),
                               [3.5, 3.5])


def test_round_trip_of_separated_persons_is_exact_with_block_offsets():
    codec = _codec(with_block_offsets=True)
    keypoints = np.stack([_person(70, 40), _person(190, 60, 0.9),
                          _person(300, 90, 0.8)])
    encoded = codec.encode(keypoints, np.ones((3, 17)), skeleton_links=LINKS)
    decoded, scores = codec.decode(encoded['heatmaps'], encoded['pafs'],
                                   encoded['offsets'], skeleton_links=LINKS)
    # the peak cell's centre is <= 0.71 cells from the keypoint
    assert decoded.shape == (3, 17, 2) and (scores >= np.exp(-0.5 / 2.25)).all()
    order = np.argsort(decoded[:, 0, 0])
    np.testing.assert_allclose(decoded[order], keypoints, atol=1e-3)
    # without offsets: the maps upsampled bicubically to input resolution
    # (the default, as CMU) give sub-cell peaks; at cell centres
    # (upsample_factor=1) the error is the quantisation (< fd / 2 per axis)
    for upsample_factor, low, high in ((None, 0., 1.), (1, 0.5, 4 + 1e-6)):
        plain = _codec(upsample_factor=upsample_factor)
        encoded = plain.encode(keypoints, np.ones((3, 17)),
                               skeleton_links=LINKS)
        decoded, scores = plain.decode(encoded['heatmaps'], encoded['pafs'],
                                       skeleton_links=LINKS)
        assert len(decoded) == 3
        for person, found in zip(decoded, scores > 0):
            gt = keypoints[np.argmin(
                [np.abs(person[found] - k[found]).mean() for k in keypoints])]
            error = np.abs(person[found] - gt[found])
            assert found.sum() >= 12 and low <= error.max() <= high


def test_upsampling_before_peaks_rather_than_cell_centres():
    """A face of 5 keypoints 5 input pixels apart (one 8-pixel cell holds
    two of them): at cell centres the eye-ear limbs have both ends in one
    cell (zero length: dropped); upsampled, every keypoint is within 1 px."""
    face = np.array([[[100., 100.], [104., 97.], [96., 97.], [109., 99.],
                      [91., 99.]]])
    links = [(0, 1), (0, 2), (1, 3), (2, 4)]
    for upsample_factor in (None, 1):
        codec = PartAffinityFields((368, 368), (46, 46), sigma=1.,
                                   skeleton_links=links, min_parts=2,
                                   upsample_factor=upsample_factor)
        encoded = codec.encode(face, np.ones((1, 5)))
        decoded, scores = codec.decode(encoded['heatmaps'], encoded['pafs'])
        if upsample_factor is None:
            assert codec.upsample_factor == 8
            (person, ) = decoded
            assert np.abs(person - face[0]).max() <= 1.
        else:
            assert len(decoded) == 0 or (scores > 0).sum() < 5


def test_oracle_upsampled_baseline_recovers_what_cell_centres_lose():
    """Oracle COCO AP on the bundled sample (ground-truth maps decoded):
    fd 8: RIE 0.981, upsampled baseline 0.981, cell centres 0.600; fd 16:
    0.933, 0.918, 0.191 (measured here)."""
    for fd in (8, 16):
        aps = {name: oracle_coco_ap(_codec(fd, **kwargs), COCO_MINI)['coco/AP']
               for name, kwargs in (('rie', dict(with_block_offsets=True)),
                                    ('upsampled', {}),
                                    ('cells', dict(upsample_factor=1)))}
        assert aps['upsampled'] > aps['cells'] + 0.3, (fd, aps)
        assert aps['rie'] >= aps['upsampled'] - 0.01, (fd, aps)
        assert aps['upsampled'] > 0.9, (fd, aps)


@pytest.mark.parametrize('fd,with_offsets,min_ap', [(8, True, 0.9),
                                                    (16, True, 0.9),
                                                    (8, False, 0.5)])
def test_oracle_grouping_on_the_real_coco_sample(fd, with_offsets, min_ap):
    """Ground truth of the 4 images (scenes of 1, 2, 4 and 5 persons) encoded
    at 368 input, decoded and scored with CocoMetric: the issue's measure."""
    results = oracle_coco_ap(
        _codec(fd, with_block_offsets=with_offsets), COCO_MINI)
    assert results['coco/AP'] >= min_ap


@pytest.mark.parametrize('case', [
    'no_persons', 'one_labelled_keypoint', 'coincident_limb_ends',
    'outside_image', 'non_finite', 'all_invisible'
])
def test_bad_input_gives_valid_targets_and_no_instances(case):
    codec = _codec(with_block_offsets=True)
    keypoints = _person(150, 80)[None]
    visible = np.ones((1, 17))
    if case == 'no_persons':
        keypoints, visible = np.zeros((0, 17, 2)), np.zeros((0, 17))
    elif case == 'one_labelled_keypoint':
        visible[:] = 0
        visible[0, 5] = 1
    elif case == 'coincident_limb_ends':
        keypoints[:] = keypoints[0, 0]
    elif case == 'outside_image':
        keypoints += 1000
    elif case == 'non_finite':
        keypoints[0, ::2] = np.nan
        keypoints[0, 1::2] = np.inf
    elif case == 'all_invisible':
        visible[:] = 0
    encoded = codec.encode(keypoints, visible, skeleton_links=LINKS)
    for name, value in encoded.items():
        assert np.isfinite(value).all(), name
    assert encoded['offset_weights'].sum() <= (9 if case == 'one_labelled'
                                               '_keypoint' else np.inf)
    decoded, scores = codec.decode(encoded['heatmaps'], encoded['pafs'],
                                   encoded['offsets'], skeleton_links=LINKS)
    if case != 'coincident_limb_ends':
        assert decoded.shape == (0, 17, 2) and scores.shape == (0, 17)
    assert np.isfinite(decoded).all()


# the codec settings of the paper configs (CMU's grouping)
CMU_GROUPING = dict(limb_distance_prior=True, min_limb_sample_ratio=0.9,
                    min_parts=4, min_mean_score=0.4, person_score='cmu_coco')


def assert_same_decoding(codec, heatmaps, pafs, **kwargs):
    """The local decode equals the dense reference: same persons, keypoints
    within 0.01 input px, scores within 1e-4."""
    reference = PartAffinityFields(
        codec.input_size, codec.heatmap_size, dense_upsampling=True,
        **{key: getattr(codec, key) for key in (
            'limb_distance_prior', 'min_limb_sample_ratio', 'min_parts',
            'min_mean_score', 'person_score', 'upsample_factor')})
    found = codec.decode_instances(heatmaps, pafs, **kwargs)
    expected = reference.decode_instances(heatmaps, pafs, **kwargs)
    assert found[0].shape == expected[0].shape
    np.testing.assert_allclose(found[0], expected[0], atol=0.01)
    np.testing.assert_allclose(found[1], expected[1], atol=1e-4)
    np.testing.assert_allclose(found[2], expected[2], atol=1e-4)
    return found


@pytest.mark.parametrize('fd', [8, 16])
def test_local_decoding_equals_dense_upsampling_on_the_real_sample(fd):
    """Ground truth of the bundled COCO images through MMPose's bottom-up
    test transform, encoded and decoded both ways (the oracle's inputs)."""
    from mmpose_ext.testing.oracle_grouping import bottomup_test_inputs
    codec = _codec(fd, **CMU_GROUPING)
    persons = 0
    for results in bottomup_test_inputs(COCO_MINI, (368, 368)):
        encoded = codec.encode(results['input_keypoints'],
                               results['keypoints_visible'],
                               skeleton_links=LINKS)
        persons += len(assert_same_decoding(codec, encoded['heatmaps'],
                                            encoded['pafs'],
                                            skeleton_links=LINKS)[0])
    assert persons >= 10  # of the 12 annotated


@pytest.mark.parametrize('num_persons,seed', [(5, 0), (20, 1), (30, 2)])
def test_local_decoding_equals_dense_upsampling_on_crowds(num_persons, seed):
    """Random crowds of overlapping persons (the default grouping and
    CMU's), and the same maps averaged at twice the resolution (map_stride
    4: multi-scale test)."""
    rng = np.random.default_rng(seed)
    keypoints = np.stack([
        _person(*rng.uniform(20, 300, 2), rng.uniform(0.4, 0.9)) +
        rng.uniform(-3, 3, (17, 2)) for _ in range(num_persons)
    ])
    for kwargs in ({}, CMU_GROUPING):
        codec = _codec(**kwargs)
        encoded = codec.encode(keypoints, np.ones((num_persons, 17)),
                               skeleton_links=LINKS)
        found = assert_same_decoding(codec, encoded['heatmaps'],
                                     encoded['pafs'], skeleton_links=LINKS)
        assert len(found[0]) >= num_persons // 2
        double = [codec.upsample(encoded[key], 2)
                  for key in ('heatmaps', 'pafs')]
        assert_same_decoding(codec, *double, skeleton_links=LINKS,
                             map_stride=4.)


@pytest.mark.parametrize('case', ['nan', 'inf', 'empty', 'tiny', 'no_parts'])
@pytest.mark.parametrize('dense', [False, True])
def test_bad_maps_decode_to_fewer_persons_without_error(case, dense):
    """NaN or infinite values, empty maps, maps under 3x3 and a limb whose
    parts have no candidates: fewer persons or none, never an exception."""
    codec = _codec(dense_upsampling=dense)
    encoded = codec.encode(np.stack([_person(100, 60), _person(250, 80)]),
                           np.ones((2, 17)), skeleton_links=LINKS)
    heatmaps, pafs = encoded['heatmaps'], encoded['pafs']
    if case == 'nan':
        heatmaps[3] = np.nan
        pafs[:, 10:20] = np.nan
    elif case == 'inf':
        heatmaps[5, 10:20] = np.inf
        pafs[4] = -np.inf
    elif case == 'empty':
        heatmaps, pafs = heatmaps[:, :0], pafs[:, :0]
    elif case == 'tiny':
        heatmaps, pafs = heatmaps[:, 10:12, 12:14], pafs[:, 10:12, 12:14]
    else:
        heatmaps[[5, 6]] = 0  # both shoulders: limbs from them never form
    with np.errstate(invalid='ignore', over='ignore'):
        keypoints, scores, person_scores = codec.decode_instances(
            heatmaps, pafs, skeleton_links=LINKS)
    assert np.isfinite(keypoints).all() and np.isfinite(scores).all()
    assert np.isfinite(person_scores).all()
    if case in ('empty', 'tiny'):
        assert len(keypoints) == 0
    elif case == 'no_parts':
        # each person falls apart at the shoulders: head, arms, body
        assert (scores[:, [5, 6]] == 0).all()
        assert 2 <= len(keypoints) <= 6
    else:
        assert len(keypoints) <= 2


def test_decode_of_noise_is_finite_and_bounded():
    rng = np.random.default_rng(0)
    codec = _codec(with_block_offsets=True)
    decoded, scores = codec.decode(
        rng.random((18, 46, 46)), rng.normal(size=(38, 46, 46)),
        rng.normal(size=(34, 46, 46)), skeleton_links=LINKS)
    assert np.isfinite(decoded).all() and len(decoded) <= 30
    assert ((decoded >= -0.5) & (decoded <= 368)).all()


def test_errors_name_the_problem():
    codec = _codec()
    with pytest.raises(ValueError, match='skeleton_info'):
        codec.encode(_person(100, 50)[None], np.ones((1, 17)))
    with pytest.raises(ValueError, match='outside 0..16'):
        codec.encode(_person(100, 50)[None], np.ones((1, 17)),
                     skeleton_links=[(0, 17)])
    with pytest.raises(ValueError, match=r'shape \(1, 17\)'):
        codec.encode(_person(100, 50)[None], np.ones((2, 17)),
                     skeleton_links=LINKS)
    with pytest.raises(ValueError, match='PAF channels for 19'):
        codec.decode(np.zeros((18, 46, 46)), np.zeros((36, 46, 46)),
                     skeleton_links=LINKS)
    with pytest.raises(ValueError, match='sigma must be > 0'):
        _codec(sigma=0)


def test_person_scores_and_their_order():
    keypoints = np.stack([_person(70, 40), _person(250, 60, 0.8)])
    visible = np.ones((2, 17))
    visible[1, 5:] = 0  # the second person: a face only
    by_keypoints = _codec(with_block_offsets=True)
    encoded = by_keypoints.encode(keypoints, visible, skeleton_links=LINKS)
    maps = (encoded['heatmaps'], encoded['pafs'], encoded['offsets'])
    found, scores, persons = by_keypoints.decode_instances(
        *maps, skeleton_links=LINKS)
    np.testing.assert_allclose(persons, scores.mean(axis=1), rtol=1e-6)
    assert (np.diff(persons) <= 0).all() and len(persons) == 2
    with_limbs = _codec(with_block_offsets=True,
                        person_score='keypoints_and_limbs')
    _, scores, persons = with_limbs.decode_instances(*maps,
                                                     skeleton_links=LINKS)
    parts = (scores > 0).sum(axis=1)
    # peaks (about 1) plus one PAF score (about 1) per limb, per part
    assert (persons > scores.sum(axis=1) / parts).all()
    assert (np.diff(persons) <= 0).all()
    # CMU's evalCOCO.m: the person's total (peaks plus limbs) times its
    # counted parts; with counted_parts, only those count
    cmu = _codec(with_block_offsets=True, person_score='cmu_coco')
    _, scores, persons = cmu.decode_instances(*maps, skeleton_links=LINKS)
    np.testing.assert_allclose(persons, (scores > 0).sum(1)**2 *
                               _codec(with_block_offsets=True,
                                      person_score='keypoints_and_limbs')
                               .decode_instances(*maps,
                                                 skeleton_links=LINKS)[2],
                               rtol=1e-5)
    face = _codec(with_block_offsets=True, person_score='cmu_coco',
                  counted_parts=[0, 1, 2])
    _, _, face_scores = face.decode_instances(*maps, skeleton_links=LINKS)
    np.testing.assert_allclose(face_scores * (scores > 0).sum(1),
                               persons * 3, rtol=1e-5)
    with pytest.raises(ValueError, match='person_score must be one of'):
        _codec(person_score='area')
    with pytest.raises(ValueError, match='upsample_factor must be 1'):
        _codec(with_block_offsets=True, upsample_factor=8)
    with pytest.raises(ValueError, match='integer >= 1'):
        _codec(upsample_factor=0)


def test_face_stays_attached_when_the_ears_are_unlabelled():
    """COCO-17 ties the face to the body only through ear-shoulder links: a
    person with both ears unlabelled decodes as a 3-part face "person" and
    a faceless body. OpenPose-18 (the neck, CMU's 19 limbs: neck-nose) keeps
    one person."""
    from mmengine.config import Config

    from mmpose_ext.datasets.transforms import \
        FlipConsistentKeypointConverter

    from ..conftest import REPO
    layout = Config.fromfile(
        REPO + '/configs/_base_/datasets/coco_openpose18_layout.py')
    keypoints = _person(150, 60)[None]
    visible = np.ones((1, 17))
    visible[0, 3:5] = 0  # both ears
    coco = _codec(with_block_offsets=True)
    encoded = coco.encode(keypoints, visible, skeleton_links=LINKS)
    found, scores = coco.decode(encoded['heatmaps'], encoded['pafs'],
                                encoded['offsets'], skeleton_links=LINKS)
    assert sorted((scores > 0).sum(axis=1).tolist()) == [3, 12]

    converted = FlipConsistentKeypointConverter(
        num_keypoints=18, mapping=layout.coco_to_openpose18)(
            dict(keypoints=keypoints, keypoints_visible=visible))
    openpose = _codec(with_block_offsets=True,
                      skeleton_links=layout.openpose18_limbs)
    encoded = openpose.encode(converted['keypoints'],
                              converted['keypoints_visible'][..., 0])
    found, scores = openpose.decode(encoded['heatmaps'], encoded['pafs'],
                                    encoded['offsets'])
    (person, ) = scores > 0
    assert person.sum() == 16  # 18 minus the two ears
    np.testing.assert_allclose(found[0, 0], keypoints[0, 0], atol=1e-3)
