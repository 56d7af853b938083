# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""EnhanceNet on Associative Embedding: the COCO config evaluates with
tools/test.py (MMPose's CocoMetric) on the bundled sample."""
import json
import os.path as osp

import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.runner import save_checkpoint
from mmpose.registry import MODELS

from ..conftest import COCO_MINI, REPO, run_tool

AE_CONFIG = osp.join(
    REPO, 'configs/enhancenet/coco/'
    'ae_hrnet-w32_enhancenet-8xb24-300e_coco-512x512.py')


def test_ae_config_enhances_the_detection_branch_only():
    cfg = Config.fromfile(AE_CONFIG)
    init_default_scope('mmpose')
    model = MODELS.build(cfg.model).eval()
    with torch.no_grad():
        heatmaps, tags = model._forward(torch.rand(1, 3, 256, 256))
    # 17 detection maps super-resolved 4x (64 -> 256), 17 tags resized
    assert heatmaps.shape == (1, 17, 256, 256)
    assert tags.shape == (1, 17, 256, 256)
    assert cfg.model.head.decoder.heatmap_size == (512, 512)
    assert cfg.model.test_cfg.restore_heatmap_size


def test_ae_config_evaluates_on_the_bundled_sample(tmp_path):
    cfg = Config.fromfile(AE_CONFIG)
    init_default_scope('mmpose')
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    checkpoint = str(tmp_path / 'ae_enhancenet_init.pth')
    save_checkpoint({'state_dict': model.state_dict()}, checkpoint)
    ann = osp.join(COCO_MINI, 'person_keypoints.json')
    out = tmp_path / 'metrics.json'
    result = run_tool([
        osp.join(REPO, 'tools/test.py'), AE_CONFIG, checkpoint,
        '--work-dir', str(tmp_path), '--out', str(out), '--cfg-options',
        f'test_dataloader.dataset.data_root={COCO_MINI}',
        'test_dataloader.dataset.ann_file=person_keypoints.json',
        'test_dataloader.dataset.data_prefix.img=images/',
        'test_dataloader.num_workers=0',
        'test_dataloader.persistent_workers=False',
        f'test_evaluator.ann_file={ann}'
    ])
    assert result.returncode == 0, result.stderr[-3000:]
    metrics = json.loads(out.read_text())
    # an untrained network: the numbers say evaluation ran end to end
    assert 0.0 <= metrics['coco/AP'] <= 1.0
    assert 'coco/AR' in metrics
