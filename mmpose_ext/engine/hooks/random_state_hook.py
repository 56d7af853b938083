# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
import logging
import random
from typing import Optional

import numpy as np
import torch
from mmengine.dist import all_gather_object, get_rank, get_world_size
from mmengine.hooks import CheckpointHook, Hook
from mmengine.logging import print_log
from mmpose.registry import HOOKS


def generator_states() -> dict:
    """This process's generators: Python's ``random``, numpy's global
    generator, torch's CPU generator and, when CUDA is in use, the generator
    of this process's current GPU only (the other GPUs belong to other
    ranks)."""
    states = dict(
        python=random.getstate(),
        numpy=np.random.get_state(),
        torch=torch.get_rng_state())
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        states['cuda'] = torch.cuda.get_rng_state(torch.cuda.current_device())
    return states


def set_generator_states(states: dict) -> None:
    """Restore what :func:`generator_states` saved (older checkpoints stored
    the states of every GPU as a list: this process's GPU's is taken)."""
    version, internal, gauss = states['python']
    random.setstate((version, tuple(internal), gauss))
    np.random.set_state(states['numpy'])
    torch.set_rng_state(states['torch'])
    cuda = states.get('cuda')
    if cuda is not None and torch.cuda.is_available():
        device = torch.cuda.current_device()
        if isinstance(cuda, (list, tuple)):
            cuda = cuda[device] if device < len(cuda) else None
        if cuda is not None:
            torch.cuda.set_rng_state(cuda, device)


@HOOKS.register_module()
class RandomStateHook(Hook):
    """Save every rank's random generators in each checkpoint and restore
    each rank's own on resume, so that a resumed run draws the same
    augmentations as the uninterrupted one would have.

    MMEngine seeds the run and the sampler's shuffling, but does not save the
    generators that data augmentation uses; after ``--resume`` they restart
    from the seed instead of where the run stopped. Stored under
    ``checkpoint['meta']['random_states']`` as ``dict(ranks=[...])``, one
    entry per rank (:func:`generator_states`), all types that checkpoints load
    with ``weights_only=True``.

    Only rank 0 writes checkpoints, so the other ranks' states are gathered
    to it (one ``all_gather_object``) just before MMEngine's
    ``CheckpointHook`` saves: after the training iteration or epoch at which
    it saves and after every validation (where ``save_best`` saves). On
    resume, rank r restores entry r: a run resumed with fewer processes
    continues with the first ranks' states; ranks the checkpoint has no entry
    for (more processes than saved) keep their seeded generators, with a
    warning, as does a checkpoint without states (older runs). Augmentation
    in dataloader worker processes is seeded per worker by MMEngine and is
    not covered.
    """

    # before CheckpointHook (VERY_LOW) in after_train_iter/epoch and
    # after_val_epoch, so that the states are gathered when it saves
    priority = 'LOW'

    def __init__(self):
        self._gathered: Optional[list] = None

    @staticmethod
    def _checkpoint_hook(runner) -> Optional[CheckpointHook]:
        return next(
            (h for h in runner.hooks if isinstance(h, CheckpointHook)), None)

    def _gather(self, runner) -> None:
        if get_world_size() > 1:
            self._gathered = all_gather_object(generator_states())

    def after_train_iter(self, runner, batch_idx: int, data_batch=None,
                         outputs=None) -> None:
        hook = self._checkpoint_hook(runner)
        if hook is None or hook.by_epoch:
            return
        if hook.every_n_train_iters(runner, hook.interval, hook.save_begin) \
                or (hook.save_last and hook.is_last_train_iter(runner)):
            self._gather(runner)

    def after_train_epoch(self, runner) -> None:
        hook = self._checkpoint_hook(runner)
        if hook is None or not hook.by_epoch:
            return
        if hook.every_n_epochs(runner, hook.interval, hook.save_begin) or (
                hook.save_last and hook.is_last_train_epoch(runner)):
            self._gather(runner)

    def after_val_epoch(self, runner, metrics=None) -> None:
        self._gather(runner)

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        ranks = list(self._gathered) if self._gathered else [None]
        ranks[0] = generator_states()  # rank 0 saves: its states of now
        checkpoint.setdefault('meta', {})['random_states'] = dict(ranks=ranks)

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        states = checkpoint.get('meta', {}).get('random_states')
        rank = get_rank()
        if not states:
            print_log(
                'RandomStateHook: the checkpoint has no random generator '
                'states (saved without this hook or by an older run); the '
                'resumed run draws different augmentations from the '
                'uninterrupted one.',
                logger='current',
                level=logging.WARNING)
            return
        ranks = states.get('ranks', [states])  # older: one flat entry
        if rank >= len(ranks) or ranks[rank] is None:
            print_log(
                f'RandomStateHook: rank {rank} has no saved generator states '
                f'(the checkpoint has {len(ranks)} rank(s)); this rank keeps '
                'its seeded generators.',
                logger='current',
                level=logging.WARNING)
            return
        set_generator_states(ranks[rank])
