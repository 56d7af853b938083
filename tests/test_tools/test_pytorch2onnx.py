# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""ONNX export of every top-down method: onnxruntime gives the PyTorch
keypoints within 1e-3 px on the bundled demo image."""
import os.path as osp
import re

import pytest

from ..conftest import OPENPOSE_TINY_CONFIG, REPO, run_script, run_tool

TOPDOWN_CONFIGS = {
    'cal': 'configs/cal/coco/td-cal_hrnet-tiny_1xb16-300e_coco-sample-128x96.py',
    'enhancenet': 'configs/enhancenet/coco/'
    'td-hm_res18_enhancenet-1xb16-300e_coco-sample-128x96.py',
    'fr_sbn': 'configs/fr_sbn/coco/td-hm_res18_fr-sbn-1xb16-300e_coco-sample-'
    '128x96.py',
}


@pytest.mark.parametrize('method', sorted(TOPDOWN_CONFIGS))
def test_export_matches_pytorch_within_a_thousandth_pixel(method, tmp_path):
    config = osp.join(REPO, TOPDOWN_CONFIGS[method])
    # a short training, so the maps have peaks to decode (5 steps: the
    # keypoints then agree exactly, 0.00 px; map differences ~1e-9)
    trained = run_tool([
        osp.join(REPO, 'tools/train.py'), config, '--work-dir',
        str(tmp_path), '--no-validate', '--cfg-options',
        'train_cfg.max_epochs=5', 'default_hooks.checkpoint.interval=5'
    ])
    assert trained.returncode == 0, trained.stderr[-3000:]
    onnx_file = tmp_path / 'model.onnx'
    result = run_script([
        osp.join(REPO, 'tools/deployment/pytorch2onnx.py'), config,
        str(tmp_path / 'epoch_5.pth'), '--output',
        str(onnx_file)
    ])
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert onnx_file.stat().st_size > 10000
    error = float(
        re.search(r'largest keypoint difference (\S+) px',
                  result.stdout).group(1))
    assert error <= 1e-3


def test_bottomup_and_missing_files_are_refused(tmp_path):
    result = run_script([
        osp.join(REPO, 'tools/deployment/pytorch2onnx.py'),
        OPENPOSE_TINY_CONFIG,
        str(tmp_path / 'missing.pth')
    ])
    assert result.returncode != 0 and 'no checkpoint at' in result.stderr
    fake = tmp_path / 'fake.pth'
    fake.write_bytes(b'not used')
    result = run_script([
        osp.join(REPO, 'tools/deployment/pytorch2onnx.py'),
        OPENPOSE_TINY_CONFIG,
        str(fake)
    ])
    assert result.returncode != 0
    assert 'exports top-down models' in result.stderr
