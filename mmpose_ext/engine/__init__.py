# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""Hooks, distributed helpers and two process-wide changes to MMEngine.

Importing :mod:`mmpose_ext` (as every config of the package does through
``custom_imports``) changes two things in MMEngine for the whole process, for
MMPose's and MMDetection's models too:

- checkpoint loading (:mod:`.checkpoint_loading`): MMEngine's
  ``CheckpointLoader`` schemes for local paths and http(s) URLs load with
  ``torch.load(weights_only=True)`` and an allow-list of the types MMEngine
  checkpoints hold. Needed with torch >= 2.6, where MMEngine 0.10.7's own
  loader fails on MMEngine's own checkpoints (resume, ``load_from``,
  ``init_model``, the inferencer).
- local file writes (:mod:`.atomic_local_backend`): MMEngine's ``'local'``
  file backend writes to a temporary file and renames it into place, so a run
  killed while saving leaves no half-written checkpoint for ``--resume``.

To keep MMEngine as it is, set the environment variable
``MMPOSE_EXT_PATCH_MMENGINE=0`` before the import, or call
:func:`restore_mmengine` afterwards (:func:`patch_mmengine` applies them
again).
"""
import os

from . import hooks  # noqa: F401  (registration)
from .atomic_local_backend import (AtomicLocalBackend,
                                   install_atomic_local_backend,
                                   restore_mmengine_local_backend)
from .checkpoint_loading import (SAFE_CHECKPOINT_GLOBALS, UnsafeCheckpointError,
                                 install_safe_checkpoint_loaders,
                                 restore_mmengine_checkpoint_loaders,
                                 safe_torch_load)
from .distributed import (AnyDeviceDistributedDataParallel,
                          setup_cpu_distributed)
from .optim_wrapper_constructor import BiasMultipliedOptimWrapperConstructor

#: environment variable; '0' leaves MMEngine unchanged on import
PATCH_MMENGINE_ENV = 'MMPOSE_EXT_PATCH_MMENGINE'


def patch_mmengine() -> None:
    """Safe checkpoint loaders and atomic local writes (see the module)."""
    install_safe_checkpoint_loaders()
    install_atomic_local_backend()


def restore_mmengine() -> None:
    """MMEngine's own checkpoint loaders and local backend again."""
    restore_mmengine_checkpoint_loaders()
    restore_mmengine_local_backend()


if os.environ.get(PATCH_MMENGINE_ENV, '1').strip().lower() not in (
        '0', 'false', 'no', 'off'):
    patch_mmengine()

__all__ = [
    'AtomicLocalBackend', 'install_atomic_local_backend',
    'restore_mmengine_local_backend', 'SAFE_CHECKPOINT_GLOBALS',
    'UnsafeCheckpointError', 'safe_torch_load',
    'install_safe_checkpoint_loaders', 'restore_mmengine_checkpoint_loaders',
    'AnyDeviceDistributedDataParallel', 'setup_cpu_distributed',
    'BiasMultipliedOptimWrapperConstructor',
    'PATCH_MMENGINE_ENV', 'patch_mmengine', 'restore_mmengine'
]
