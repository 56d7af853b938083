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


AE_TINY_CONFIG = osp.join(
    REPO, 'configs/enhancenet/coco/'
    'ae_hrnet-tiny_enhancenet-1xb4-1000e_coco-sample-256x256.py')


def test_ae_tiny_config_trains_and_evaluates(tmp_path):
    """tools/train.py: η·L^HR goes down over 60 steps; the run ends with
    CocoMetric on the sample.

    The criterion's margin, measured on 2 Intel cores (torch 2.13, OpenBLAS)
    as the mean of the last 5 logged values over the first 5: 0.79 and 0.80
    with seeds 0 and 1; 0.976 for the control with lr = 0 (what the
    augmentation alone changes). After 30 steps it was 0.89-0.90 here and
    0.913 on an AMD EPYC machine, too close to a 0.9 threshold; 60 steps
    leave 0.1 either side of it."""
    import re
    result = run_tool([
        osp.join(REPO, 'tools/train.py'), AE_TINY_CONFIG, '--work-dir',
        str(tmp_path), '--cfg-options', 'train_cfg.max_epochs=60',
        'train_cfg.val_interval=60', 'default_hooks.logger.interval=1'
    ])
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-3000:]
    losses = [float(v) for v in re.findall(r'loss_kpt_hr: ([0-9.e+-]+)',
                                           log)]
    assert len(losses) == 60
    assert sum(losses[-5:]) < 0.9 * sum(losses[:5])
    assert re.search(r'coco/AP: [0-9.]+', log)


def test_ae_coco_config_has_a_training_path():
    """MMPose ships AE with train_pipeline = []; the EnhanceNet config adds
    one: a real batch of the sample through it gives finite losses."""
    from ..test_engine.ddp_gradient_worker import real_batch
    cfg = Config.fromfile(AE_CONFIG)
    init_default_scope('mmpose')
    cfg.train_dataloader.dataset.update(
        data_root=COCO_MINI, ann_file='person_keypoints.json',
        data_prefix=dict(img='images/'))
    cfg.model.backbone.init_cfg = None  # no download
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()
    data = model.data_preprocessor(real_batch(cfg, 2), training=True)
    losses = model(data['inputs'], data['data_samples'], mode='loss')
    assert set(losses) == {'loss_kpt', 'loss_kpt_hr', 'loss_pull',
                           'loss_push'}
    assert all(torch.isfinite(v) for v in losses.values())
    assert data['data_samples'][0].gt_fields[1].heatmaps.shape == (17, 512,
                                                                     512)
