# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""The bottom-up demo (ours and MMPose's own) on the bundled image and video
with a checkpoint of the tiny OpenPose config."""
import json
import os.path as osp

import mmpose
import numpy as np
import pytest

from ..conftest import OPENPOSE_TINY_CONFIG, REPO, run_script

DEMO = osp.join(REPO, 'demo/bottomup_demo.py')
IMAGE = osp.join(REPO, 'demo/resources/000000197388.jpg')
VIDEO = osp.join(REPO, 'demo/resources/street.mp4')


def test_image_writes_visualisation_and_predictions(openpose_tiny_run,
                                                     tmp_path):
    result = run_script([
        DEMO, OPENPOSE_TINY_CONFIG,
        str(openpose_tiny_run / 'epoch_400.pth'), '--input', IMAGE,
        '--output-root',
        str(tmp_path), '--save-predictions'
    ])
    assert result.returncode == 0, result.stderr[-3000:]
    assert osp.getsize(tmp_path / '000000197388.jpg') > 10000
    with open(tmp_path / 'results_000000197388.json') as f:
        (frame, ) = json.load(f)['instance_info']
    # the image it was trained on shows 5 annotated persons
    assert 3 <= len(frame['instances']) <= 8
    for person in frame['instances']:
        assert np.array(person['keypoints']).shape == (17, 2)


def test_video_writes_every_frame(openpose_tiny_run, tmp_path):
    result = run_script([
        DEMO, OPENPOSE_TINY_CONFIG,
        str(openpose_tiny_run / 'epoch_400.pth'), '--input', VIDEO,
        '--output-root',
        str(tmp_path), '--save-predictions'
    ])
    assert result.returncode == 0, result.stderr[-3000:]
    with open(tmp_path / 'results_street.json') as f:
        frames = json.load(f)['instance_info']
    assert [f['frame_id'] for f in frames] == [0, 1, 2, 3, 4]
    import cv2
    cap = cv2.VideoCapture(str(tmp_path / 'street.mp4'))
    assert int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) == 5


@pytest.mark.parametrize('case,message', [
    ('missing', 'no such file'),
    ('empty_video', 'cannot open video'),
    ('topdown', 'not a bottom-up config'),
])
def test_bad_input_names_the_problem(case, message, openpose_tiny_run,
                                     tmp_path):
    config, source = OPENPOSE_TINY_CONFIG, VIDEO
    if case == 'missing':
        source = str(tmp_path / 'nothing.mp4')
    elif case == 'empty_video':
        source = str(tmp_path / 'empty.mp4')
        open(source, 'wb').close()
    else:
        config = osp.join(REPO, 'configs/baselines/coco/'
                          'td-hm_res18_1xb16-300e_coco-sample-128x96.py')
    result = run_script([
        DEMO, config,
        str(openpose_tiny_run / 'epoch_400.pth'), '--input', source,
        '--output-root',
        str(tmp_path / 'out')
    ])
    assert result.returncode != 0
    assert message in result.stderr


def test_mmpose_own_bottomup_demo_runs_our_config(openpose_tiny_run,
                                                  tmp_path):
    demo = osp.join(osp.dirname(mmpose.__file__), '.mim/demo/bottomup_demo.py')
    result = run_script([
        demo, OPENPOSE_TINY_CONFIG,
        str(openpose_tiny_run / 'epoch_400.pth'), '--input', IMAGE,
        '--output-root',
        str(tmp_path), '--save-predictions', '--device', 'cpu'
    ])
    assert result.returncode == 0, result.stderr[-3000:]
    with open(tmp_path / 'results_000000197388.json') as f:
        instances = json.load(f)['instance_info']
    assert len(instances) >= 3
