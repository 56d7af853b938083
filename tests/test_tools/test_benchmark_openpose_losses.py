# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""tools/analysis/benchmark_openpose_losses.py: the schedule of the learning
comparison (the trainings themselves take minutes: run the script)."""
import argparse
import importlib.util
import os.path as osp

import pytest
from mmengine.config import Config, DictAction

from ..conftest import REPO

TOOL = osp.join(REPO, 'tools/analysis/benchmark_openpose_losses.py')


@pytest.fixture(scope='module')
def tool():
    spec = importlib.util.spec_from_file_location('benchmark_losses', TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def schedule(tool, name, epochs):
    """train_cfg and LR decay of a tiny config with the --epochs options
    applied the way tools/train.py applies --cfg-options."""
    cfg = Config.fromfile(tool.CONFIGS + name)
    parser = argparse.ArgumentParser()
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    args = parser.parse_args(['--cfg-options', *tool.schedule_options(epochs)])
    cfg.merge_from_dict(args.cfg_options)
    decay = cfg.param_scheduler[1]
    return (cfg.train_cfg.max_epochs, cfg.train_cfg.val_interval, decay.end,
            list(decay.milestones))


@pytest.mark.parametrize('name', ['TINY_PLAIN', 'TINY_ALL'])
def test_500_epochs_reproduce_the_configs_schedule(tool, name):
    cfg = Config.fromfile(tool.CONFIGS + getattr(tool, name))
    decay = cfg.param_scheduler[1]
    assert decay.type == 'MultiStepLR'
    assert schedule(tool, getattr(tool, name), 500) == (
        cfg.train_cfg.max_epochs, cfg.train_cfg.val_interval, decay.end,
        list(decay.milestones))


def test_longer_schedule_keeps_the_decays_at_the_same_fractions(tool):
    assert schedule(tool, tool.TINY_ALL, 1000) == (1000, 1000, 1000,
                                                   [800, 940])
