# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
from . import hooks  # noqa: F401  (registration)
from .atomic_local_backend import (AtomicLocalBackend,
                                   install_atomic_local_backend)
from .checkpoint_loading import (SAFE_CHECKPOINT_GLOBALS, UnsafeCheckpointError,
                                 install_safe_checkpoint_loaders,
                                 safe_torch_load)
from .distributed import (AnyDeviceDistributedDataParallel,
                          setup_cpu_distributed)

install_safe_checkpoint_loaders()
install_atomic_local_backend()

__all__ = [
    'AtomicLocalBackend', 'install_atomic_local_backend',
    'SAFE_CHECKPOINT_GLOBALS', 'UnsafeCheckpointError', 'safe_torch_load',
    'install_safe_checkpoint_loaders', 'AnyDeviceDistributedDataParallel',
    'setup_cpu_distributed'
]
