# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""Bottom-up OpenPose configs: every one builds with the paper's channel
counts, and the tiny config learns the bundled sample."""
import glob
import json
import os.path as osp

import pytest
from mmengine.config import Config
from mmpose.registry import MODELS

from ..conftest import REPO

CONFIGS = sorted(glob.glob(osp.join(REPO, 'configs/openpose/coco/*.py')))


def test_the_paper_rows_are_there():
    names = {osp.basename(p) for p in CONFIGS}
    for name in ('openpose_vgg19_2xb5-600kit_coco-368x368.py',
                 'openpose-rie_vgg19_2xb5-600kit_coco-368x368.py',
                 'openpose_vgg19-fd16_2xb5-600kit_coco-368x368.py',
                 'openpose-rie_vgg19-fd16_2xb5-600kit_coco-368x368.py'):
        assert name in names


@pytest.mark.parametrize('path', CONFIGS, ids=osp.basename)
def test_config_builds_with_consistent_codec(path):
    cfg = Config.fromfile(path)
    head = cfg.model.head
    rie = 'rie' in osp.basename(path)
    fd = 16 if 'fd16' in osp.basename(path) else 8
    assert head.with_block_offsets == rie == head.decoder.with_block_offsets
    (encoder, ) = [t['encoder'] for t in cfg.train_pipeline
                   if t['type'] == 'GenerateTarget']
    assert encoder == head.decoder
    assert encoder['input_size'][0] // encoder['heatmap_size'][0] == fd
    assert cfg.model.backbone.output_stride == fd
    assert 'skeleton_links' in cfg.val_pipeline[-1]['meta_keys'] or \
        'skeleton_links' in cfg.val_dataloader.dataset.pipeline[-1][
            'meta_keys']
    if 'sample' not in path:
        assert cfg.model.test_cfg.scales == [1.0, 0.5, 1.5, 2.0]
        assert cfg.model.backbone.init_cfg.checkpoint == 'torchvision://vgg19'
        cfg.model.backbone.init_cfg = None
    model = MODELS.build(cfg.model)
    assert model.head.num_stages == (6 if 'sample' not in path else 3)


def test_tiny_config_learns_the_bundled_sample(openpose_tiny_run):
    """The issue's learning target: AP >= 0.6 on the sample it trains on."""
    (scalars, ) = glob.glob(str(openpose_tiny_run / '*/vis_data/scalars.json'))
    with open(scalars) as f:
        records = [json.loads(line) for line in f]
    final = [r for r in records if 'coco/AP' in r][-1]
    print(f"tiny OpenPose + RIE on the bundled sample: AP {final['coco/AP']}")
    assert final['coco/AP'] >= 0.6
    losses = [r['loss'] for r in records if 'loss' in r]
    assert losses[-1] < 0.5 * losses[0]
