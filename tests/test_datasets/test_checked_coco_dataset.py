# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""CheckedCocoDataset names bad annotations and images by id, and skips them
with a warning or stops, by config."""
import copy
import json
import shutil
from unittest import mock

import numpy as np
import pytest
from mmpose.datasets.transforms import LoadImage

from mmpose_ext.datasets import CheckedCocoDataset

from ..conftest import COCO_MINI

MODULE = 'mmpose_ext.datasets.datasets.body.checked_coco_dataset'


@pytest.fixture
def coco(tmp_path):
    """A copy of the bundled sample whose annotations a test can break."""
    root = tmp_path / 'coco'
    shutil.copytree(COCO_MINI, root)
    with open(root / 'person_keypoints.json') as f:
        return root, json.load(f)


def _write(root, content):
    with open(root / 'person_keypoints.json', 'w') as f:
        json.dump(content, f)


def _dataset(root, **kwargs):
    return CheckedCocoDataset(
        data_root=str(root), ann_file='person_keypoints.json',
        data_prefix=dict(img='images/'), pipeline=[LoadImage()], **kwargs)


def _break(content, index, change):
    content = copy.deepcopy(content)
    ann = [a for a in content['annotations'] if a['num_keypoints'] > 0][index]
    change(ann)
    return content, ann['id'], ann['image_id']


@pytest.mark.parametrize('change,problem', [
    (lambda a: a.pop('bbox'), "missing key(s) ['bbox']"),
    (lambda a: a.update(keypoints=a['keypoints'][:-3]),
     '48 keypoint values, expected 51 (3 x 17); a CrowdPose, MPII or '
     'COCO-plus-more-points file converts to COCO-17 with '
     'tools/dataset_converters/to_coco17.py'),
    (lambda a: a.update(area=-5.0), 'area -5.0 is negative'),
    (lambda a: a.update(bbox=[10, 10, -4, 20]), 'negative width or height'),
])
def test_bad_annotation_stops_naming_its_ids(coco, change, problem):
    root, content = coco
    broken, ann_id, image_id = _break(content, 1, change)
    _write(root, broken)
    with pytest.raises(ValueError) as err:
        _dataset(root)
    message = str(err.value)
    assert f'annotation id {ann_id} (image id {image_id})' in message
    assert problem in message


def test_bad_annotation_is_skipped_with_a_warning(coco):
    root, content = coco
    broken, ann_id, _ = _break(content, 0, lambda a: a.pop('keypoints'))
    _write(root, broken)
    with mock.patch(f'{MODULE}.print_log') as log:
        dataset = _dataset(root, on_bad_annotation='skip')
    assert len(dataset) == 11  # 12 persons with keypoints, one left out
    assert f'annotation id {ann_id}' in log.call_args[0][0]
    assert ann_id not in {dataset.get_data_info(i)['id']
                          for i in range(len(dataset))}


def test_unreadable_image_is_named(coco):
    root, _ = coco
    (root / 'images' / '000000000785.jpg').write_bytes(b'not a jpeg')
    dataset = _dataset(root)
    index = next(i for i in range(len(dataset))
                 if dataset.get_data_info(i)['img_id'] == 785)
    with pytest.raises(RuntimeError, match=r'image id 785 \(.*000000000785'):
        dataset[index]
    skipping = _dataset(root, on_bad_image='skip')
    with mock.patch(f'{MODULE}.print_log') as log:
        sample = skipping[index]  # another sample replaces it
    assert sample['img_id'] != 785
    assert 'image id 785' in log.call_args[0][0]


def test_policies_are_checked():
    with pytest.raises(ValueError, match='on_bad_image'):
        CheckedCocoDataset(on_bad_image='ignore', lazy_init=True)


def _info(boxes, num_keypoints, areas=None, crowd=None):
    boxes = np.asarray(boxes, float)
    return dict(bbox=boxes, num_keypoints=list(num_keypoints),
                area=np.asarray(areas if areas is not None else
                                [(b[2] - b[0]) * (b[3] - b[1])
                                 for b in boxes]),
                iscrowd=list(crowd or [0] * len(boxes)))


def test_main_persons_follow_cmu_genjson():
    """>= 5 labelled keypoints, area >= 32², not a crowd, and a centre not
    within 0.3 x max(w, h) of an earlier main person's centre."""
    from mmpose_ext.datasets import main_persons
    boxes = [[0, 0, 100, 200],      # main
             [10, 10, 110, 210],    # centre 14 px from the first: < 60
             [300, 0, 400, 200],    # main
             [500, 0, 600, 200],    # 4 keypoints
             [700, 0, 720, 20],     # area 400
             [900, 0, 1000, 200],   # crowd
             [60, 0, 160, 200]]     # centre 60 px away: = 0.3 x 200, kept
    info = _info(boxes, [17, 17, 5, 4, 17, 17, 9], crowd=[0] * 5 + [1, 0])
    assert main_persons(info) == [0, 2, 6]
    assert main_persons(info, min_keypoints=4) == [0, 2, 3, 6]
    assert main_persons(info, min_centre_distance=0.) == [0, 1, 2, 6]
    assert main_persons(_info(np.zeros((0, 4)), [])) == []


def test_one_sample_per_main_person_of_the_bundled_sample():
    """The paper OpenPose config's training set on the bundled images: one
    sample per main person (12 of the 14 annotations), each centred on its
    own person (its box centre within the 40 px jitter of the crop's)."""
    from mmengine.config import Config
    from mmpose.registry import DATASETS

    from ..conftest import REPO
    cfg = Config.fromfile(
        f'{REPO}/configs/openpose/coco/openpose_vgg19_2xb5-600kit_coco-'
        '368x368.py')
    dataset_cfg = cfg.train_dataloader.dataset
    assert dataset_cfg.sample_per == 'main_person'
    dataset_cfg.update(data_root=COCO_MINI, ann_file='person_keypoints.json',
                       data_prefix=dict(img='images/'))
    dataset = DATASETS.build(dataset_cfg)
    assert len(dataset) == 12
    persons = [(dataset.get_data_info(i)['img_id'],
                dataset.get_data_info(i)['main_person'])
               for i in range(len(dataset))]
    assert len(set(persons)) == 12
    np.random.seed(0)
    for i, (_, person) in enumerate(persons):
        sample = dataset[i]
        # the box's corners after the warp
        box = np.asarray(sample['data_samples'].gt_instances.bboxes)[person]
        centre = box.reshape(-1, 2).mean(axis=0)
        assert np.abs(centre - 184).max() <= 40 * np.sqrt(2) + 1, (i, centre)


def test_main_person_samples_bad_input():
    with pytest.raises(ValueError, match='sample_per must be'):
        CheckedCocoDataset(sample_per='person', lazy_init=True)
    with pytest.raises(ValueError, match='for bottom-up training'):
        CheckedCocoDataset(sample_per='main_person', data_mode='topdown',
                           lazy_init=True)
    dataset = CheckedCocoDataset(
        data_root=COCO_MINI, ann_file='person_keypoints.json',
        data_prefix=dict(img='images/'), data_mode='bottomup',
        sample_per='main_person', main_person_cfg=dict(min_keypoints=18),
        pipeline=[], lazy_init=True)
    with pytest.raises(ValueError, match='none of the 4 images .* has a '
                       'main person'):
        dataset.full_init()
