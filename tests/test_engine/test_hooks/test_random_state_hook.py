# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""RandomStateHook: every rank's generators round-trip through a weights-only
load; each rank restores its own; fewer, more and no saved ranks."""
import io
import random
from unittest import mock

import numpy as np
import torch

from mmpose_ext.engine import safe_torch_load
from mmpose_ext.engine.hooks import RandomStateHook
from mmpose_ext.engine.hooks.random_state_hook import generator_states

HOOK = 'mmpose_ext.engine.hooks.random_state_hook'


def _draws():
    return random.random(), np.random.rand(), torch.rand(1).item()


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
    hook.after_load_checkpoint(None, loaded)
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
            RandomStateHook().after_load_checkpoint(None, checkpoint)
        assert _draws() == expected, rank


def test_a_rank_the_checkpoint_does_not_know_keeps_its_seed_and_warns():
    checkpoint, _, _ = _two_rank_checkpoint()
    np.random.seed(5)
    before = np.random.get_state()[1].copy()
    with mock.patch(f'{HOOK}.get_rank', return_value=2), \
            mock.patch(f'{HOOK}.print_log') as log:
        RandomStateHook().after_load_checkpoint(None, checkpoint)
    assert (np.random.get_state()[1] == before).all()
    assert 'rank 2 has no saved generator states' in log.call_args[0][0]


def test_checkpoints_without_states_resume_with_a_warning():
    np.random.seed(5)
    before = np.random.get_state()[1].copy()
    with mock.patch(f'{HOOK}.print_log') as log:
        RandomStateHook().after_load_checkpoint(None, {'meta': {}})
    assert (np.random.get_state()[1] == before).all()
    assert 'no random generator states' in log.call_args[0][0]


def test_older_flat_states_restore_on_rank_0():
    random.seed(4), np.random.seed(4), torch.manual_seed(4)
    old = {'meta': {'random_states': generator_states()}}
    expected = _draws()
    random.seed(9), np.random.seed(9), torch.manual_seed(9)
    RandomStateHook().after_load_checkpoint(None, _weights_only_copy(old))
    assert _draws() == expected
