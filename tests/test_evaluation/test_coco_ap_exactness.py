# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""The COCO AP a test run reports is what xtcocotools' COCOeval computes from
the same result file, to 1e-9 (on the suite's trained bottom-up run, whose
persons the network finds and groups itself)."""
import json
import os.path as osp

import numpy as np
from mmpose.datasets.datasets.utils import parse_pose_metainfo
from xtcocotools.coco import COCO
from xtcocotools.cocoeval import COCOeval

from ..conftest import COCO_MINI, OPENPOSE_TINY_CONFIG, REPO, run_tool


def test_reported_ap_equals_cocoeval_on_the_result_file(
        openpose_tiny_run, tmp_path):
    metrics_file = tmp_path / 'metrics.json'
    prefix = tmp_path / 'results'
    tested = run_tool([
        osp.join(REPO, 'tools/test.py'), OPENPOSE_TINY_CONFIG,
        str(openpose_tiny_run / 'epoch_400.pth'), '--work-dir',
        str(tmp_path), '--out',
        str(metrics_file), '--cfg-options',
        f'test_evaluator.outfile_prefix={prefix}'
    ])
    assert tested.returncode == 0, tested.stderr[-3000:]
    reported = json.loads(metrics_file.read_text())

    ground_truth = COCO(osp.join(COCO_MINI, 'person_keypoints.json'))
    detections = ground_truth.loadRes(f'{prefix}.keypoints.json')
    sigmas = parse_pose_metainfo(
        dict(from_file='configs/_base_/datasets/coco.py'))['sigmas']
    evaluation = COCOeval(ground_truth, detections, 'keypoints', sigmas, True)
    evaluation.params.useSegm = None
    evaluation.evaluate()
    evaluation.accumulate()
    evaluation.summarize()
    names = ['AP', 'AP .5', 'AP .75', 'AP (M)', 'AP (L)', 'AR', 'AR .5',
             'AR .75', 'AR (M)', 'AR (L)']
    assert reported['coco/AP'] > 0  # a non-trivial comparison
    for name, value in zip(names, evaluation.stats):
        assert abs(reported[f'coco/{name}'] - value) <= 1e-9, name
    assert np.isfinite(evaluation.stats).all()
