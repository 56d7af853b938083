# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""Draw, over a real image, what a config trains on and what a checkpoint
predicts, as PNG files, with the package's ``PartAffinityFieldVisualizer``:

- ``<field>.png`` for every map the codec encodes: ``heatmaps`` (keypoint
  channels only), ``pafs`` (arrows coloured by limb), ``limb_attention``
  (SALM, eqs. (15), (16)), ``offsets`` (RIE's block-inside offsets of eq.
  (7), CAL's offsets on the disks)
- ``pred_<field>.png``: the checkpoint's maps on a sample of the config's
  test pipeline
- ``mixture_mask.png``: with a loss that fits a mask to the predicted
  heatmaps (CAL's Mixed Gaussian Mask), that mask on this sample

The sample goes through the config's train pipeline with the random
transforms left out.

    python tools/analysis_tools/draw_targets.py CONFIG [--checkpoint CKPT]
        [--index 0] [--output-dir work_dirs/targets]
"""
import argparse
import os
import os.path as osp

import cv2
import numpy as np

from mmpose_ext.utils import ConfigError

RANDOM_TRANSFORMS = ('RandomFlip', 'RandomBBoxTransform', 'RandomHalfBody',
                     'PhotometricDistortion', 'Albumentation')
#: the fields drawn, in file order
FIELDS = ('heatmaps', 'pafs', 'limb_attention', 'offsets')


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


def load_sample(dataset_cfg, index, pipeline=None):
    """Sample ``index`` of a dataset config (with ``pipeline`` if given)."""
    from mmpose.registry import DATASETS
    dataset_cfg = dataset_cfg.copy()
    if pipeline is not None:
        dataset_cfg.pipeline = pipeline
    dataset = DATASETS.build(dataset_cfg)
    if not 0 <= index < len(dataset):
        raise ConfigError(f'--index {index}: the dataset has {len(dataset)} '
                          'samples')
    return dataset, dataset[index]


def input_image(sample):
    """The network input as an RGB uint8 image (H, W, 3) (the pipelines
    load BGR)."""
    image = sample['inputs'].numpy().transpose(1, 2, 0)[..., ::-1]
    return np.ascontiguousarray(image.astype(np.uint8))


def write(folder, name, rgb):
    path = osp.join(folder, name)
    cv2.imwrite(path, rgb[..., ::-1])
    print(f'  wrote {path}', flush=True)
    return path


def draw_fields(visualizer, fields, image, folder, prefix=''):
    """One PNG per drawable field map of ``fields``."""
    written = []
    for key in FIELDS:
        drawn = visualizer.draw_field_maps(fields, image, keys=[key])
        if drawn is not None:
            written.append(write(folder, f'{prefix}{key}.png', drawn))
    return written


def draw_predictions(cfg, checkpoint, visualizer, index, folder):
    """The checkpoint's maps on test-pipeline sample ``index``."""
    from mmengine.dataset import pseudo_collate
    from mmpose.apis import init_model
    model = init_model(cfg, checkpoint, device='cpu')
    model.test_cfg.update(output_heatmaps=True, flip_test=False,
                          multiscale_test=False)
    _, sample = load_sample(cfg.val_dataloader.dataset, index)
    (result, ) = model.test_step(pseudo_collate([sample]))
    return model, draw_fields(visualizer, result.pred_fields,
                              input_image(sample), folder, prefix='pred_')


def draw_loss_mask(model, sample, visualizer, folder):
    """A loss's mask fitted to the model's heatmaps on the training sample
    (the loss module's ``offset_weights``: CAL's Mixed Gaussian Mask)."""
    import torch
    from mmengine.dataset import pseudo_collate
    from mmengine.structures import PixelData
    loss_module = getattr(model.head, 'loss_module', None)
    if not hasattr(loss_module, 'offset_weights'):
        return []
    batch = model.data_preprocessor(pseudo_collate([sample]), training=False)
    with torch.no_grad():
        heatmaps = model._forward(batch['inputs'])[0]
    fields = sample['data_samples'].gt_fields
    instance = sample['data_samples'].gt_instance_labels
    stage = int(loss_module.stage)
    loss_module.set_stage(2)
    try:
        mask = loss_module.offset_weights(heatmaps, fields.heatmaps[None],
                                          instance.keypoint_weights,
                                          instance.heatmap_keypoints)
    finally:
        loss_module.set_stage(stage)
    return [write(folder, 'mixture_mask.png', visualizer.draw_field_maps(
        PixelData(heatmaps=mask[0]), input_image(sample), keys=['heatmaps']))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config')
    parser.add_argument('--checkpoint', help='also draw its predicted maps')
    parser.add_argument('--index', type=int, default=0,
                        help='sample of the training (and test) set')
    parser.add_argument('--output-dir', default='work_dirs/targets')
    args = parser.parse_args()
    from mmpose.utils import register_all_modules

    from mmpose_ext.utils import load_config
    from mmpose_ext.visualization import PartAffinityFieldVisualizer
    register_all_modules()
    cfg = load_config(args.config)
    if args.checkpoint and not osp.isfile(args.checkpoint):
        raise ConfigError(f'--checkpoint {args.checkpoint}: no such file')
    os.makedirs(args.output_dir, exist_ok=True)
    print(f'sample {args.index} of {args.config}:', flush=True)
    dataset, sample = load_sample(
        cfg.train_dataloader.dataset, args.index,
        deterministic_pipeline(cfg.train_dataloader.dataset.pipeline))
    visualizer = PartAffinityFieldVisualizer(
        name='draw_targets', draw_offsets=True)
    visualizer.set_dataset_meta(dataset.metainfo)
    image = input_image(sample)
    written = [write(args.output_dir, 'input.png', image)]
    written += draw_fields(visualizer, sample['data_samples'].gt_fields,
                           image, args.output_dir)
    if args.checkpoint:
        print(f'predictions of {args.checkpoint}:', flush=True)
        model, drawn = draw_predictions(cfg, args.checkpoint, visualizer,
                                        args.index, args.output_dir)
        written += drawn
        written += draw_loss_mask(model, sample, visualizer, args.output_dir)
    print(f'{len(written)} PNG files in {args.output_dir}')


if __name__ == '__main__':
    from mmpose_ext.utils import run_tool
    run_tool(main, 'draw_targets.py')
