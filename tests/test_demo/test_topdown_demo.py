# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""The top-down demo (ours and MMPose's topdown_demo_with_mmdet.py) with the
package's configs: bundled person boxes by default, an MMDetection RTMDet-tiny
detector (a checkpoint saved from its config: no detector weights can be
downloaded here), images and videos, and the errors that name the fix."""
import json
import os.path as osp

import mmpose
import numpy as np
import pytest
import torch
from mmengine.config import Config

from ..conftest import CAL_TINY_CONFIG, COCO_MINI, REPO, run_script

DEMO = osp.join(REPO, 'demo/topdown_demo.py')
IMAGE = osp.join(REPO, 'demo/resources/000000197388.jpg')
VIDEO = osp.join(REPO, 'demo/resources/street.mp4')
MMDET_CFG = osp.join(osp.dirname(mmpose.__file__), '.mim/demo/mmdetection_cfg')
RTMDET_TINY = osp.join(MMDET_CFG, 'rtmdet_tiny_8xb32-300e_coco.py')
HAND_DETECTOR = osp.join(MMDET_CFG, 'rtmdet_nano_320-8xb32_hand.py')


def _save_model(config, path, registry_scope, classes=None):
    """A checkpoint of the model a config builds (random weights)."""
    from mmengine.registry import DefaultScope
    cfg = Config.fromfile(config)
    if cfg.model.backbone.get('init_cfg'):
        cfg.model.backbone.init_cfg = None
    if registry_scope == 'mmdet':
        from mmdet.registry import MODELS
        from mmdet.utils import register_all_modules
        register_all_modules(init_default_scope=False)
    else:
        from mmpose.registry import MODELS
    with DefaultScope.overwrite_default_scope(registry_scope):
        model = MODELS.build(cfg.model)
    meta = dict(dataset_meta=dict(classes=classes)) if classes else {}
    torch.save(dict(state_dict=model.state_dict(), meta=meta), path)
    return str(path)


@pytest.fixture(scope='module')
def pose_checkpoint(tmp_path_factory):
    return _save_model(CAL_TINY_CONFIG,
                       tmp_path_factory.mktemp('cal') / 'cal.pth', 'mmpose')


@pytest.fixture(scope='module')
def rtmdet_checkpoint(tmp_path_factory):
    return _save_model(RTMDET_TINY,
                       tmp_path_factory.mktemp('det') / 'rtmdet_tiny.pth',
                       'mmdet')


def _predictions(folder, stem):
    with open(folder / f'results_{stem}.json') as f:
        return json.load(f)['instance_info']


def test_bundled_boxes_by_default(pose_checkpoint, tmp_path):
    result = run_script([
        DEMO, CAL_TINY_CONFIG, pose_checkpoint, '--input', IMAGE,
        '--output-root',
        str(tmp_path), '--save-predictions'
    ])
    assert result.returncode == 0, result.stderr[-3000:]
    assert osp.getsize(tmp_path / '000000197388.jpg') > 10000
    (frame, ) = _predictions(tmp_path, '000000197388')
    with open(osp.join(COCO_MINI, 'person_detections.json')) as f:
        boxes = [d for d in json.load(f)
                 if d['image_id'] == 197388 and d['score'] >= 0.3]
    assert len(frame['instances']) == len(boxes)
    for person in frame['instances']:
        assert np.array(person['keypoints']).shape == (17, 2)
        assert len(person['bbox']) == 4


def test_video_without_detector_uses_whole_frames(pose_checkpoint, tmp_path):
    result = run_script([
        DEMO, CAL_TINY_CONFIG, pose_checkpoint, '--input', VIDEO,
        '--output-root',
        str(tmp_path), '--save-predictions', '--max-frames', '2'
    ])
    assert result.returncode == 0, result.stderr[-3000:]
    assert 'every frame is one person box' in result.stderr
    frames = _predictions(tmp_path, 'street')
    assert [f['frame_id'] for f in frames] == [0, 1]
    assert all(len(f['instances']) == 1 for f in frames)
    assert osp.getsize(tmp_path / 'street.mp4') > 1000


def test_with_an_rtmdet_tiny_detector(pose_checkpoint, rtmdet_checkpoint,
                                      tmp_path):
    """Ours on the video, MMPose's own demo on the image (CPU)."""
    result = run_script([
        DEMO, CAL_TINY_CONFIG, pose_checkpoint, '--det-config', RTMDET_TINY,
        '--det-checkpoint', rtmdet_checkpoint, '--input', VIDEO,
        '--output-root',
        str(tmp_path), '--save-predictions', '--max-frames', '2'
    ])
    assert result.returncode == 0, result.stderr[-3000:]
    assert len(_predictions(tmp_path, 'street')) == 2
    mmpose_demo = osp.join(osp.dirname(MMDET_CFG), 'topdown_demo_with_mmdet.py')
    result = run_script([
        mmpose_demo, RTMDET_TINY, rtmdet_checkpoint, CAL_TINY_CONFIG,
        pose_checkpoint, '--input', IMAGE, '--output-root',
        str(tmp_path / 'mmpose'), '--save-predictions', '--device', 'cpu'
    ])
    assert result.returncode == 0, result.stderr[-3000:]
    assert osp.isfile(tmp_path / 'mmpose' / 'results_000000197388.json')


def test_bad_input_names_the_fix(pose_checkpoint, tmp_path):
    hand = _save_model(HAND_DETECTOR, tmp_path / 'hand.pth', 'mmdet',
                       classes=('hand', ))
    result = run_script([
        DEMO, CAL_TINY_CONFIG, pose_checkpoint, '--det-config',
        HAND_DETECTOR, '--det-checkpoint', hand, '--input', IMAGE,
        '--output-root',
        str(tmp_path)
    ])
    assert result.returncode != 0
    assert 'no "person" class' in result.stderr
    assert 'rtmdet_tiny_8xb32-300e_coco.py' in result.stderr

    no_import = tmp_path / 'no_import.py'
    no_import.write_text(f'_base_ = [{CAL_TINY_CONFIG!r}]\n'
                         'custom_imports = None\n')
    result = run_script([
        DEMO, str(no_import), pose_checkpoint, '--input', IMAGE,
        '--output-root',
        str(tmp_path)
    ])
    assert result.returncode != 0
    assert "custom_imports = dict(imports=['mmpose_ext']" in result.stderr

    empty = tmp_path / 'empty.mp4'
    empty.write_bytes(b'')
    result = run_script([
        DEMO, CAL_TINY_CONFIG, pose_checkpoint, '--input',
        str(empty), '--output-root',
        str(tmp_path)
    ])
    assert result.returncode != 0
    assert 'cannot open video' in result.stderr
