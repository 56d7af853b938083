# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""tools/dataset_converters/to_coco17.py: other layouts to COCO-17."""
import importlib.util
import os.path as osp

import numpy as np
import pytest

from ..conftest import REPO

spec = importlib.util.spec_from_file_location(
    'to_coco17', osp.join(REPO, 'tools/dataset_converters/to_coco17.py'))
to_coco17 = importlib.util.module_from_spec(spec)
spec.loader.exec_module(to_coco17)


def _file(num_keypoints, file_name='HumanArt/images/a/1.jpg'):
    keypoints = np.zeros((num_keypoints, 3))
    keypoints[:, 0] = np.arange(num_keypoints)  # x = source index
    keypoints[:, 2] = 2
    return dict(
        images=[dict(id=7, file_name=file_name, width=10, height=10)],
        annotations=[dict(id=3, image_id=7, bbox=[0, 0, 4, 5],
                          keypoints=keypoints.reshape(-1).tolist())],
        categories=[dict(id=1, name='person')])


@pytest.mark.parametrize('layout,num,expected', [
    ('crowdpose', 14, {5: 0, 6: 1, 11: 6, 16: 11}),
    ('mpii', 16, {16: 0, 14: 1, 12: 2, 11: 3, 5: 13, 10: 10}),
    ('coco+', 21, {0: 0, 16: 16}),
])
def test_layouts_map_to_coco17(layout, num, expected):
    out = to_coco17.convert(_file(num), layout, 'HumanArt/images/')
    (ann, ) = out['annotations']
    kpts = np.array(ann['keypoints']).reshape(17, 3)
    for coco, source in expected.items():
        assert kpts[coco, 0] == source and kpts[coco, 2] == 2
    labelled = 17 if layout == 'coco+' else 12
    assert ann['num_keypoints'] == labelled == (kpts[:, 2] > 0).sum()
    assert ann['area'] == 20  # from the box when the file has none
    assert out['images'][0]['file_name'] == 'a/1.jpg'
    assert len(out['categories'][0]['keypoints']) == 17


def test_errors_name_the_annotation_and_the_layout():
    with pytest.raises(ValueError, match='annotation 3: 11 keypoints'):
        to_coco17.convert(_file(11), 'crowdpose')
    with pytest.raises(ValueError, match="--layout 'h36m'"):
        to_coco17.convert(_file(14), 'h36m')
