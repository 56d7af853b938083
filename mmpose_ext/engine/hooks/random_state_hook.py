# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
import logging
import random
from typing import Optional

import numpy as np
import torch
from mmengine.dist import all_gather_object, get_rank, get_world_size
from mmengine.hooks import CheckpointHook, Hook
from mmengine.logging import print_log
from mmengine.runner import IterBasedTrainLoop
from mmpose.registry import HOOKS

from ..worker_random_state import (follow_sampler_epoch, new_epoch_info,
                                   restart_workers, seed_workers_per_epoch)

#: how dataloader workers are seeded, recorded in checkpoints
WORKER_SEEDING = 'per_epoch'


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


def _cpu_bytes(state) -> torch.Tensor:
    """A generator state as the CPU ``ByteTensor`` torch's setters take: a
    checkpoint that ``Runner.resume`` maps to the GPU (``map_location`` =
    the training device) gives CUDA tensors."""
    return torch.as_tensor(state).detach().to('cpu', torch.uint8)


def set_generator_states(states: dict) -> None:
    """Restore what :func:`generator_states` saved, from states on any
    device (older checkpoints stored the states of every GPU as a list: this
    process's GPU's is taken)."""
    version, internal, gauss = states['python']
    random.setstate((version, tuple(internal), gauss))
    np.random.set_state(states['numpy'])
    torch.set_rng_state(_cpu_bytes(states['torch']))
    cuda = states.get('cuda')
    if cuda is not None and torch.cuda.is_available():
        device = torch.cuda.current_device()
        if isinstance(cuda, (list, tuple)):
            cuda = cuda[device] if device < len(cuda) else None
        if cuda is not None:
            torch.cuda.set_rng_state(_cpu_bytes(cuda), device)


def _train_loader(runner):
    """The training dataloader where the runner has built its training loop
    (never building it: a test run that loads a checkpoint has none)."""
    loop = getattr(runner, '_train_loop', getattr(runner, 'train_loop', None))
    return getattr(loop, 'dataloader', None)


def _train_sampler(runner):
    """The training dataloader's sampler (MMEngine's ``DefaultSampler``
    shuffles with its ``seed`` and epoch), or None."""
    return getattr(_train_loader(runner), 'sampler', None)


@HOOKS.register_module()
class RandomStateHook(Hook):
    """Make a resumed run draw the same augmentations as the uninterrupted
    one: every rank's generators saved in each checkpoint and restored on
    resume, and dataloader workers seeded per epoch.

    MMEngine seeds the run and the sampler's shuffling, but does not save the
    generators that data augmentation uses; after ``--resume`` they restart
    from the seed instead of where the run stopped.

    - Main process (``num_workers=0``): stored under
      ``checkpoint['meta']['random_states']`` as ``dict(ranks=[...])``, one
      entry per rank (:func:`generator_states`), all types that checkpoints
      load with ``weights_only=True``. Only rank 0 writes checkpoints, so the
      other ranks' states are gathered to it (one ``all_gather_object``)
      just before MMEngine's ``CheckpointHook`` saves: after the training
      iteration or epoch at which it saves and after every validation
      (where ``save_best`` saves). On resume, rank r restores entry r, as
      CPU tensors whatever device the checkpoint was mapped to, after
      ``Runner.resume`` has reseeded the run with the checkpoint's seed
      (which it does whenever the config sets none): in ``before_train``
      for epoch-based loops, at the first iteration for
      ``IterBasedTrainLoop`` (after it replays the dataloader).
      The training sampler's shuffling seed is saved and restored too
      (without a configured seed MMEngine gives the resumed run's sampler
      a new one). A run resumed with fewer processes continues with the
      first ranks' states; ranks the checkpoint has no entry for keep their seeded
      generators, with a warning, as does a checkpoint without states.
    - Dataloader workers (``num_workers > 0``, persistent or not): the
      training dataset's pipelines are wrapped so that each worker seeds its
      generators from (run seed, rank, worker id, epoch) at its first sample
      of every epoch (:mod:`mmpose_ext.engine.worker_random_state`); nothing
      of theirs needs saving. The epoch is the sampler's (``set_epoch``);
      ``IterBasedTrainLoop``, which starts its workers when it is built,
      gets new ones in ``before_train``, and its replay of the dataloader
      on resume then draws what the uninterrupted run drew. Checkpoints
      record this (``random_states['workers'] = 'per_epoch'``); resuming
      one saved without it, with workers, warns once that the worker
      streams differ from the uninterrupted run's.
    """

    # before CheckpointHook (VERY_LOW) in after_train_iter/epoch and
    # after_val_epoch, so that the states are gathered when it saves
    priority = 'LOW'

    def __init__(self):
        self._gathered: Optional[list] = None
        self._loaded: Optional[dict] = None
        self._epoch_info = None

    @staticmethod
    def _checkpoint_hook(runner) -> Optional[CheckpointHook]:
        return next(
            (h for h in runner.hooks if isinstance(h, CheckpointHook)), None)

    def _gather(self, runner) -> None:
        if get_world_size() > 1:
            self._gathered = all_gather_object(generator_states())

    # restoring and workers ------------------------------------------------
    def before_train(self, runner) -> None:
        loop = runner.train_loop
        iteration_based = isinstance(loop, IterBasedTrainLoop)
        if not iteration_based:
            self._restore(runner)
        loader = loop.dataloader
        if getattr(loader, 'num_workers', 0) == 0:
            return
        sampler = getattr(loader, 'sampler', None)
        self._epoch_info = new_epoch_info(
            runner.seed, get_rank(),
            0 if iteration_based else getattr(sampler, 'epoch', 0))
        seed_workers_per_epoch(loader.dataset, self._epoch_info)
        follow_sampler_epoch(loader, self._epoch_info)
        if iteration_based:
            # IterBasedTrainLoop made its iterator (and workers) when it was
            # built, before this hook could wrap the pipelines
            restart_workers(loader)
            loop.dataloader_iterator._iterator = iter(loader)

    def before_train_epoch(self, runner) -> None:
        if self._epoch_info is not None and not isinstance(
                runner.train_loop, IterBasedTrainLoop):
            # also without DistSamplerSeedHook's set_epoch
            self._epoch_info[2] = runner.epoch

    def before_train_iter(self, runner, batch_idx: int,
                          data_batch=None) -> None:
        # IterBasedTrainLoop has replayed the dataloader up to the resumed
        # iteration by now (drawing from the main generators)
        self._restore(runner)

    def _restore(self, runner) -> None:
        if self._loaded is not None:
            set_generator_states(self._loaded)
            self._loaded = None

    # checkpoints ------------------------------------------------------------
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
        states = dict(ranks=ranks, workers=WORKER_SEEDING)
        seed = getattr(_train_sampler(runner), 'seed', None)
        if isinstance(seed, int):
            states['sampler_seed'] = seed
        checkpoint.setdefault('meta', {})['random_states'] = states

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        """Keep this rank's saved states for ``before_train`` (restoring
        them here would be undone by ``Runner.resume``'s reseeding)."""
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
        if states.get('workers') != WORKER_SEEDING and \
                getattr(_train_loader(runner), 'num_workers', 0):
            print_log(
                'RandomStateHook: the checkpoint was saved by an older '
                'version, whose dataloader workers were seeded by MMEngine '
                'alone; from here on they are seeded per epoch, so the '
                'augmentations differ from the uninterrupted run\'s.',
                logger='current',
                level=logging.WARNING)
        self._loaded = ranks[rank]
        # the sampler's shuffling seed: without a configured seed MMEngine
        # draws a new one for the resumed run's sampler
        sampler = _train_sampler(runner)
        if isinstance(states.get('sampler_seed'), int) and \
                isinstance(getattr(sampler, 'seed', None), int):
            sampler.seed = states['sampler_seed']
