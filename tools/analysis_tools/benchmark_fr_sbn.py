# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""FR-SBN: size of every Table-1 row and paper config, CPU latency beside
MMPose's SimpleBaseline, and peak training memory.

1. Params / GFLOPs (MMEngine's complexity analysis of backbone + neck + head,
   one image) of every config in configs/fr_sbn/coco, beside the paper
   (Table 2: ResNet-34 33M params, 21.3 GFLOPs at 256×192, 48.0 at 384×288).
2. CPU inference latency of FR-SBN-R34 beside MMPose's SimpleBaseline R50 and
   R152 at 256×192, batch 1 and 32, in one run (the paper's GPU figures:
   3.5 ms vs 2.3 / 4.8 ms).
3. Peak memory (max resident set size of a fresh process) of one training step
   at batch 32, 256×192, FR-SBN-R34 beside SimpleBaseline-R50.

    python tools/analysis_tools/benchmark_fr_sbn.py [--repeats 3] [--skip-latency] [--skip-memory]
"""
import argparse
import glob
import multiprocessing
import os.path as osp
import resource
from functools import partial

import torch

from mmpose_ext.utils import complexity, time_calls

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
FULL = osp.join(REPO, 'configs/fr_sbn/coco/'
                'td-hm_res34_fr-sbn-8xb32-140e_coco-256x192.py')
SBN = ('mmpose::body_2d_keypoint/topdown_heatmap/coco/'
       'td-hm_res{}-210e_coco-256x192.py')
PAPER = {
    'td-hm_res34_fr-sbn-8xb32-140e_coco-256x192.py': (33.0, 21.3),
    'td-hm_res34_fr-sbn-8xb32-140e_coco-384x288.py': (33.0, 48.0),
}


def build(config):
    from mmengine.config import Config
    from mmengine.hub import get_config
    from mmpose.registry import MODELS
    from mmpose.utils import register_all_modules
    register_all_modules()
    # 'mmpose::...': a config shipped with MMPose
    cfg = (get_config(config) if config.startswith('mmpose::') else
           Config.fromfile(config))
    cfg.model.backbone.init_cfg = None
    return MODELS.build(cfg.model), cfg


def sizes():
    print('| config | params (M) | GFLOPs | paper params / GFLOPs |')
    print('|---|---|---|---|')
    for path in sorted(glob.glob(osp.join(REPO, 'configs/fr_sbn/coco/*.py'))):
        model, cfg = build(path)
        w, h = cfg.codec['input_size']
        params, flops = complexity(model, (torch.randn(1, 3, h, w), ))
        params, flops = params / 1e6, flops / 1e9
        name = osp.basename(path)
        paper = PAPER.get(name)
        paper_text = '-' if paper is None else (
            f'{paper[0]} / {paper[1]} ({100 * (params / paper[0] - 1):+.1f}% /'
            f' {100 * (flops / paper[1] - 1):+.1f}%)')
        print(f'| {name} | {params:.1f} | {flops:.2f} | {paper_text} |')


def latency(repeats):
    models = {
        'FR-SBN-R34': build(FULL)[0],
        'SimpleBaseline-R50': build(SBN.format('50_8xb64'))[0],
        'SimpleBaseline-R152': build(SBN.format('152_8xb32'))[0],
    }
    print(f'\nCPU inference latency at 256x192 ({torch.get_num_threads()} '
          f'threads, best of {repeats}; paper, GPU: 3.5 / 2.3 / 4.8 ms):')
    for batch in (1, 32):
        x = torch.randn(batch, 3, 256, 192)
        with torch.no_grad():
            times = time_calls({name: partial(model.eval()._forward, x)
                                for name, model in models.items()}, repeats)
        print(f'  batch {batch:>2}: ' + ', '.join(
            f'{name} {1000 * t.min():.0f} ms' for name, t in times.items()))


def _train_step_peak(config, batch, queue):
    from mmengine.structures import InstanceData, PixelData
    from mmpose.structures import PoseDataSample
    model, cfg = build(config)
    model.train()
    w, h = cfg.codec['input_size']
    hw, hh = cfg.codec['heatmap_size']
    samples = []
    for _ in range(batch):
        sample = PoseDataSample()
        sample.gt_fields = PixelData(heatmaps=torch.rand(17, hh, hw))
        sample.gt_instance_labels = InstanceData(
            keypoint_weights=torch.ones(1, 17))
        samples.append(sample)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    losses = model(torch.randn(batch, 3, h, w), samples, mode='loss')
    sum(v for k, v in losses.items() if k.startswith('loss')).backward()
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    queue.put((before / 1024, after / 1024))


def memory(batch):
    print(f'\nPeak resident memory of one training step, batch {batch}, '
          '256x192 (fresh process each):')
    context = multiprocessing.get_context('spawn')
    for name, config in (('FR-SBN-R34', FULL),
                         ('SimpleBaseline-R50', SBN.format('50_8xb64'))):
        queue = context.Queue()
        process = context.Process(
            target=_train_step_peak, args=(config, batch, queue))
        process.start()
        before, after = queue.get()
        process.join()
        print(f'  {name}: {after:.0f} MiB peak resident set of the process '
              f'({before:.0f} MiB before the step)')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--repeats', type=int, default=3)
    parser.add_argument('--batch-size', type=int, default=32)
    parser.add_argument('--skip-latency', action='store_true')
    parser.add_argument('--skip-memory', action='store_true')
    args = parser.parse_args()
    sizes()
    if not args.skip_latency:
        latency(args.repeats)
    if not args.skip_memory:
        memory(args.batch_size)


if __name__ == '__main__':
    main()
