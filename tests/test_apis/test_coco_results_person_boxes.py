# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""CocoResultsPersonBoxes: a COCO results file served as MMPoseInferencer's
detector."""
import os.path as osp

import numpy as np
import pytest

from mmpose_ext.apis import CocoResultsPersonBoxes, use_coco_results_boxes
from mmpose_ext.utils import ConfigError

from ..conftest import CAL_TINY_CONFIG, COCO_MINI, OPENPOSE_TINY_CONFIG

DETECTIONS = osp.join(COCO_MINI, 'person_detections.json')


def test_boxes_of_unknown_images_fall_back_to_the_whole_image(tmp_path):
    boxes = CocoResultsPersonBoxes(DETECTIONS)
    with pytest.warns(UserWarning, match='whole image is the person box'):
        assert boxes.boxes_of(str(tmp_path / 'street_7.jpg')).shape == (0, 5)
    assert boxes.boxes_of(np.zeros((4, 4, 3), np.uint8)).shape == (0, 5)
    known = boxes.boxes_of('a/000000197388.png')
    assert known.shape[1] == 5 and len(known) > 5
    # xywh -> xyxy
    np.testing.assert_allclose(known[0, :4], [376.918, 172.731, 638.178,
                                              388.316], atol=1e-3)


def test_the_inferencer_takes_the_boxes():
    from mmpose.apis import MMPoseInferencer
    inferencer = MMPoseInferencer(pose2d=CAL_TINY_CONFIG,
                                  det_model='whole_image', device='cpu')
    source = use_coco_results_boxes(inferencer, DETECTIONS)
    assert inferencer.inferencer.detector is source
    (sample, ) = source(osp.join(COCO_MINI, 'images/000000197388.jpg'))[
        'predictions']
    instances = sample.pred_instances.cpu().numpy()
    assert instances.bboxes.shape == (len(instances.scores), 4)
    assert (instances.labels == 0).all()


def test_bad_files_and_configs(tmp_path):
    with pytest.raises(ConfigError, match='no such file'):
        CocoResultsPersonBoxes(str(tmp_path / 'none.json'))
    bad = tmp_path / 'bad.json'
    bad.write_text('{"annotations": []}')
    with pytest.raises(ConfigError, match='a list of detections, got a dict'):
        CocoResultsPersonBoxes(str(bad))
    from mmpose.apis import MMPoseInferencer
    bottomup = MMPoseInferencer(pose2d=OPENPOSE_TINY_CONFIG, device='cpu')
    with pytest.raises(ConfigError, match='top-down configs; this config is '
                       'bottomup'):
        use_coco_results_boxes(bottomup, DETECTIONS)
