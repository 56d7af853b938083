# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""CAL's configs share one codec between targets, decoder and loss."""
import glob
import os.path as osp

import pytest

from mmpose_ext.utils import check_types, load_config

from ..conftest import REPO

CONFIGS = sorted(glob.glob(osp.join(REPO, 'configs/cal/coco/*.py')))


@pytest.mark.parametrize('path', CONFIGS, ids=osp.basename)
def test_config_is_consistent(path):
    cfg = load_config(path)
    check_types(cfg)
    codec = cfg.codec
    assert cfg.model.head.decoder == codec
    assert cfg.model.head.loss.radius == codec['radius']
    targets = [t for t in cfg.train_dataloader.dataset.pipeline
               if t['type'] == 'GenerateTarget']
    assert [t['encoder'] for t in targets] == [codec]
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        affine = [t for t in cfg[loader].dataset.pipeline
                  if t['type'] == 'TopdownAffine']
        assert affine and affine[0]['input_size'] == codec['input_size']
        assert affine[0]['use_udp'] is True
    # GMM components: 1 up to 128x96, 2 above (ablations aside)
    if '_gmm' not in path:
        large = codec['input_size'][0] > 96
        assert cfg.model.head.loss.get('num_components', 1) == (2 if large
                                                                 else 1)
    hooks = [h['type'] for h in cfg.custom_hooks]
    assert ('ConfidenceAwareStageHook' in hooks) == ('one-stage' not in path)
