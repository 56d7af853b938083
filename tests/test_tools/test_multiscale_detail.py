# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""tools/analysis_tools/multiscale_detail.py on the bundled images: the
paper configs' largest test scale is the image at that scale (it adds
detail over the scale-1 input); an upsample of the 368-high input, what the
estimator did before, adds none."""
import os.path as osp
import re

from ..conftest import REPO, run_script

TOOL = osp.join(REPO, 'tools/analysis_tools/multiscale_detail.py')
BASELINE = osp.join(
    REPO, 'configs/openpose/coco/openpose_vgg19_2xb5-600kit_coco-368x368.py')


def _median(result):
    assert result.returncode == 0, result.stderr[-3000:]
    return float(re.search(r'median detail ratio ([0-9.]+)',
                           result.stdout).group(1))


def test_the_largest_scale_adds_detail(tmp_path):
    assert _median(run_script([TOOL, BASELINE])) >= 0.03
    # the input made at scale 1 and upsampled to the larger scales
    upsampled = tmp_path / 'upsampled.py'
    upsampled.write_text(
        f'_base_ = [{BASELINE!r}]\n'
        'model = dict(test_cfg=dict(input_scale=1.0))\n'
        'test_dataloader = dict(dataset=dict(pipeline=[\n'
        "    dict(type='LoadImage'),\n"
        "    dict(type='BottomupResizeByHeight', input_size=(368, 368),\n"
        '         size_factor=8),\n'
        "    dict(type='PackPoseInputs', meta_keys={{_base_."
        'bottomup_val_meta_keys}})]))\n')
    assert _median(run_script([TOOL, str(upsampled)])) < 0.01
