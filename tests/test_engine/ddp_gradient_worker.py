# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""Worker for test_distributed.py, launched by torchrun with 2 CPU processes.

Builds the sample config's model with the weights in ``INIT``, wraps it as
tools/train.py does on a machine without CUDA, runs one forward/backward on this
rank's share of a fixed real batch (:func:`real_batch`) and, on rank 0, saves the
synchronised gradients to ``OUT``.

    torchrun --nproc_per_node 2 ddp_gradient_worker.py CONFIG INIT BATCH_SIZE OUT
"""
import sys

import torch
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmpose.registry import DATASETS, MODEL_WRAPPERS, MODELS
from mmpose.utils import register_all_modules


def real_batch(cfg, size):
    """The first ``size`` samples of the config's training set with targets,
    without the random augmentations, collated."""
    dataset_cfg = cfg.train_dataloader.dataset.copy()
    dataset_cfg.pipeline = [
        t for t in dataset_cfg.pipeline
        if t['type'] not in ('RandomFlip', 'RandomBBoxTransform',
                             'RandomHalfBody')
    ]
    dataset = DATASETS.build(dataset_cfg)
    return pseudo_collate([dataset[i] for i in range(size)])


def freeze_batch_norm(model):
    """Training mode with every BatchNorm in eval mode (running statistics
    used and not updated), so that the batch split does not change the maths."""
    model.train()
    for module in model.modules():
        if isinstance(module, torch.nn.modules.batchnorm._BatchNorm):
            module.eval()


def main():
    config, init, batch_size, out = sys.argv[1:5]
    register_all_modules()
    cfg = Config.fromfile(config)
    cfg.launcher = 'pytorch'

    from mmpose_ext.engine import setup_cpu_distributed
    assert setup_cpu_distributed(cfg), 'expected a CPU (gloo) launch'
    rank = torch.distributed.get_rank()
    world = torch.distributed.get_world_size()

    model = MODELS.build(cfg.model)
    model.load_state_dict(torch.load(init, weights_only=True))
    freeze_batch_norm(model)
    wrapper_cfg = dict(cfg.model_wrapper_cfg)
    wrapper = MODEL_WRAPPERS.build(
        wrapper_cfg, default_args=dict(module=model, device_ids=[rank]))

    batch = model.data_preprocessor(
        real_batch(cfg, int(batch_size)), training=True)
    share = len(batch['inputs']) // world
    part = slice(rank * share, (rank + 1) * share)
    losses = wrapper(
        batch['inputs'][part], batch['data_samples'][part], mode='loss')
    sum(v for k, v in losses.items() if 'loss' in k).backward()
    if rank == 0:
        torch.save({name: p.grad.clone() for name, p in model.named_parameters()
                    if p.grad is not None}, out)
    # leave together: a rank that exits while the other is still in a
    # collective or in its shutdown can leave that one waiting
    torch.distributed.barrier()
    torch.distributed.destroy_process_group()


if __name__ == '__main__':
    main()
