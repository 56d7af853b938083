# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""tools/analysis_tools/benchmark_openpose_losses.py: the schedule of the learning
comparison and which runs it trains (the trainings themselves take minutes:
run the script)."""
import argparse
import importlib.util
import json
import os.path as osp
from pathlib import Path

import pytest
from mmengine.config import Config, DictAction

from ..conftest import REPO

TOOL = osp.join(REPO, 'tools/analysis_tools/benchmark_openpose_losses.py')


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


def write_finished_run(work_dir, step):
    """The scalars.json of a run whose last evaluation was at ``step``."""
    log = work_dir / '20261121_101010' / 'vis_data' / 'scalars.json'
    log.parent.mkdir(parents=True)
    log.write_text(
        json.dumps({'lr': 1e-3, 'loss': 9., 'step': step}) + '\n' +
        json.dumps({'coco/AP': .9, 'time': .1, 'step': step}) + '\n')


def test_finished_runs_are_those_evaluated_at_the_requested_epochs(
        tool, tmp_path):
    assert not tool.finished(str(tmp_path / 'missing'), 1000)
    write_finished_run(tmp_path, 500)
    assert tool.finished(str(tmp_path), 500)
    assert not tool.finished(str(tmp_path), 1000)


def test_train_runs_trains_only_what_the_root_lacks(tool, tmp_path,
                                                    monkeypatch):
    # seed 0 of both configs finished earlier at 1000 epochs; seed 0 of the
    # plain config also has a 500-epoch run, which does not count
    for name in (tool.TINY_PLAIN, tool.TINY_ALL):
        write_finished_run(
            Path(tool.run_dir(str(tmp_path), name, 1000, 0)), 1000)
    write_finished_run(
        Path(tool.run_dir(str(tmp_path), tool.TINY_PLAIN, 500, 1)), 500)
    commands = []
    monkeypatch.setattr(tool.subprocess, 'run',
                        lambda command, **kwargs: commands.append(command))
    work_dirs = tool.train_runs(str(tmp_path), [0, 1], 1000)
    trained = [(osp.basename(c[2]), c[c.index('--work-dir') + 1])
               for c in commands]
    assert trained == [
        (tool.TINY_PLAIN, tool.run_dir(str(tmp_path), tool.TINY_PLAIN, 1000,
                                       1)),
        (tool.TINY_ALL, tool.run_dir(str(tmp_path), tool.TINY_ALL, 1000, 1)),
    ]
    # an interrupted run goes on from its last checkpoint
    assert all('--resume' in c and 'randomness.seed=1' in c for c in commands)
    assert work_dirs == {
        name: [tool.run_dir(str(tmp_path), name, 1000, seed)
               for seed in (0, 1)]
        for name in (tool.TINY_PLAIN, tool.TINY_ALL)
    }
