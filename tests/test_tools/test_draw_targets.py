# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""tools/analysis_tools/draw_targets.py: the PNGs of every target field of
a codec, over the real sample image, and a checkpoint's predicted maps, drawn
by the PartAffinityFieldVisualizer (no codec-type switch)."""
import os.path as osp

import cv2
import torch
from mmengine.config import Config
from mmpose.registry import MODELS

from ..conftest import CAL_TINY_CONFIG, REPO, run_script

TOOL = osp.join(REPO, 'tools/analysis_tools/draw_targets.py')
OPENPOSE_ALL_LOSSES = osp.join(
    REPO, 'configs/openpose/coco/'
    'openpose-rie-kl-salm-pdd_vgg-tiny_1xb4-500e_coco-sample-256x256.py')


def _pngs(folder, names, size):
    for name in names:
        image = cv2.imread(str(folder / name))
        assert image is not None, name
        assert image.shape[:2] == size, name


def test_paf_targets_of_a_real_image(tmp_path):
    result = run_script(
        [TOOL, OPENPOSE_ALL_LOSSES, '--index', '3', '--output-dir',
         str(tmp_path)])
    assert result.returncode == 0, result.stderr[-3000:]
    names = ('input.png', 'heatmaps.png', 'pafs.png', 'limb_attention.png',
             'offsets.png')
    _pngs(tmp_path, names, (256, 256))
    assert '5 PNG files' in result.stdout
    # the drawings differ from the bare input where the targets are
    bare = cv2.imread(str(tmp_path / 'input.png')).astype(int)
    for name in names[1:]:
        drawn = cv2.imread(str(tmp_path / name)).astype(int)
        assert (abs(drawn - bare).sum(axis=2) > 30).mean() > 0.001, name


def test_cal_targets_predictions_and_mixture_mask(tmp_path):
    cfg = Config.fromfile(CAL_TINY_CONFIG)
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    checkpoint = tmp_path / 'cal.pth'
    torch.save(dict(state_dict=model.state_dict()), checkpoint)
    result = run_script([
        TOOL, CAL_TINY_CONFIG, '--checkpoint',
        str(checkpoint), '--output-dir',
        str(tmp_path / 'out')
    ])
    assert result.returncode == 0, result.stderr[-3000:]
    _pngs(tmp_path / 'out', ('input.png', 'heatmaps.png', 'offsets.png',
                             'pred_heatmaps.png', 'pred_offsets.png',
                             'mixture_mask.png'), (128, 96))
    assert '6 PNG files' in result.stdout
    missing = run_script([
        TOOL, CAL_TINY_CONFIG, '--checkpoint',
        str(tmp_path / 'none.pth')
    ])
    assert missing.returncode != 0
    assert 'none.pth: no such file' in missing.stderr
