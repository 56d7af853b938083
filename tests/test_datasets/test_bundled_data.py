# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""The bundled real data load through MMPose's datasets and carry licence notes."""
import hashlib
import json
import os
import os.path as osp

from mmengine.config import Config
from mmpose.registry import DATASETS

from ..conftest import COCO_MINI, REPO, SAMPLE_CONFIG


def _build(split):
    cfg = Config.fromfile(SAMPLE_CONFIG)
    dataset_cfg = cfg[f'{split}_dataloader'].dataset
    return DATASETS.build(dataset_cfg)


def test_coco_sample_trains_on_the_persons_with_keypoints():
    dataset = _build('train')
    with open(osp.join(COCO_MINI, 'person_keypoints.json')) as f:
        annotations = json.load(f)['annotations']
    with_keypoints = [a for a in annotations if a['num_keypoints'] > 0]
    assert len(dataset) == len(with_keypoints) == 12
    sample = dataset[0]
    assert sample['inputs'].shape == (3, 128, 96)
    assert sample['data_samples'].gt_fields.heatmaps.shape == (17, 32, 24)


def test_coco_sample_evaluation_set():
    dataset = _build('val')
    assert dataset.metainfo['dataset_name'] == 'coco'
    image_ids = {dataset.get_data_info(i)['img_id'] for i in range(len(dataset))}
    assert image_ids == {785, 40083, 196141, 197388}


def test_every_bundled_image_has_a_licence_note():
    with open(osp.join(REPO, 'DATA_LICENSE.md')) as f:
        notes = f.read()
    for folder in ('tests/data/coco_mini/images', 'tests/data/mpii_mini/images',
                   'demo/resources'):
        for name in os.listdir(osp.join(REPO, folder)):
            assert name in notes or f'{folder}/*.jpg' in notes, name


def test_demo_image_is_the_unmodified_coco_image():
    def digest(path):
        with open(path, 'rb') as f:
            return hashlib.sha256(f.read()).hexdigest()

    assert digest(osp.join(REPO, 'demo/resources/000000197388.jpg')) == digest(
        osp.join(COCO_MINI, 'images/000000197388.jpg'))
