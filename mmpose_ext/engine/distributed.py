# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""Data-parallel training on CPUs (gloo) through MMEngine's runner.

MMEngine 0.10.7 assumes a GPU per process when a job is launched with torchrun:
``init_dist`` calls ``torch.cuda.set_device`` and ``Runner.wrap_model`` passes
``device_ids=[LOCAL_RANK]`` to ``DistributedDataParallel``, which torch rejects for
a CPU module. :func:`setup_cpu_distributed` makes such a launch work on a machine
without CUDA: it starts the gloo process group itself (MMEngine then keeps it) and
selects :class:`AnyDeviceDistributedDataParallel`, which drops ``device_ids`` for CPU
modules. On machines with CUDA it does nothing and NCCL is used as configured.
"""
import os
from typing import Optional

import torch
import torch.distributed as torch_dist
from mmengine.config import Config
from mmengine.model import MMDistributedDataParallel
from mmpose.registry import MODEL_WRAPPERS


@MODEL_WRAPPERS.register_module()
class AnyDeviceDistributedDataParallel(MMDistributedDataParallel):
    """:class:`MMDistributedDataParallel` that also wraps CPU modules.

    ``device_ids`` is dropped when the module's parameters are on the CPU (torch
    requires ``device_ids=None`` there) and passed on otherwise.
    """

    def __init__(self, module: torch.nn.Module,
                 device_ids: Optional[list] = None, **kwargs):
        first = next(module.parameters(), None)
        if first is not None and first.device.type == 'cpu':
            device_ids = None
        super().__init__(module=module, device_ids=device_ids, **kwargs)


def setup_cpu_distributed(cfg: Config) -> bool:
    """Prepare a torchrun-launched run (``cfg.launcher == 'pytorch'``) on CPUs.

    Returns:
        bool: True when the gloo process group was started here.
    """
    if cfg.get('launcher', 'none') != 'pytorch' or torch.cuda.is_available():
        return False
    dist_cfg = cfg.setdefault('env_cfg', {}).setdefault('dist_cfg', {})
    dist_cfg['backend'] = 'gloo'
    wrapper = cfg.get('model_wrapper_cfg') or {}
    if wrapper.get('type', 'MMDistributedDataParallel') in (
            'MMDistributedDataParallel', MMDistributedDataParallel):
        # scoped name: Runner.wrap_model looks the type up with ``get`` on
        # MMEngine's root registry, which does not search child registries
        wrapper['type'] = 'mmpose.AnyDeviceDistributedDataParallel'
        wrapper.setdefault('broadcast_buffers', False)
        wrapper.setdefault('find_unused_parameters',
                           cfg.get('find_unused_parameters', False))
        cfg.model_wrapper_cfg = wrapper
    if not torch_dist.is_initialized():
        timeout = dist_cfg.get('timeout')
        kwargs = {}
        if timeout is not None:
            from datetime import timedelta
            kwargs['timeout'] = timedelta(seconds=timeout)
        torch_dist.init_process_group(
            backend='gloo',
            rank=int(os.environ['RANK']),
            world_size=int(os.environ['WORLD_SIZE']),
            **kwargs)
    return True
