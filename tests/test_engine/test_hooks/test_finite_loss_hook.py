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
