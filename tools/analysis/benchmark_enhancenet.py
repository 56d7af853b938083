# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""EnhanceNet: size of the enhancement part (Table 5) and CPU latency overhead.

1. Params / GFLOPs of the enhancement network alone on SimpleBaseline-R50 at
   256×192 (F^LR: 256 channels at 64×48, K = 17), for every row of Table 5b-5d,
   beside the paper. Counted with MMEngine's complexity analysis, which counts
   a transposed convolution at its input resolution; the paper counts it at
   the output resolution (r² times more), so the deconv rows differ by design.
2. Inference latency of HRNet-W32 at 256×192 with and without EnhanceNet
   (r = 4, C = 128), batch 1 and 32, on the CPU, measured in one run.

    python tools/analysis/benchmark_enhancenet.py [--repeats 5] [--no-latency]
"""
import argparse
import time

import torch
from mmengine.analysis import get_model_complexity_info
from mmpose.registry import MODELS
from mmpose.utils import register_all_modules

import mmpose_ext  # noqa: F401

# (label, head kwargs, paper #params (M), paper GFLOPs)
TABLE5 = [
    ('5b C=64', dict(channels=64), 0.21, 0.65),
    ('5b C=128 (default)', dict(channels=128), 0.50, 1.52),
    ('5b C=256', dict(channels=256), 1.29, 3.95),
    ('5c bilinear + conv 3x3', dict(upscaler='bilinear'), 0.20, 1.52),
    ('5c deconv 3x3', dict(upscaler='deconv', deconv_kernel_size=3), 0.20,
     1.52),
    ('5c deconv 12x12', dict(upscaler='deconv', deconv_kernel_size=12), 0.50,
     15.96),
    ('5d r=2', dict(upscale_factor=2), 0.26, 0.80),
    ('5d r=3', dict(upscale_factor=3), 0.36, 1.10),
    ('5d r=5', dict(upscale_factor=5), 0.67, 2.06),
]

HRNET_W32 = dict(
    stage1=dict(num_modules=1, num_branches=1, block='BOTTLENECK',
                num_blocks=(4, ), num_channels=(64, )),
    stage2=dict(num_modules=1, num_branches=2, block='BASIC',
                num_blocks=(4, 4), num_channels=(32, 64)),
    stage3=dict(num_modules=4, num_branches=3, block='BASIC',
                num_blocks=(4, 4, 4), num_channels=(32, 64, 128)),
    stage4=dict(num_modules=3, num_branches=4, block='BASIC',
                num_blocks=(4, 4, 4, 4), num_channels=(32, 64, 128, 256)))


def table5():
    print('Enhancement part on SimpleBaseline-R50, 256x192, K=17 '
          '(target: within 10% of the paper)')
    print('| row | params (M) | GFLOPs | paper params / GFLOPs |')
    print('|---|---|---|---|')
    for label, kwargs, paper_params, paper_flops in TABLE5:
        head = MODELS.build(
            dict(type='BeliefMapEnhancementHead',
                 base_head=dict(type='HeatmapHead', in_channels=2048,
                                out_channels=17), **kwargs))
        x = torch.randn(1, head.enhancer.layers[0].in_channels, 64, 48)
        result = get_model_complexity_info(
            head.enhancer, inputs=(x, ), show_table=False, show_arch=False)
        params, flops = result['params'] / 1e6, result['flops'] / 1e9
        print(f'| {label} | {params:.3f} ({100 * (params / paper_params - 1):+.1f}%)'
              f' | {flops:.2f} ({100 * (flops / paper_flops - 1):+.1f}%) | '
              f'{paper_params} / {paper_flops} |')


def latency(repeats):
    base = dict(
        type='TopdownPoseEstimator',
        backbone=dict(type='HRNet', in_channels=3, extra=HRNET_W32),
        head=dict(type='HeatmapHead', in_channels=32, out_channels=17,
                  deconv_out_channels=None))
    enhanced = dict(
        base,
        head=dict(type='BeliefMapEnhancementHead', base_head=base['head'],
                  upscale_factor=4, channels=128))
    models = {name: MODELS.build(cfg).eval()
              for name, cfg in (('HRNet-W32', base),
                                ('HRNet-W32 + EnhanceNet', enhanced))}
    print(f'\nCPU inference latency (forward of backbone + head), 256x192, '
          f'{torch.get_num_threads()} threads, best of {repeats}:')
    times = {}
    for batch in (1, 32):
        x = torch.randn(batch, 3, 256, 192)
        for name, model in models.items():
            with torch.no_grad():
                model._forward(x)  # warm-up
                best = float('inf')
                for _ in range(repeats):
                    start = time.perf_counter()
                    model._forward(x)
                    best = min(best, time.perf_counter() - start)
            times[name, batch] = best
        overhead = times['HRNet-W32 + EnhanceNet', batch] / times[
            'HRNet-W32', batch] - 1
        print(f'  batch {batch:>2}: HRNet-W32 {1000 * times["HRNet-W32", batch]:.1f} ms, '
              f'+ EnhanceNet {1000 * times["HRNet-W32 + EnhanceNet", batch]:.1f} ms '
              f'-> overhead {100 * overhead:+.1f}% (target <= 5%)')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--repeats', type=int, default=5)
    parser.add_argument('--no-latency', action='store_true')
    args = parser.parse_args()
    register_all_modules()
    table5()
    if not args.no_latency:
        latency(args.repeats)


if __name__ == '__main__':
    main()
