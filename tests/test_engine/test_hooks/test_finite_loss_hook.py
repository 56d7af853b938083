# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""FiniteLossHook stops on a NaN/inf loss term and names it."""
from types import SimpleNamespace

import pytest
import torch
from mmengine.logging import MessageHub

from mmpose_ext.engine.hooks import FiniteLossHook


def _runner(iteration, last_ckpt=None):
    hub = MessageHub.get_instance(f'finite_loss_hook_{iteration}_{last_ckpt}')
    if last_ckpt:
        hub.update_info('last_ckpt', last_ckpt)
    return SimpleNamespace(iter=iteration, epoch=2, message_hub=hub)


def test_finite_losses_pass():
    # acc_pose is not a loss term: NaN there does not stop the run
    assert FiniteLossHook().after_train_iter(
        _runner(5), 0,
        outputs=dict(loss=torch.tensor(0.5), loss_kpt=torch.tensor(0.5),
                     acc_pose=torch.tensor(float('nan')))) is None


@pytest.mark.parametrize('value', [float('nan'), float('inf'), -float('inf')])
def test_non_finite_term_stops_with_its_name(value):
    outputs = dict(loss=torch.tensor(1.0), loss_offset=torch.tensor(value))
    with pytest.raises(FloatingPointError) as err:
        FiniteLossHook().after_train_iter(
            _runner(41, '/work/epoch_3.pth'), 0, outputs=outputs)
    message = str(err.value)
    assert '"loss_offset"' in message
    assert 'iteration 42 (epoch 3)' in message
    assert '/work/epoch_3.pth' in message


def test_interval_skips_iterations():
    outputs = dict(loss=torch.tensor(float('nan')))
    FiniteLossHook(interval=10).after_train_iter(_runner(3), 0,
                                                 outputs=outputs)
    with pytest.raises(FloatingPointError):
        FiniteLossHook(interval=10).after_train_iter(_runner(9), 0,
                                                     outputs=outputs)
    with pytest.raises(ValueError, match='interval'):
        FiniteLossHook(interval=0)


def _amp_runner(iteration):
    """A runner whose optimizer wrapper is MMEngine's AmpOptimWrapper (built
    without CUDA: only its loss scaler is read)."""
    from mmengine.optim import AmpOptimWrapper
    wrapper = AmpOptimWrapper.__new__(AmpOptimWrapper)
    wrapper.loss_scaler = SimpleNamespace(is_enabled=lambda: True)
    runner = _runner(iteration)
    runner.optim_wrapper = wrapper
    return runner


def test_amp_skipped_step_is_left_alone_until_too_many_in_a_row():
    hook = FiniteLossHook(max_skipped_steps=3)
    nan = dict(loss=torch.tensor(float('nan')))
    finite = dict(loss=torch.tensor(0.5))
    for step in range(3):  # a one-off overflow, twice more
        hook.after_train_iter(_amp_runner(step), 0, outputs=nan)
    hook.after_train_iter(_amp_runner(3), 0, outputs=finite)  # resets
    for step in range(4, 7):
        hook.after_train_iter(_amp_runner(step), 0, outputs=nan)
    with pytest.raises(FloatingPointError, match='after 3 skipped AMP steps'):
        hook.after_train_iter(_amp_runner(7), 0, outputs=nan)


def test_without_amp_the_first_non_finite_step_stops():
    runner = _runner(1)
    runner.optim_wrapper = SimpleNamespace()  # a plain OptimWrapper
    with pytest.raises(FloatingPointError):
        FiniteLossHook().after_train_iter(
            runner, 0, outputs=dict(loss=torch.tensor(float('inf'))))
