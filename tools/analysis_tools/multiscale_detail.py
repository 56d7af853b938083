# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""What the backbone receives at each test scale of a bottom-up config, on
real images: the detail the largest scale adds over the scale-1 input.

Each image goes through the config's test pipeline and data preprocessor,
and the estimator's own ``resize_to_scales`` makes the scale pyramid, as in
``model.predict``. For the largest scale's input X and the scale-1 input X1
the detail ratio is

    r = RMS(X − up(X1)) / RMS(X − mean(X))

(up: bilinear to X's size): 0 when the largest scale is an upsample of the
scale-1 input (no detail added), larger the more of X the scale-1 input
lacks. Beside it, the same ratio for the image itself resized (OpenCV,
area interpolation) to 368 · s_max and 368 pixels high, which is what CMU
OpenPose's test feeds its network.

    python tools/analysis_tools/multiscale_detail.py CONFIG [CONFIG ...]
        [--ann-file ANN --img-root DIR]

Prints one line per image and per config
``<config>: median detail ratio <r> (image resized: <r_image>), <n> images``.
"""
import argparse
import os.path as osp
import sys

import numpy as np

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
SAMPLE = osp.join(REPO, 'tests/data/coco_mini')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('configs', nargs='+')
    parser.add_argument('--ann-file',
                        default=osp.join(SAMPLE, 'person_keypoints.json'))
    parser.add_argument('--img-root', default=osp.join(SAMPLE, 'images'))
    return parser.parse_args(argv)


def detail_ratio(large: np.ndarray, small: np.ndarray) -> float:
    """r for a (C, H, W) input and a smaller one of the same image."""
    import torch
    import torch.nn.functional as F
    up = F.interpolate(torch.as_tensor(small, dtype=torch.float64)[None],
                       size=large.shape[-2:], mode='bilinear',
                       align_corners=False)[0].numpy()
    large = np.asarray(large, np.float64)
    spread = np.sqrt(np.mean((large - large.mean())**2))
    return float(np.sqrt(np.mean((large - up)**2)) / max(spread, 1e-12))


def image_ratio(img: np.ndarray, large_height: int,
                small_height: int) -> float:
    """r for the image itself resized to two heights."""
    import cv2
    h, w = img.shape[:2]

    def resized(height):
        return cv2.resize(img, (max(1, round(w * height / h)), height),
                          interpolation=cv2.INTER_AREA).transpose(2, 0, 1)

    return detail_ratio(resized(large_height), resized(small_height))


def measure(config: str, args) -> tuple:
    import cv2
    import torch
    from mmengine.dataset import pseudo_collate
    from mmpose.registry import DATASETS, MODELS

    from mmpose_ext.evaluation import oracle_dataset_cfg
    from mmpose_ext.utils import load_config
    cfg = load_config(config)
    if cfg.model.backbone.get('init_cfg'):
        cfg.model.backbone.init_cfg = None  # nothing is downloaded
    model = MODELS.build(cfg.model).eval()
    test_cfg = model.test_cfg or {}
    scales = model.ordered_scales() if test_cfg.get(
        'multiscale_test') else [float(test_cfg.get('input_scale', 1.0))]
    dataset = DATASETS.build(
        dict(oracle_dataset_cfg(cfg, args.ann_file, args.img_root),
             pipeline=cfg.test_dataloader.dataset.pipeline))
    ratios, image_ratios = [], []
    largest = max(scales)
    height = cfg.codec['input_size'][1]
    for index in range(len(dataset)):
        sample = dataset[index]
        batch = model.data_preprocessor(pseudo_collate([sample]))
        with torch.no_grad():
            pyramid = dict(zip(scales, model.resize_to_scales(
                batch['inputs'], scales)))
        if pyramid.get(1.0) is None or pyramid.get(largest) is None:
            continue
        r = detail_ratio(pyramid[largest][0].numpy(), pyramid[1.0][0].numpy())
        img = cv2.imread(sample['data_samples'].img_path)
        r_img = image_ratio(img, int(round(height * largest)), height)
        ratios.append(r)
        image_ratios.append(r_img)
        print(f'  {osp.basename(sample["data_samples"].img_path)}: '
              f'scale {largest:g} over 1: r = {r:.3f} (image resized: '
              f'{r_img:.3f})', flush=True)
    return ratios, image_ratios


def main(argv=None):
    args = parse_args(argv)
    import mmpose_ext  # noqa: F401
    from mmpose.utils import register_all_modules
    register_all_modules()
    for config in args.configs:
        print(f'{osp.basename(config)}:', flush=True)
        ratios, image_ratios = measure(config, args)
        if not ratios:
            sys.exit(f'{config}: no image with both the largest scale and '
                     'scale 1 (multi-scale test off?)')
        print(f'{osp.basename(config)}: median detail ratio '
              f'{np.median(ratios):.3f} (image resized: '
              f'{np.median(image_ratios):.3f}), {len(ratios)} images')


if __name__ == '__main__':
    main()
