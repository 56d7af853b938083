# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
import random

import numpy as np
import torch
from mmengine.hooks import Hook
from mmpose.registry import HOOKS


@HOOKS.register_module()
class RandomStateHook(Hook):
    """Save the random generators' states in every checkpoint and restore them
    on resume, so that a resumed run draws the same augmentations as the
    uninterrupted one would have.

    MMEngine seeds the run and the sampler's shuffling, but does not save the
    generators that data augmentation uses; after ``--resume`` they restart
    from the seed instead of where the run stopped. Stored under
    ``checkpoint['meta']['random_states']``: Python's ``random``, numpy's
    global generator and torch's CPU (and CUDA) generators, all types that
    checkpoints load with ``weights_only=True``. Augmentation in dataloader
    worker processes is seeded per worker by MMEngine and is not covered.
    """

    priority = 'VERY_LOW'

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        states = dict(
            python=random.getstate(),
            numpy=np.random.get_state(),
            torch=torch.get_rng_state())
        if torch.cuda.is_available() and torch.cuda.is_initialized():
            states['cuda'] = torch.cuda.get_rng_state_all()
        checkpoint.setdefault('meta', {})['random_states'] = states

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        states = checkpoint.get('meta', {}).get('random_states')
        if not states:
            return
        version, internal, gauss = states['python']
        random.setstate((version, tuple(internal), gauss))
        np.random.set_state(states['numpy'])
        torch.set_rng_state(states['torch'])
        if 'cuda' in states and torch.cuda.is_available():
            torch.cuda.set_rng_state_all(states['cuda'])
