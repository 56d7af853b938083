# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""RandomStateHook round-trips the generators through a weights-only load."""
import io
import random

import numpy as np
import torch

from mmpose_ext.engine import safe_torch_load
from mmpose_ext.engine.hooks import RandomStateHook


def test_states_survive_a_checkpoint():
    hook = RandomStateHook()
    random.seed(1), np.random.seed(2), torch.manual_seed(3)
    checkpoint = {'meta': {}}
    hook.before_save_checkpoint(None, checkpoint)
    expected = (random.random(), np.random.rand(), torch.rand(1).item())

    buffer = io.BytesIO()
    torch.save(checkpoint, buffer)
    buffer.seek(0)
    loaded = safe_torch_load(buffer)
    random.seed(9), np.random.seed(9), torch.manual_seed(9)  # move away
    hook.after_load_checkpoint(None, loaded)
    assert (random.random(), np.random.rand(),
            torch.rand(1).item()) == expected


def test_checkpoints_without_states_are_left_alone():
    np.random.seed(5)
    before = np.random.get_state()[1].copy()
    RandomStateHook().after_load_checkpoint(None, {'meta': {}})
    assert (np.random.get_state()[1] == before).all()
