# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""Two CPU processes (gloo) average to the one-process gradients."""
import os.path as osp
import sys

import torch
from mmengine.config import Config
from mmpose.registry import MODELS
from mmpose.utils import register_all_modules

from mmpose_ext.engine import AnyDeviceDistributedDataParallel

from ..conftest import SAMPLE_CONFIG, free_port, run_tool
from .ddp_gradient_worker import freeze_batch_norm, real_batch

WORKER = osp.join(osp.dirname(__file__), 'ddp_gradient_worker.py')


def test_two_process_gradients_equal_one_process(tmp_path):
    register_all_modules()
    torch.manual_seed(0)
    cfg = Config.fromfile(SAMPLE_CONFIG)
    model = MODELS.build(cfg.model)
    model.init_weights()
    torch.save(model.state_dict(), tmp_path / 'init.pth')

    data = model.data_preprocessor(real_batch(cfg, 8), training=True)
    freeze_batch_norm(model)
    losses = model(data['inputs'], data['data_samples'], mode='loss')
    sum(v for k, v in losses.items() if 'loss' in k).backward()
    single = {n: p.grad for n, p in model.named_parameters()
              if p.grad is not None}

    result = run_tool([
        sys.executable, '-m', 'torch.distributed.run', '--nproc_per_node', '2',
        '--master_port', str(free_port()), WORKER, SAMPLE_CONFIG,
        str(tmp_path / 'init.pth'),
        '8',
        str(tmp_path / 'grads.pth')
    ], timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    averaged = torch.load(tmp_path / 'grads.pth', weights_only=True)
    assert set(averaged) == set(single)
    largest = max(g.abs().max().item() for g in single.values())
    assert largest > 0
    for name, grad in single.items():
        torch.testing.assert_close(
            averaged[name], grad, rtol=0, atol=1e-5, msg=name)


def test_wrapper_drops_device_ids_for_cpu_modules():
    import torch.distributed as dist
    if not dist.is_initialized():
        dist.init_process_group(
            'gloo', init_method=f'tcp://127.0.0.1:{free_port()}', rank=0,
            world_size=1)
    try:
        wrapped = AnyDeviceDistributedDataParallel(
            torch.nn.Linear(2, 2), device_ids=[0])
        assert wrapped.device_ids is None
        out = wrapped(torch.ones(1, 2))
        assert out.shape == (1, 2)
    finally:
        dist.destroy_process_group()
