# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""Draw, over a real image, what a config trains on and what a checkpoint
predicts, as PNG files:

- ``heatmaps.png``: the target heatmaps (max over keypoints)
- ``pafs.png``: Part Affinity Fields as arrows, one colour per limb
- ``limb_attention.png``: SALM's limb attention (eqs. (15), (16))
- ``block_offsets.png``: RIE's block-inside offsets as arrows (eq. (7))
- ``cal_offsets.png``: CAL's offsets as arrows on the disks
- ``cal_mixture_mask.png``: CAL's Mixed Gaussian Mask, fitted to the
  checkpoint's heatmap peaks on this sample (needs ``--checkpoint``)
- ``pred_heatmaps.png``, ``pred_pafs.png``: the checkpoint's maps

Which ones a config has depends on its codec. The sample goes through the
config's train pipeline with the random transforms left out.

    python tools/analysis/draw_targets.py CONFIG [--checkpoint CKPT]
        [--index 0] [--output-dir work_dirs/targets]
"""
import argparse
import os
import os.path as osp
import sys

import cv2
import numpy as np

RANDOM_TRANSFORMS = ('RandomFlip', 'RandomBBoxTransform', 'RandomHalfBody',
                     'PhotometricDistortion', 'Albumentation')
PALETTE = [(255, 128, 0), (255, 153, 51), (255, 178, 102), (230, 230, 0),
           (255, 153, 255), (153, 204, 255), (255, 102, 255), (255, 51, 255),
           (102, 178, 255), (51, 153, 255), (255, 153, 153), (255, 102, 102),
           (255, 51, 51), (153, 255, 153), (102, 255, 102), (51, 255, 51),
           (0, 255, 0), (0, 0, 255), (255, 0, 0)]


def deterministic_pipeline(pipeline):
    """The train pipeline without its random transforms (a bottom-up random
    affine keeps its resize, with no shift, scale or rotation)."""
    steps = []
    for step in pipeline:
        step = dict(step)
        if step['type'] in RANDOM_TRANSFORMS:
            continue
        if step['type'] == 'BottomupRandomAffine':
            step.update(shift_factor=0., scale_factor=(1., 1.),
                        rotate_factor=0.)
        steps.append(step)
    return steps


def load_sample(cfg, index):
    from mmpose.registry import DATASETS
    dataset_cfg = cfg.train_dataloader.dataset.copy()
    dataset_cfg.pipeline = deterministic_pipeline(
        cfg.train_dataloader.dataset.pipeline)
    dataset = DATASETS.build(dataset_cfg)
    if not 0 <= index < len(dataset):
        sys.exit(f'draw_targets: --index {index}: the dataset has '
                 f'{len(dataset)} samples')
    return dataset[index]


def input_image(sample):
    """The network input as a BGR uint8 image (H, W, 3)."""
    image = sample['inputs'].numpy().transpose(1, 2, 0)
    return np.ascontiguousarray(image.astype(np.uint8))


def overlay(image, scalar_map, alpha=0.55):
    """``scalar_map`` (h, w) in [0, 1], upsampled and blended as a jet map."""
    h, w = image.shape[:2]
    values = np.clip(np.nan_to_num(scalar_map), 0, 1)
    values = cv2.resize((255 * values).astype(np.uint8), (w, h),
                        interpolation=cv2.INTER_LINEAR)
    colour = cv2.applyColorMap(values, cv2.COLORMAP_JET)
    return cv2.addWeighted(image, 1 - alpha, colour, alpha, 0)


def cell_centre(index, stride):
    return (index + 0.5) * stride - 0.5


def draw_vector_field(image, fields, stride, length, threshold=0.1):
    """Arrows of (C, 2, h, w) fields, one colour per channel pair; each
    arrow starts at its cell centre and is ``length`` × the vector long."""
    canvas = image.copy()
    for c, (fx, fy) in enumerate(fields):
        colour = PALETTE[c % len(PALETTE)]
        for y, x in zip(*np.nonzero(np.hypot(fx, fy) > threshold)):
            start = (cell_centre(x, stride[0]), cell_centre(y, stride[1]))
            end = (start[0] + length * fx[y, x], start[1] + length * fy[y, x])
            cv2.arrowedLine(canvas, tuple(int(round(v)) for v in start),
                            tuple(int(round(v)) for v in end), colour, 1,
                            tipLength=0.3)
    return canvas


def write(folder, name, image):
    path = osp.join(folder, name)
    cv2.imwrite(path, image)
    print(f'  wrote {path}', flush=True)
    return path


def draw_sample_targets(cfg, sample, folder):
    """Every target field the codec encoded for this sample."""
    fields = sample['data_samples'].gt_fields
    image = input_image(sample)
    w, h = image.shape[1], image.shape[0]
    written = [write(folder, 'input.png', image)]
    heatmaps = fields.heatmaps.numpy()
    stride = (w / heatmaps.shape[-1], h / heatmaps.shape[-2])
    codec = cfg.codec if isinstance(cfg.codec, dict) else cfg.codec[0]
    keypoint_maps = heatmaps[:-1] if codec['type'] == 'PartAffinityFields' \
        else heatmaps
    written.append(write(folder, 'heatmaps.png',
                         overlay(image, keypoint_maps.max(axis=0))))
    if 'pafs' in fields:
        pafs = fields.pafs.numpy()
        written.append(write(folder, 'pafs.png', draw_vector_field(
            image, pafs.reshape(-1, 2, *pafs.shape[-2:]), stride,
            length=stride[0])))
    if 'limb_attention' in fields:
        written.append(write(folder, 'limb_attention.png', overlay(
            image, fields.limb_attention.numpy().max(axis=0))))
    if 'offsets' in fields and 'offset_weights' in fields:
        offsets = fields.offsets.numpy().reshape(-1, 2, *heatmaps.shape[-2:])
        offsets = offsets * fields.offset_weights.numpy()[:, None]
        # offsets are in cells: fd x offset is the shift in input pixels
        written.append(write(folder, 'block_offsets.png', draw_vector_field(
            image, offsets, stride, length=stride[0], threshold=1e-3)))
    elif 'offsets' in fields:  # CAL: offsets to the keypoint on the disks
        offsets = fields.offsets.numpy().reshape(-1, 2, *heatmaps.shape[-2:])
        offsets = offsets * (heatmaps > 0)[:, None]
        written.append(write(folder, 'cal_offsets.png', draw_vector_field(
            image, offsets, stride, length=codec.get('offset_scale', 1.5) *
            stride[0], threshold=1e-3)))
    return written


def draw_predictions(cfg, checkpoint, sample, folder):
    """The checkpoint's maps for this sample (and CAL's mixture mask)."""
    import torch
    from mmengine.dataset import pseudo_collate
    from mmpose.apis import init_model
    model = init_model(cfg, checkpoint, device='cpu')
    batch = model.data_preprocessor(pseudo_collate([sample]), training=False)
    with torch.no_grad():
        outputs = model._forward(batch['inputs'])
    image = input_image(sample)
    written = []
    if isinstance(outputs, list):  # multi-stage PAF head: the last stage
        pafs, heatmaps, _ = outputs[-1]
        heatmaps = heatmaps[:, :-1]
        stride = image.shape[1] / pafs.shape[-1]
        written.append(write(folder, 'pred_pafs.png', draw_vector_field(
            image, pafs[0].numpy().reshape(-1, 2, *pafs.shape[-2:]),
            (stride, stride), length=stride)))
    elif isinstance(outputs, tuple):  # (heatmaps, offsets) or (LR, HR)
        heatmaps = outputs[-1] if outputs[-1].shape[1] == outputs[0].shape[
            1] else outputs[0]
    else:
        heatmaps = outputs
    written.append(write(folder, 'pred_heatmaps.png', overlay(
        image, heatmaps[0].numpy().max(axis=0))))
    loss_module = getattr(model.head, 'loss_module', None)
    if hasattr(loss_module, 'offset_weights'):  # CAL
        fields = sample['data_samples'].gt_fields
        instance = sample['data_samples'].gt_instance_labels
        gt = fields.heatmaps[None]
        stage = int(loss_module.stage)
        loss_module.set_stage(2)
        try:
            mask = loss_module.offset_weights(
                outputs[0], gt, instance.keypoint_weights,
                instance.heatmap_keypoints)
        finally:
            loss_module.set_stage(stage)
        written.append(write(folder, 'cal_mixture_mask.png', overlay(
            image, mask[0].numpy().max(axis=0))))
    return written


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config')
    parser.add_argument('--checkpoint', help='also draw its predicted maps')
    parser.add_argument('--index', type=int, default=0,
                        help='sample of the training set')
    parser.add_argument('--output-dir', default='work_dirs/targets')
    args = parser.parse_args()
    from mmpose.utils import register_all_modules

    from mmpose_ext.utils import load_config
    register_all_modules()
    cfg = load_config(args.config)
    if args.checkpoint and not osp.isfile(args.checkpoint):
        sys.exit(f'draw_targets: no checkpoint at {args.checkpoint}')
    os.makedirs(args.output_dir, exist_ok=True)
    print(f'sample {args.index} of {args.config}:', flush=True)
    sample = load_sample(cfg, args.index)
    written = draw_sample_targets(cfg, sample, args.output_dir)
    if args.checkpoint:
        print(f'predictions of {args.checkpoint}:', flush=True)
        written += draw_predictions(cfg, args.checkpoint, sample,
                                    args.output_dir)
    print(f'{len(written)} PNG files in {args.output_dir}')


if __name__ == '__main__':
    main()
