# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""Random generators of training dataloader workers, seeded per epoch.

Data augmentation with ``num_workers > 0`` draws from the generators of the
worker processes, which a checkpoint cannot hold. MMEngine's
``worker_init_fn`` seeds them from (seed, rank, worker) only: the same stream
every epoch for non-persistent workers, one stream through the whole run for
persistent ones, and after ``--resume`` the stream of the run's first epoch.

Here a worker's generators (Python's ``random``, numpy's global generator,
torch's CPU generator) are seeded from (run seed, rank, worker id, epoch) at
the first sample it prepares in each epoch, so that what a worker draws in
epoch e depends on nothing before epoch e, with persistent workers or not:
a run resumed at epoch e continues the uninterrupted run's augmentation.

The epoch and the run's seed reach the workers through a small shared-memory
array written by the main process before the epoch's first index is sent: the
sampler's ``set_epoch``, which MMEngine calls before each epoch's iterator
(``DistSamplerSeedHook`` for epoch-based loops, the infinite iterator of
``IterBasedTrainLoop``), also writes it (:func:`follow_sampler_epoch`). The
reseeding happens in :class:`EpochSeededPipeline`, which wraps a dataset's
``pipeline``. :class:`~mmpose_ext.engine.hooks.RandomStateHook` sets this up.
"""
import multiprocessing
import random
from typing import Callable, Iterator

import numpy as np
import torch
from torch.utils.data import get_worker_info

#: what the workers last seeded their generators with, per shared array
_SEEDED_WITH: dict = {}


def new_epoch_info(seed: int, rank: int, epoch: int = 0):
    """A shared (seed, rank, epoch) array of int64 (no lock: one writer, the
    main process, which writes before the epoch's indices are sent)."""
    return multiprocessing.RawArray('q', [int(seed), int(rank), int(epoch)])


def seed_worker_generators(seed: int, rank: int, worker_id: int,
                           epoch: int) -> None:
    """Seed this process's Python, numpy and torch CPU generators from
    (seed, rank, worker_id, epoch) through numpy's ``SeedSequence`` (distinct
    inputs give independent streams)."""
    entropy = [int(v) % 2**63 for v in (seed, rank, worker_id, epoch)]
    words = np.random.SeedSequence(entropy).generate_state(4, np.uint32)
    random.seed(int(words[0]) << 32 | int(words[1]))
    np.random.seed(words)
    torch.manual_seed(int(words[2]) << 32 | int(words[3]))


class EpochSeededPipeline:
    """A dataset ``pipeline`` that, in a dataloader worker, seeds the
    worker's generators (:func:`seed_worker_generators`) before the first
    sample of each epoch; in the main process (``num_workers=0``) it calls
    the pipeline unchanged.

    Args:
        pipeline (callable): the dataset's pipeline (MMEngine's ``Compose``)
        epoch_info: the shared array of :func:`new_epoch_info`
    """

    def __init__(self, pipeline: Callable, epoch_info) -> None:
        self.pipeline = pipeline
        self.epoch_info = epoch_info

    def __call__(self, data: dict):
        worker = get_worker_info()
        if worker is not None:
            seed, rank, epoch = self.epoch_info[:]
            key = id(self.epoch_info)
            if epoch >= 0 and _SEEDED_WITH.get(key) != (seed, epoch):
                _SEEDED_WITH[key] = (seed, epoch)
                seed_worker_generators(seed, rank, worker.id, epoch)
        return self.pipeline(data)

    def __getattr__(self, name: str):
        # the wrapped pipeline's attributes (``transforms``) stay reachable
        if name in ('pipeline', 'epoch_info'):
            raise AttributeError(name)
        return getattr(self.pipeline, name)

    def __repr__(self) -> str:
        return f'{type(self).__name__}({self.pipeline!r})'


def datasets_with_pipelines(dataset) -> Iterator:
    """``dataset`` and the datasets it wraps (MMEngine's and MMPose's
    dataset wrappers: ``.dataset``, ``.datasets``) that have a pipeline."""
    seen = set()
    stack = [dataset]
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if callable(getattr(current, 'pipeline', None)):
            yield current
        stack.append(getattr(current, 'dataset', None))
        stack.extend(getattr(current, 'datasets', None) or [])


def seed_workers_per_epoch(dataset, epoch_info) -> int:
    """Wrap the pipeline of ``dataset`` and of every dataset it wraps in
    :class:`EpochSeededPipeline` (once); returns how many were wrapped."""
    wrapped = 0
    for each in datasets_with_pipelines(dataset):
        if not isinstance(each.pipeline, EpochSeededPipeline):
            each.pipeline = EpochSeededPipeline(each.pipeline, epoch_info)
            wrapped += 1
    return wrapped


def follow_sampler_epoch(dataloader, epoch_info) -> None:
    """Make the sampler's ``set_epoch(epoch)`` also write ``epoch`` to
    ``epoch_info`` (once; a sampler without ``set_epoch``, such as MMEngine's
    ``InfiniteSampler``, keeps one epoch)."""
    sampler = getattr(dataloader, 'sampler', None)
    if not hasattr(sampler, 'set_epoch'):
        sampler = getattr(getattr(dataloader, 'batch_sampler', None),
                          'sampler', None)
    if not hasattr(sampler, 'set_epoch') or \
            getattr(sampler.set_epoch, 'epoch_info', None) is not None:
        return
    set_epoch = sampler.set_epoch

    def set_epoch_and_share(epoch: int) -> None:
        set_epoch(epoch)
        epoch_info[2] = int(epoch)

    set_epoch_and_share.epoch_info = epoch_info
    sampler.set_epoch = set_epoch_and_share


def restart_workers(dataloader) -> None:
    """Shut down the workers of ``dataloader``'s cached iterator (persistent
    workers), so that the next ``iter(dataloader)`` starts new ones from the
    dataset as it is now."""
    iterator = getattr(dataloader, '_iterator', None)
    if iterator is not None:
        shutdown = getattr(iterator, '_shutdown_workers', None)
        if shutdown is not None:
            shutdown()
        dataloader._iterator = None
