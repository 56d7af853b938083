# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""Keypoint error of an EnhanceNet model decoded from M^LR and from M^HR.

Runs a trained ``BeliefMapEnhancementHead`` model on a config's test set (the
bundled COCO sample for the tiny config), decodes every person twice (the
low-resolution maps with the config's ``codec``, the enhanced maps with the
head's decoder), maps both to image pixels and prints the mean distance to the
labelled ground truth, without and with flip test.

    python tools/analysis_tools/evaluate_enhancenet_maps.py CONFIG CHECKPOINT
"""
import argparse

import numpy as np
import torch
from mmengine.dataset import pseudo_collate
from mmpose.apis import init_model
from mmpose.models.utils.tta import flip_heatmaps
from mmpose.registry import DATASETS, KEYPOINT_CODECS

import mmpose_ext  # noqa: F401


def to_image(keypoints, sample):
    """Input-space keypoints (K, 2) to image pixels, as TopdownPoseEstimator."""
    meta = sample.metainfo
    return keypoints / meta['input_size'] * meta['input_scale'] + \
        meta['input_center'] - 0.5 * meta['input_scale']


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    args = parser.parse_args()

    model = init_model(args.config, args.checkpoint, device='cpu')
    cfg = model.cfg
    lr_codec = KEYPOINT_CODECS.build(cfg.codec)
    hr_codec = model.head.decoder
    dataset = DATASETS.build(cfg.test_dataloader.dataset)
    flip_indices = dataset.metainfo['flip_indices']
    errors = {(m, f): [] for m in ('M^LR', 'M^HR') for f in (False, True)}
    with torch.no_grad():
        for index in range(len(dataset)):
            data = model.data_preprocessor(
                pseudo_collate([dataset[index]]), training=False)
            sample = data['data_samples'][0]
            inputs = data['inputs']
            maps = model.head.forward(model.extract_feat(inputs))
            flipped = model.head.forward(model.extract_feat(inputs.flip(-1)))
            gt = sample.gt_instances.keypoints[0]
            visible = sample.gt_instances.keypoints_visible[0] > 0
            for level, codec, shift in ((0, lr_codec, True),
                                        (1, hr_codec, False)):
                name = 'M^LR' if level == 0 else 'M^HR'
                plain = maps[level]
                mean = 0.5 * (plain + flip_heatmaps(
                    flipped[level], flip_indices=flip_indices,
                    shift_heatmap=shift))
                for use_flip, heatmaps in ((False, plain), (True, mean)):
                    keypoints, _ = codec.decode(heatmaps[0].numpy())
                    pred = to_image(keypoints[0], sample)
                    errors[name, use_flip].append(
                        np.linalg.norm(pred - gt, axis=1)[visible])
    print(f'Mean keypoint error in image pixels over {len(dataset)} persons '
          f'({sum(len(e) for e in errors["M^LR", False])} labelled keypoints)')
    for (name, use_flip), values in errors.items():
        print(f'  {name}{" + flip" if use_flip else "":8} '
              f'{np.concatenate(values).mean():.3f} px')


if __name__ == '__main__':
    main()
