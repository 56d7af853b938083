# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""RandomStateHook: every rank's generators round-trip through a weights-only
load and are restored in ``before_train`` (after MMEngine's reseeding); each
rank restores its own; fewer, more and no saved ranks; dataloader workers
seeded per epoch; the real Runner resumed with two workers and no seed."""
import io
import os.path as osp
import random
import re
from types import SimpleNamespace
from unittest import mock

import pytest

import numpy as np
import torch

from mmpose_ext.engine import safe_torch_load
from mmpose_ext.engine.hooks import RandomStateHook
from mmpose_ext.engine.hooks.random_state_hook import (generator_states,
                                                       set_generator_states)

from ...conftest import REPO, SAMPLE_CONFIG, run_tool, train_args

HOOK = 'mmpose_ext.engine.hooks.random_state_hook'


def _draws():
    return random.random(), np.random.rand(), torch.rand(1).item()


def _runner(num_workers=0):
    """What the hook reads of a runner in ``before_train``."""
    loader = SimpleNamespace(num_workers=num_workers, dataset=None)
    return SimpleNamespace(train_loop=SimpleNamespace(dataloader=loader),
                           train_dataloader=loader)


def _resume(hook, checkpoint):
    """As ``Runner.train`` does: load (``after_load_checkpoint``), reseed
    (``Runner.resume`` without a configured seed), then ``before_train``."""
    runner = _runner()
    hook.after_load_checkpoint(runner, checkpoint)
    random.seed(7), np.random.seed(7), torch.manual_seed(7)  # the reseeding
    hook.before_train(runner)


def _weights_only_copy(checkpoint):
    buffer = io.BytesIO()
    torch.save(checkpoint, buffer)
    buffer.seek(0)
    return safe_torch_load(buffer)


def test_states_survive_a_checkpoint():
    hook = RandomStateHook()
    random.seed(1), np.random.seed(2), torch.manual_seed(3)
    checkpoint = {'meta': {}}
    hook.before_save_checkpoint(None, checkpoint)
    expected = _draws()
    loaded = _weights_only_copy(checkpoint)
    assert len(loaded['meta']['random_states']['ranks']) == 1
    random.seed(9), np.random.seed(9), torch.manual_seed(9)  # move away
    _resume(hook, loaded)
    assert _draws() == expected


def _two_rank_checkpoint():
    """A checkpoint as rank 0 of a 2-process run writes it: rank 1's states
    arrive through the gather."""
    hook = RandomStateHook()
    random.seed(11), np.random.seed(11), torch.manual_seed(11)
    rank1 = generator_states()
    rank1_draws = _draws()
    random.seed(10), np.random.seed(10), torch.manual_seed(10)
    with mock.patch(f'{HOOK}.get_world_size', return_value=2), \
            mock.patch(f'{HOOK}.all_gather_object',
                       return_value=[generator_states(), rank1]):
        hook.after_val_epoch(None)
    checkpoint = {'meta': {}}
    hook.before_save_checkpoint(None, checkpoint)
    rank0_draws = _draws()
    return _weights_only_copy(checkpoint), rank0_draws, rank1_draws


def test_each_rank_restores_its_own_states():
    checkpoint, rank0_draws, rank1_draws = _two_rank_checkpoint()
    assert len(checkpoint['meta']['random_states']['ranks']) == 2
    for rank, expected in ((0, rank0_draws), (1, rank1_draws)):
        random.seed(9), np.random.seed(9), torch.manual_seed(9)
        with mock.patch(f'{HOOK}.get_rank', return_value=rank):
            _resume(RandomStateHook(), checkpoint)
        assert _draws() == expected, rank


def test_a_rank_the_checkpoint_does_not_know_keeps_its_seed_and_warns():
    checkpoint, _, _ = _two_rank_checkpoint()
    np.random.seed(5)
    before = np.random.get_state()[1].copy()
    with mock.patch(f'{HOOK}.get_rank', return_value=2), \
            mock.patch(f'{HOOK}.print_log') as log:
        hook = RandomStateHook()
        hook.after_load_checkpoint(_runner(), checkpoint)
        hook.before_train(_runner())
    assert (np.random.get_state()[1] == before).all()
    assert 'rank 2 has no saved generator states' in log.call_args[0][0]


def test_checkpoints_without_states_resume_with_a_warning():
    np.random.seed(5)
    before = np.random.get_state()[1].copy()
    with mock.patch(f'{HOOK}.print_log') as log:
        hook = RandomStateHook()
        hook.after_load_checkpoint(_runner(), {'meta': {}})
        hook.before_train(_runner())
    assert (np.random.get_state()[1] == before).all()
    assert log.call_count == 1
    assert 'no random generator states' in log.call_args[0][0]


def test_older_flat_states_restore_on_rank_0():
    random.seed(4), np.random.seed(4), torch.manual_seed(4)
    old = {'meta': {'random_states': generator_states()}}
    expected = _draws()
    random.seed(9), np.random.seed(9), torch.manual_seed(9)
    _resume(RandomStateHook(), _weights_only_copy(old))
    assert _draws() == expected


def test_states_of_any_dtype_and_device_restore_as_cpu_bytes():
    """``Runner.resume`` maps a checkpoint to the training device, so the
    torch states arrive as CUDA tensors there (pytest -m gpu checks that
    case on a GPU); here: a state that is not a CPU ByteTensor (int64, as a
    conversion gives) restores as the CPU bytes torch's setter takes."""
    torch.manual_seed(3)
    states = generator_states()
    expected = torch.rand(3)
    states['torch'] = states['torch'].long()
    torch.manual_seed(9)
    set_generator_states(states)
    assert torch.equal(torch.rand(3), expected)


def test_an_older_checkpoint_with_workers_warns_once():
    random.seed(4), np.random.seed(4), torch.manual_seed(4)
    old = {'meta': {'random_states': {'ranks': [generator_states()]}}}
    with mock.patch(f'{HOOK}.print_log') as log:
        RandomStateHook().after_load_checkpoint(_runner(num_workers=2), old)
    assert log.call_count == 1
    assert 'older version' in log.call_args[0][0]


LOSS = re.compile(
    r'Epoch\(train\)\s+\[(\d+)\]\[(\d+)/\d+\].*? loss: ([0-9.e+-]+)')


@pytest.mark.parametrize('persistent', [False, True])
def test_resume_with_workers_and_no_seed_continues_the_run(
        tmp_path, persistent):
    """tools/train.py with two dataloader workers and no configured seed:
    a run resumed from its epoch-2 checkpoint logs the losses the
    uninterrupted run logged in epochs 3 and 4 (the workers' augmentations
    and the main process's generators both continue)."""
    def run(work_dir, *extra):
        args = train_args(work_dir, 4, *extra)
        args[args.index('randomness.seed=0')] = 'randomness.seed=None'
        args += ['train_dataloader.batch_size=4',
                 'train_dataloader.num_workers=2',
                 f'train_dataloader.persistent_workers={persistent}',
                 'default_hooks.logger.interval=1']
        result = run_tool(args, env=dict(PYTHONUNBUFFERED='1'))
        assert result.returncode == 0, result.stderr[-3000:]
        return {(int(e), int(i)): float(v)
                for e, i, v in LOSS.findall(result.stdout + result.stderr)}

    whole = run(tmp_path / 'whole')
    assert len(whole) == 12  # 4 epochs x 3 iterations
    resumed = run(tmp_path / 'resumed', '--resume',
                  str(tmp_path / 'whole' / 'epoch_2.pth'))
    assert sorted(resumed) == [(e, i) for e in (3, 4) for i in (1, 2, 3)]
    for key, value in resumed.items():
        assert value == pytest.approx(whole[key], rel=1e-5, abs=1e-7), key


ITER_LOSS = re.compile(r'Iter\(train\)\s+\[\s*(\d+)/\d+\].*? loss: ([0-9.e+-]+)')


def test_iteration_based_resume_with_workers_continues_the_run(tmp_path):
    """The paper OpenPose configs' loop (IterBasedTrainLoop), two persistent
    workers, no seed: resumed from iteration 4 of 9 (3 per dataloader epoch,
    so the replay crosses an epoch), the losses of iterations 5-9 are the
    uninterrupted run's."""
    config = tmp_path / 'iteration_based.py'
    config.write_text(
        f"_base_ = [{SAMPLE_CONFIG!r}]\n"
        "randomness = dict(seed=None)\n"
        "train_cfg = dict(_delete_=True, type='IterBasedTrainLoop',\n"
        "                 max_iters=9, val_interval=100)\n"
        "param_scheduler = []\n"
        "log_processor = dict(by_epoch=False)\n"
        "train_dataloader = dict(batch_size=4, num_workers=2,\n"
        "                        persistent_workers=True)\n"
        "default_hooks = dict(\n"
        "    logger=dict(interval=1),\n"
        "    checkpoint=dict(by_epoch=False, interval=4, save_last=False))\n")

    def run(work_dir, *extra):
        result = run_tool([osp.join(REPO, 'tools/train.py'), str(config),
                           '--work-dir', str(work_dir), '--no-validate',
                           *extra], env=dict(PYTHONUNBUFFERED='1'))
        assert result.returncode == 0, result.stderr[-3000:]
        return {int(i): float(v) for i, v in ITER_LOSS.findall(
            result.stdout + result.stderr)}

    whole = run(tmp_path / 'whole')
    assert sorted(whole) == list(range(1, 10))
    resumed = run(tmp_path / 'resumed', '--resume',
                  str(tmp_path / 'whole' / 'iter_4.pth'))
    assert sorted(resumed) == list(range(5, 10))
    for key, value in resumed.items():
        assert value == pytest.approx(whole[key], rel=1e-5, abs=1e-7), key
