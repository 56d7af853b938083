# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""Parameters and GFLOPs of CAL's paper configs beside the paper's numbers.

Counted with MMEngine's complexity analysis on ``model._forward`` (backbone +
head, one image), as MMPose's ``tools/analysis_tools/get_flops.py`` does. The
plain HRNet with MMPose's HeatmapHead is printed for reference.

    python tools/analysis_tools/benchmark_cal_complexity.py
"""
import os.path as osp

import torch
from mmengine.config import Config
from mmpose.registry import MODELS
from mmpose.utils import register_all_modules

from mmpose_ext.utils import complexity

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIG = osp.join(REPO, 'configs/cal/coco/td-cal_hrnet-{width}_8xb64-250e_'
                  'coco-{size}.py')
# (#params in M, GFLOPs) from Tables 1 and 9 of Wang et al.
PAPER = {
    ('w32', '128x96'): (49.3, 2.5),
    ('w48', '128x96'): (110.3, 5.3),
    ('w48', '384x288'): (110.2, 47.2),
}
HRNET_PAPER = {('w32', '128x96'): (28.5, 1.8), ('w48', '128x96'): (63.6, 3.7)}


def params_and_gflops(model_cfg, input_size, pad_to_32=False):
    w, h = input_size
    if pad_to_32:  # MMPose's HRNet needs sides divisible by 32
        w, h = -(-w // 32) * 32, -(-h // 32) * 32
    params, flops = complexity(MODELS.build(model_cfg),
                               (torch.randn(1, 3, h, w), ))
    return params / 1e6, flops / 1e9


def plain_hrnet(model_cfg):
    """The same backbone widths as MMPose's HRNet + HeatmapHead."""
    cfg = model_cfg.copy()
    cfg.backbone = dict(cfg.backbone, type='HRNet')
    cfg.head = dict(type='HeatmapHead', in_channels=cfg.head.in_channels,
                    out_channels=17, deconv_out_channels=None)
    return cfg


def main():
    register_all_modules()
    print('| config | params (M) | GFLOPs | paper params / GFLOPs | '
          'HRNet + HeatmapHead params / GFLOPs (paper) |')
    print('|---|---|---|---|---|')
    for width in ('w32', 'w48'):
        for size in ('64x48', '128x96', '256x192', '384x288'):
            path = CONFIG.format(width=width, size=size)
            cfg = Config.fromfile(path)
            cfg.model.backbone.init_cfg = None
            params, flops = params_and_gflops(cfg.model,
                                              cfg.codec['input_size'])
            base_params, base_flops = params_and_gflops(
                plain_hrnet(cfg.model), cfg.codec['input_size'],
                pad_to_32=True)
            paper = PAPER.get((width, size))
            paper_text = '-' if paper is None else (
                f'{paper[0]} / {paper[1]} ({100 * (params / paper[0] - 1):+.1f}%'
                f' / {100 * (flops / paper[1] - 1):+.1f}%)')
            hrnet = HRNET_PAPER.get((width, size))
            hrnet_text = f'{base_params:.1f} / {base_flops:.2f}' + (
                f' ({hrnet[0]} / {hrnet[1]})' if hrnet else '')
            print(f'| {osp.basename(path)} | {params:.1f} | {flops:.2f} | '
                  f'{paper_text} | {hrnet_text} |')
    print('\nTarget: within 10% of the paper where it reports a number. At '
          '64x48 both models run on the input padded to 64x64.')


if __name__ == '__main__':
    main()
