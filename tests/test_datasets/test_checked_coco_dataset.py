# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""CheckedCocoDataset names bad annotations and images by id, and skips them
with a warning or stops, by config."""
import copy
import json
import shutil
from unittest import mock

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
