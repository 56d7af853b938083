# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""demo/inferencer_demo.py (MMPoseInferencer with the bundled person boxes in
the place of a detector) and MMPose's own demos, with the package's configs:
top-down with boxes from the file, with an MMDetection RTMDet-tiny detector
(a checkpoint saved from its config: no detector weights can be downloaded
here) and on a video; bottom-up with the PAF visualizer; errors that name the
fix."""
import json
import os.path as osp

import cv2
import mmpose
import numpy as np
import pytest
import torch
from mmengine.config import Config

from ..conftest import (CAL_TINY_CONFIG, COCO_MINI, OPENPOSE_TINY_CONFIG, REPO,
                        run_script)

DEMO = osp.join(REPO, 'demo/inferencer_demo.py')
MMPOSE_DEMO = osp.join(osp.dirname(mmpose.__file__), '.mim/demo')
IMAGE = osp.join(REPO, 'demo/resources/000000197388.jpg')
VIDEO = osp.join(REPO, 'demo/resources/street.mp4')
RTMDET_TINY = osp.join(MMPOSE_DEMO,
                       'mmdetection_cfg/rtmdet_tiny_8xb32-300e_coco.py')


def _save_model(config, path, registry_scope):
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
    torch.save(dict(state_dict=model.state_dict(), meta={}), path)
    return str(path)


@pytest.fixture(scope='module')
def pose_checkpoint(tmp_path_factory):
    return _save_model(CAL_TINY_CONFIG,
                       tmp_path_factory.mktemp('cal') / 'cal.pth', 'mmpose')


def _demo(*args):
    return run_script([DEMO, *map(str, args)])


def _predictions(path):
    with open(path) as f:
        return json.load(f)


def test_topdown_takes_the_bundled_boxes(pose_checkpoint, tmp_path):
    result = _demo(IMAGE, '--pose2d', CAL_TINY_CONFIG, '--pose2d-weights',
                   pose_checkpoint, '--vis-out-dir', tmp_path,
                   '--pred-out-dir', tmp_path, '--draw-bbox')
    assert result.returncode == 0, result.stderr[-3000:]
    assert cv2.imread(str(tmp_path / '000000197388.jpg')).shape == (
        392, 640, 3)
    persons = _predictions(tmp_path / '000000197388.json')
    # MMPose's bbox_thr (0.3) and NMS (0.3) applied to the file's boxes
    from mmpose.evaluation.functional import nms
    with open(osp.join(COCO_MINI, 'person_detections.json')) as f:
        boxes = np.array([d['bbox'] + [d['score']] for d in json.load(f)
                          if d['image_id'] == 197388 and d['score'] > 0.3])
    boxes[:, 2:4] += boxes[:, :2]
    kept = boxes[nms(boxes, 0.3)]
    assert len(persons) == len(kept) == 5
    np.testing.assert_allclose(
        sorted(p['bbox'][0] for p in persons), sorted(kept[:, :4].tolist()),
        atol=1e-3)
    for person in persons:  # MMPose's predictions format
        assert np.array(person['keypoints']).shape == (17, 2)
        assert set(person) >= {'keypoints', 'keypoint_scores', 'bbox',
                               'bbox_score'}


def test_topdown_video_frames_are_whole_image_boxes(pose_checkpoint,
                                                    tmp_path):
    result = _demo(VIDEO, '--pose2d', CAL_TINY_CONFIG, '--pose2d-weights',
                   pose_checkpoint, '--pred-out-dir', tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    frames = _predictions(tmp_path / 'street.json')
    assert [f['frame_id'] for f in frames] == [0, 1, 2, 3, 4]
    assert all(len(f['instances']) == 1 for f in frames)
    assert frames[0]['instances'][0]['bbox'][0] == [0, 0, 960, 540]


def test_topdown_with_an_rtmdet_tiny_detector(pose_checkpoint, tmp_path):
    """Ours and MMPose's topdown_demo_with_mmdet.py (CPU)."""
    detector = _save_model(RTMDET_TINY, tmp_path / 'rtmdet_tiny.pth', 'mmdet')
    result = _demo(IMAGE, '--pose2d', CAL_TINY_CONFIG, '--pose2d-weights',
                   pose_checkpoint, '--det-model', RTMDET_TINY,
                   '--det-weights', detector, '--pred-out-dir', tmp_path,
                   '--device', 'cpu')
    assert result.returncode == 0, result.stderr[-3000:]
    assert isinstance(_predictions(tmp_path / '000000197388.json'), list)
    result = run_script([
        osp.join(MMPOSE_DEMO, 'topdown_demo_with_mmdet.py'), RTMDET_TINY,
        detector, CAL_TINY_CONFIG, pose_checkpoint, '--input', IMAGE,
        '--output-root',
        str(tmp_path / 'mmpose'), '--save-predictions', '--device', 'cpu'
    ])
    assert result.returncode == 0, result.stderr[-3000:]
    assert osp.isfile(tmp_path / 'mmpose' / 'results_000000197388.json')


def test_bottomup_draws_pafs(openpose_tiny_run, tmp_path):
    checkpoint = openpose_tiny_run / 'epoch_400.pth'
    result = _demo(IMAGE, '--pose2d', OPENPOSE_TINY_CONFIG,
                   '--pose2d-weights', checkpoint, '--vis-out-dir', tmp_path,
                   '--pred-out-dir', tmp_path, '--draw-heatmap')
    assert result.returncode == 0, result.stderr[-3000:]
    persons = _predictions(tmp_path / '000000197388.json')
    # 5 annotated persons, trained on (any fragment scores lower)
    assert 3 <= sum(np.mean(p['keypoint_scores']) > 0.4
                    for p in persons) <= 8
    # the image over the maps: the visualizer's panel below the keypoints
    assert cv2.imread(str(tmp_path / '000000197388.jpg')).shape == (
        2 * 392, 640, 3)
    # MMPose's own bottom-up demo runs the config (and its visualizer)
    result = run_script([
        osp.join(MMPOSE_DEMO, 'bottomup_demo.py'), OPENPOSE_TINY_CONFIG,
        str(checkpoint), '--input', IMAGE, '--output-root',
        str(tmp_path / 'mmpose'), '--save-predictions', '--device', 'cpu',
        '--draw-heatmap'
    ])
    assert result.returncode == 0, result.stderr[-3000:]
    assert osp.isfile(tmp_path / 'mmpose' / 'results_000000197388.json')


def test_bad_input_names_the_fix(pose_checkpoint, tmp_path):
    result = _demo(IMAGE, '--pose2d', CAL_TINY_CONFIG, '--pose2d-weights',
                   pose_checkpoint, '--bboxes', '')
    assert result.returncode != 0
    assert 'is a top-down config: it needs person boxes' in result.stderr
    assert '--det-model DET_CONFIG --det-weights' in result.stderr
    assert '--bboxes COCO_RESULTS.json' in result.stderr

    result = _demo(IMAGE, '--pose2d', CAL_TINY_CONFIG, '--pose2d-weights',
                   pose_checkpoint, '--bboxes', tmp_path / 'none.json')
    assert result.returncode != 0
    assert 'none.json: no such file' in result.stderr

    bad = tmp_path / 'bad.json'
    bad.write_text(json.dumps([{'image_id': 1, 'bbox': [1, 2, 3]}]))
    result = _demo(IMAGE, '--pose2d', CAL_TINY_CONFIG, '--pose2d-weights',
                   pose_checkpoint, '--bboxes', bad)
    assert result.returncode != 0
    assert 'detection 0 needs "image_id" and a 4-number "bbox"' in \
        result.stderr

    result = _demo(tmp_path / 'nothing.jpg', '--pose2d', CAL_TINY_CONFIG,
                   '--pose2d-weights', pose_checkpoint)
    assert result.returncode != 0
    assert 'nothing.jpg: no such file' in result.stderr

    no_import = tmp_path / 'no_import.py'
    no_import.write_text(f'_base_ = [{CAL_TINY_CONFIG!r}]\n'
                         'custom_imports = None\n')
    result = _demo(IMAGE, '--pose2d', no_import, '--pose2d-weights',
                   pose_checkpoint)
    assert result.returncode != 0
    assert "custom_imports = dict(imports=['mmpose_ext']" in result.stderr



def test_unreadable_images_are_named_and_skipped(pose_checkpoint, tmp_path):
    """A folder with a readable image, a broken one and a text file: the
    broken image is named and skipped, the good one is processed; given
    alone, the broken image stops the run with its name."""
    import shutil
    folder = tmp_path / 'images'
    folder.mkdir()
    shutil.copy(IMAGE, folder / '000000197388.jpg')
    (folder / 'broken.jpg').write_bytes(b'not a jpeg at all')
    (folder / 'notes.txt').write_text('not an image')
    out = tmp_path / 'out'
    result = _demo(folder, '--pose2d', CAL_TINY_CONFIG, '--pose2d-weights',
                   pose_checkpoint, '--pred-out-dir', out)
    assert result.returncode == 0, result.stderr[-3000:]
    assert f'{folder / "broken.jpg"}: not a readable image, skipped' in \
        result.stderr
    assert 'notes.txt' not in result.stderr
    assert len(_predictions(out / '000000197388.json')) == 5
    assert not osp.exists(out / 'broken.json')

    result = _demo(folder / 'broken.jpg', '--pose2d', CAL_TINY_CONFIG,
                   '--pose2d-weights', pose_checkpoint)
    assert result.returncode != 0
    assert 'broken.jpg: no readable image' in result.stderr
