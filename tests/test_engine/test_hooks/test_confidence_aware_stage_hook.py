# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""The stage switches on schedule, is saved in checkpoints and is restored
when a run resumes."""
import math
import re
import shutil

import pytest

from mmpose_ext.engine import safe_torch_load
from mmpose_ext.engine.hooks import ConfidenceAwareStageHook

from ...conftest import CAL_TINY_CONFIG, REPO, run_tool

STAGE = 'head.loss_module.stage'


def _train(work_dir, max_epochs, *extra):
    return run_tool([
        f'{REPO}/tools/train.py', CAL_TINY_CONFIG, '--work-dir',
        str(work_dir), '--no-validate', *extra, '--cfg-options',
        f'train_cfg.max_epochs={max_epochs}', 'custom_hooks.1.switch_epoch=2',
        'default_hooks.checkpoint.interval=1',
        'default_hooks.checkpoint.max_keep_ckpts=5',
        'default_hooks.logger.interval=1', 'train_dataloader.batch_size=6'
    ])


def _losses(log):
    return [float(v) for v in re.findall(r' loss: ([0-9.e+-]+)', log)]


def test_stage_switches_saves_and_resumes(tmp_path):
    result = _train(tmp_path, 3)
    assert result.returncode == 0, result.stderr[-3000:]
    log = result.stdout + result.stderr
    assert 'stage 1 -> 2 at epoch 3' in log
    stages = [int(safe_torch_load(str(tmp_path / f'epoch_{e}.pth'))
                  ['state_dict'][STAGE]) for e in (1, 2, 3)]
    assert stages == [1, 1, 2]
    losses = _losses(log)
    assert losses and all(math.isfinite(v) for v in losses)

    # resume after epoch 2: the run goes on into stage 2 on schedule
    resumed = tmp_path / 'resumed'
    resumed.mkdir()
    shutil.copy(tmp_path / 'epoch_2.pth', resumed / 'epoch_2.pth')
    (resumed / 'last_checkpoint').write_text(str(resumed / 'epoch_2.pth'))
    again = _train(resumed, 3, '--resume')
    assert again.returncode == 0, again.stderr[-3000:]
    assert 'stage 1 -> 2 at epoch 3' in again.stdout + again.stderr
    assert int(safe_torch_load(str(resumed / 'epoch_3.pth'))['state_dict']
               [STAGE]) == 2

    # resume in stage 2: it stays there, no switch back
    later = _train(tmp_path, 4, '--resume')
    assert later.returncode == 0, later.stderr[-3000:]
    assert 'stage 2 -> 1' not in later.stdout + later.stderr
    assert int(safe_torch_load(str(tmp_path / 'epoch_4.pth'))['state_dict']
               [STAGE]) == 2


def test_switch_epoch_must_not_be_negative():
    with pytest.raises(ValueError, match='switch_epoch'):
        ConfidenceAwareStageHook(switch_epoch=-1)
