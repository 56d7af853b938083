# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""FiniteLossHook stops on a NaN/inf loss term and names it; under a real
loss scaler only skipped steps are tolerated; two ranks decide together; a
real Runner never saves the non-finite iteration."""
import os.path as osp
from types import SimpleNamespace

import pytest
import torch
import torch.multiprocessing as mp
from mmengine.logging import MessageHub
from mmengine.model import BaseModel
from mmengine.optim import AmpOptimWrapper
from mmengine.runner import Runner

from mmpose_ext.engine.hooks import FiniteLossHook

from ...conftest import free_port


def _runner(iteration, last_ckpt=None, optim_wrapper=None):
    hub = MessageHub.get_instance(f'finite_loss_hook_{iteration}_{last_ckpt}')
    if last_ckpt:
        hub.update_info('last_ckpt', last_ckpt)
    return SimpleNamespace(iter=iteration, epoch=2, message_hub=hub,
                           optim_wrapper=optim_wrapper)


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


def _amp_wrapper():
    """MMEngine's AmpOptimWrapper with a real, enabled loss scaler on the
    CPU (torch.amp.GradScaler('cpu'); MMEngine builds a CUDA one) around SGD
    on one weight."""
    from unittest import mock
    weight = torch.nn.Parameter(torch.ones(2))
    # MMEngine refuses to build it without an accelerator
    with mock.patch('mmengine.optim.optimizer.amp_optimizer_wrapper.'
                    'is_cuda_available', return_value=True):
        wrapper = AmpOptimWrapper(
            optimizer=torch.optim.SGD([weight], lr=0.1))
    wrapper.loss_scaler = torch.amp.GradScaler('cpu', init_scale=2.0**8)
    assert wrapper.loss_scaler.is_enabled()
    return wrapper, weight


def _amp_iteration(hook, wrapper, weight, step, factor):
    """One real iteration: loss = factor * sum(weight); the scaler skips the
    step when the gradient is not finite."""
    runner = _runner(step, optim_wrapper=wrapper)
    hook.before_train_iter(runner, step)
    loss = factor * weight.sum()
    wrapper.update_params(loss)
    hook.after_train_iter(runner, step, outputs=dict(loss=loss.detach()))


def test_amp_skipped_steps_are_tolerated_until_too_many_in_a_row():
    wrapper, weight = _amp_wrapper()
    hook = FiniteLossHook(max_skipped_steps=3)
    hook.before_train(_runner(0, optim_wrapper=wrapper))
    inf = float('inf')
    for step in range(3):  # overflows the scaler skips
        _amp_iteration(hook, wrapper, weight, step, inf)
    assert torch.equal(weight.detach(), torch.ones(2))  # no step applied
    assert hook.skipped_in_a_row == 3
    _amp_iteration(hook, wrapper, weight, 3, 1.0)  # a real step resets
    assert hook.skipped_in_a_row == 0
    assert not torch.equal(weight.detach(), torch.ones(2))
    for step in range(4, 7):
        _amp_iteration(hook, wrapper, weight, step, inf)
    with pytest.raises(FloatingPointError, match='after 3 skipped AMP steps'):
        _amp_iteration(hook, wrapper, weight, 7, inf)


def test_amp_step_applied_with_a_non_finite_loss_stops_at_once():
    """A NaN loss term without gradient (a constant): the gradients are
    finite, the scaler applies the step, so the hook must not count it as
    skipped."""
    wrapper, weight = _amp_wrapper()
    hook = FiniteLossHook(max_skipped_steps=10)
    hook.before_train(_runner(0, optim_wrapper=wrapper))
    runner = _runner(0, optim_wrapper=wrapper)
    hook.before_train_iter(runner, 0)
    wrapper.update_params(weight.sum())
    with pytest.raises(FloatingPointError, match='step was applied'):
        hook.after_train_iter(runner, 0, outputs=dict(
            loss=torch.tensor(1.0), loss_tag=torch.tensor(float('nan'))))


def test_without_amp_the_first_non_finite_step_stops():
    runner = _runner(1, optim_wrapper=SimpleNamespace())  # a plain wrapper
    with pytest.raises(FloatingPointError):
        FiniteLossHook().after_train_iter(
            runner, 0, outputs=dict(loss=torch.tensor(float('inf'))))


def _two_rank_worker(rank, port, results):
    torch.distributed.init_process_group(
        'gloo', init_method=f'tcp://127.0.0.1:{port}', rank=rank,
        world_size=2)
    value = float('nan') if rank == 1 else 1.0
    try:
        FiniteLossHook().after_train_iter(
            _runner(4), 0, outputs=dict(loss=torch.tensor(value)))
        results.put((rank, 'went on'))
    except FloatingPointError as error:
        results.put((rank, str(error)))
    finally:
        torch.distributed.destroy_process_group()


def test_ranks_stop_together():
    """Rank 1's loss is NaN, rank 0's finite (each rank logs its own): both
    stop at the same iteration, rank 0 saying the term is on another
    rank."""
    context = mp.get_context('fork')
    results = context.Queue()
    port = free_port()
    processes = [context.Process(target=_two_rank_worker,
                                 args=(rank, port, results))
                 for rank in range(2)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
    said = dict(results.get(timeout=5) for _ in range(2))
    assert '"loss" is nan at iteration 5' in said[1]
    assert 'not finite on another rank at iteration 5' in said[0]


class _LossTurnsNaN(BaseModel):
    """A one-weight model whose loss is NaN from its third iteration."""

    def __init__(self):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.ones(1))
        self.calls = 0

    def forward(self, inputs, data_samples=None, mode='loss'):
        self.calls += 1
        loss = (self.weight * torch.stack(inputs)).mean()
        if self.calls >= 3:
            loss = loss * float('nan')
        return dict(loss=loss)


def test_a_real_run_never_saves_the_non_finite_iteration(tmp_path):
    runner = Runner(
        model=_LossTurnsNaN(),
        work_dir=str(tmp_path),
        train_dataloader=dict(
            dataset=[dict(inputs=torch.ones(1))] * 8,
            sampler=dict(type='DefaultSampler', shuffle=False),
            collate_fn=dict(type='pseudo_collate'),
            batch_size=1),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.1)),
        train_cfg=dict(by_epoch=False, max_iters=8),
        default_hooks=dict(checkpoint=dict(
            type='CheckpointHook', by_epoch=False, interval=1)),
        custom_hooks=[dict(type='FiniteLossHook')],
        default_scope='mmpose')
    with pytest.raises(FloatingPointError) as err:
        runner.train()
    assert osp.isfile(tmp_path / 'iter_2.pth')
    assert not osp.isfile(tmp_path / 'iter_3.pth')
    assert 'iter_2.pth' in str(err.value)
