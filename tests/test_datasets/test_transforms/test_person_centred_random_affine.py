# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""PersonCentredRandomAffine: CMU OpenPose's augmentation on the bundled
images; the centred person's height follows 0.6 · 368 · U(0.5, 1.1), the
crop centre stays within the jitter, the warp keeps keypoints on the image
content, images without a main person are shown whole."""
import numpy as np
import pytest
from mmengine.registry import init_default_scope
from mmpose.datasets.transforms import LoadImage
from mmpose.registry import DATASETS

from mmpose_ext.datasets.transforms import PersonCentredRandomAffine

from ...conftest import COCO_MINI


@pytest.fixture(scope='module')
def infos():
    init_default_scope('mmpose')
    dataset = DATASETS.build(
        dict(type='CocoDataset', data_root=COCO_MINI,
             ann_file='person_keypoints.json',
             data_prefix=dict(img='images/'), data_mode='bottomup',
             pipeline=[]))
    return [LoadImage()(dataset.get_data_info(i)) for i in range(4)]


def _centred_person(results, size=368):
    """Height and centre of the box whose centre is nearest the crop's."""
    corners = results['bbox']  # (N, 4, 2) after MMPose's warp
    low, high = corners.min(axis=1), corners.max(axis=1)
    centres = (low + high) / 2
    k = np.argmin(np.abs(centres - size / 2).max(axis=1))
    return high[k, 1] - low[k, 1], centres[k]


def test_person_height_distribution_and_centre(infos):
    """Without rotation and jitter: 400 samples over the 4 images, the
    centred person's height / (0.6 · 368) is u, uniform on [0.5, 1.1]."""
    transform = PersonCentredRandomAffine(rotate_factor=0., center_jitter=0.)
    np.random.seed(0)
    u = []
    for i in range(400):
        results = transform(dict(infos[i % 4]))
        assert results['img'].shape == (368, 368, 3)
        height, centre = _centred_person(results)
        np.testing.assert_allclose(centre, [184, 184], atol=1e-3)
        u.append(height / (0.6 * 368))
    u = np.array(u)
    assert 0.5 - 1e-3 <= u.min() < 0.55 and 1.05 < u.max() <= 1.1 + 1e-3
    assert abs(u.mean() - 0.8) < 0.03  # the mean of U(0.5, 1.1)
    # about uniform: each fifth of the range holds about a fifth
    counts = np.histogram(u, bins=5, range=(0.5, 1.1))[0]
    assert counts.min() > 55 and counts.max() < 105


def test_jitter_and_rotation_keep_keypoints_on_the_content(infos):
    transform = PersonCentredRandomAffine(center_jitter=40.)
    np.random.seed(1)
    for i in range(40):
        source = infos[i % 4]
        results = transform(dict(source))
        warp = results['warp_mat']
        mapped = source['keypoints'] @ warp[:, :2].T + warp[:, 2]
        np.testing.assert_allclose(results['keypoints'], mapped, atol=1e-3)
        # the warp maps the chosen person's box centre within 40 px per axis
        # (of the image, before the rotation) of the crop centre
        boxes = source['bbox']
        centres = (boxes[:, :2] + boxes[:, 2:]) / 2 @ warp[:, :2].T + \
            warp[:, 2]
        assert np.linalg.norm(centres - 184, axis=1).min() <= \
            40 * np.sqrt(2) + 1e-3


def test_an_image_without_a_main_person_is_shown_whole(infos):
    results = dict(infos[1])
    results['keypoints_visible'] = np.zeros_like(
        results['keypoints_visible'])
    transform = PersonCentredRandomAffine()
    results = transform(results)
    img_h, img_w = infos[1]['img_shape']
    scale = 368 / max(img_w, img_h)
    np.testing.assert_allclose(
        results['warp_mat'],
        [[scale, 0, 184 - scale * img_w / 2],
         [0, scale, 184 - scale * img_h / 2]], atol=1e-4)


def test_bad_arguments():
    with pytest.raises(ValueError, match='scale_factor must be'):
        PersonCentredRandomAffine(scale_factor=(1.1, 0.5))
    with pytest.raises(ValueError, match='target_height must be > 0'):
        PersonCentredRandomAffine(target_height=0)


def test_the_centred_person_has_five_labelled_keypoints():
    """Drawn uniformly among the persons with >= min_keypoints labelled
    keypoints and a box: 4 and 0 labelled are never chosen; the dataset's
    main_person, where set, is taken as it is."""
    transform = PersonCentredRandomAffine()
    visible = np.zeros((4, 17))
    visible[0, :4] = 1  # 4 labelled: not a main person
    visible[1, :5] = 1
    visible[3, :] = 1
    bboxes = np.array([[0, 0, 50, 100]] * 4, float)
    results = dict(bbox=bboxes, keypoints_visible=visible)
    np.random.seed(0)
    chosen = [transform.choose_person(results) for _ in range(300)]
    assert set(chosen) == {1, 3}
    assert 100 < chosen.count(1) < 200  # uniform between the two
    flat = dict(results, bbox=np.array([[0, 0, 50, 0]] * 4, float))
    assert transform.choose_person(flat) is None  # no box height
    assert transform.choose_person(dict(results, main_person=0)) == 0
    with pytest.raises(IndexError, match='main_person 7 of x.jpg'):
        transform.choose_person(dict(results, main_person=7,
                                     img_path='x.jpg'))
