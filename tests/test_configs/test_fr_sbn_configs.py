# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""FR-SBN's configs: full-resolution targets with the paper's σ, one codec
shared by targets and decoder, and the Table 1 switches."""
import glob
import os.path as osp

import pytest

from mmpose_ext.utils import load_config

from ..conftest import REPO

CONFIGS = sorted(glob.glob(osp.join(REPO, 'configs/fr_sbn/coco/*.py')))


@pytest.mark.parametrize('path', CONFIGS, ids=osp.basename)
def test_full_resolution_configs(path):
    cfg = load_config(path)
    codec = cfg.codec
    assert cfg.model.head.decoder == codec
    targets = [t['encoder'] for t in cfg.train_dataloader.dataset.pipeline
               if t['type'] == 'GenerateTarget']
    assert targets == [codec]
    if '_sbn-' in path:  # SimpleBaseline row: stride 4, sigma 2
        assert codec['heatmap_size'] == (48, 64) and codec['sigma'] == 2
        return
    assert codec['heatmap_size'] == codec['input_size']
    width = codec['input_size'][0]
    assert codec['sigma'] == {96: 4, 192: 8, 288: 12}[width]
    assert cfg.model.neck.input_size == codec['input_size']
    assert cfg.model.test_cfg.shift_heatmap is False


def test_table1_switches():
    def neck(tag):
        name = f'td-hm_res34_{tag}-8xb32-140e_coco-256x192.py'
        cfg = load_config(osp.join(REPO, 'configs/fr_sbn/coco', name))
        return cfg.model.backbone.type, cfg.model.neck

    backbone, plain = neck('fr-sbn-plain')
    assert backbone == 'ResNet' and not plain.decoder_context \
        and plain.fusion is None
    backbone, gcb = neck('fr-sbn-gcb')
    assert backbone == 'ContextResNet' and gcb.decoder_context \
        and gcb.fusion is None
    assert neck('fr-sbn-gcb-skip')[1].fusion == 'skip'
    assert neck('fr-sbn')[1].fusion == 'sa-mfcd'
