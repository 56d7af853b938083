# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""EnhanceNet: size of the enhancement part (Table 5) and CPU latency overhead.

1. Params / GFLOPs of the enhancement network alone on SimpleBaseline-R50 at
   256×192 (F^LR: 256 channels at 64×48, K = 17), for every row of Table 5b-5d,
   beside the paper. Counted with MMEngine's complexity analysis, which counts
   a transposed convolution at its input resolution; the paper counts it at
   the output resolution (r² times more), so the deconv rows differ by design.
2. Inference latency of HRNet-W32 at 256×192 with and without EnhanceNet
   (r = 4, C = 128), batch 1 and 32, on the CPU, measured in one run: the
   two models alternate and the medians compare, since on a shared machine
   one run's drift is larger than the effect. Beside it, the enhancement
   alone and its multiply-accumulate rate against the CPU's dense-layer
   peak: the overhead no implementation of these layers can go below.

    python tools/analysis_tools/benchmark_enhancenet.py [--repeats 11]
        [--no-latency] [--dtype float32|bfloat16]
"""
import argparse
from functools import partial

import numpy as np
import torch
from mmpose.registry import MODELS
from mmpose.utils import register_all_modules

from mmpose_ext.utils import complexity, time_calls

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

# MMPose's HRNet-W32 (its top-down COCO config's backbone)
HRNET_W32_CONFIG = ('mmpose::body_2d_keypoint/topdown_heatmap/coco/'
                    'td-hm_hrnet-w32_8xb64-210e_coco-256x192.py')


def hrnet_w32_extra():
    from mmengine.hub import get_config
    return get_config(HRNET_W32_CONFIG).model.backbone.extra


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
        params, flops = complexity(head.enhancer, (x, ))
        params, flops = params / 1e6, flops / 1e9
        print(f'| {label} | {params:.3f} ({100 * (params / paper_params - 1):+.1f}%)'
              f' | {flops:.2f} ({100 * (flops / paper_flops - 1):+.1f}%) | '
              f'{paper_params} / {paper_flops} |')


def conv_peak(repeats, autocast):
    """Multiply-accumulates per second this CPU reaches on a large dense
    layer (3×3 conv 256 → 256 at 64×48, channels-last; oneDNN runs such
    layers at its best rate, which larger ones do not raise), in GMAC/s:
    a ceiling for any implementation of the enhancement's layers."""
    conv = torch.nn.Conv2d(256, 256, 3, padding=1).to(
        memory_format=torch.channels_last)
    x = torch.randn(1, 256, 64, 48).contiguous(
        memory_format=torch.channels_last)
    with torch.no_grad(), autocast:
        best = time_calls({'conv': partial(conv, x)}, repeats)['conv'].min()
    return 64 * 48 * 256 * 256 * 9 / best / 1e9


def latency(repeats, dtype):
    base = dict(
        type='TopdownPoseEstimator',
        backbone=dict(type='HRNet', in_channels=3, extra=hrnet_w32_extra()),
        head=dict(type='HeatmapHead', in_channels=32, out_channels=17,
                  deconv_out_channels=None))
    enhanced = dict(
        base,
        head=dict(type='BeliefMapEnhancementHead', base_head=base['head'],
                  upscale_factor=4, channels=128))
    models = {name: MODELS.build(cfg).eval()
              for name, cfg in (('HRNet-W32', base),
                                ('HRNet-W32 + EnhanceNet', enhanced))}
    enhancer = models['HRNet-W32 + EnhanceNet'].head.enhancer
    _, enhancer_macs = complexity(enhancer,
                                  (torch.randn(1, 32 + 17, 64, 48), ))
    autocast = torch.autocast('cpu', dtype=torch.bfloat16,
                              enabled=dtype == 'bfloat16')
    peak = conv_peak(repeats, autocast)
    print(f'\nCPU inference latency (forward of backbone + head), 256x192, '
          f'{dtype}, {torch.get_num_threads()} threads; the two models '
          f'alternate, {repeats} runs each, median (best):')
    print(f'  {dtype} dense-layer peak of this CPU: {peak:.0f} GMAC/s; '
          f'the enhancement is {enhancer_macs / 1e9:.2f} GMAC per image')
    for batch in (1, 32):
        x = torch.randn(batch, 3, 256, 192)
        f_and_m = torch.randn(batch, 32 + 17, 64, 48)
        calls = {name: partial(model._forward, x)
                 for name, model in models.items()}
        calls['enhancement alone'] = partial(enhancer, f_and_m)
        with torch.no_grad(), autocast:
            times = time_calls(calls, repeats)
        median = {k: float(np.median(v)) for k, v in times.items()}
        best = {k: min(v) for k, v in times.items()}
        base_name, ours = 'HRNet-W32', 'HRNet-W32 + EnhanceNet'
        print(f'  batch {batch:>2}: HRNet-W32 {1000 * median[base_name]:.1f} '
              f'({1000 * best[base_name]:.1f}) ms, + EnhanceNet '
              f'{1000 * median[ours]:.1f} ({1000 * best[ours]:.1f}) ms -> '
              f'overhead {100 * (median[ours] / median[base_name] - 1):+.1f}% '
              f'({100 * (best[ours] / best[base_name] - 1):+.1f}%) '
              '(target <= 5%)')
        enhance = median['enhancement alone']
        rate = batch * enhancer_macs / enhance / 1e9
        floor = batch * enhancer_macs / (peak * 1e9) / median[base_name]
        print(f'            enhancement alone {1000 * enhance:.1f} ms = '
              f'{rate:.0f} GMAC/s ({100 * rate / peak:.0f}% of the '
              f'peak); at the peak it would still add '
              f'{100 * floor:+.1f}%')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--repeats', type=int, default=11)
    parser.add_argument('--no-latency', action='store_true')
    parser.add_argument(
        '--dtype', choices=('float32', 'bfloat16'), default='float32',
        help='bfloat16: both models under CPU autocast')
    args = parser.parse_args()
    register_all_modules()
    table5()
    if not args.no_latency:
        latency(args.repeats, args.dtype)


if __name__ == '__main__':
    main()
