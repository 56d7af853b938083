# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""CAL's Gaussian mixture: does EM recover known mixtures, and what do the
Mixed Gaussian Masks cost inside a training step?

1. Recovery: samples from known 1- and 2-component mixtures (in heatmap
   pixels), fitted by :func:`fit_gaussian_mixture`; prints the largest mean
   error (px) and covariance error (relative, Frobenius).
2. Cost: one training step of HRNet-W32 + ConfidenceAwareHead at 128×96,
   batch 32, on the CPU, in stage 1 and in stage 2, and the time of the
   stage-2 mask computation alone (peak displacements, EM, masks) on the same
   predicted heatmaps. The paper reports the GMM at about 12% of training time.

    python tools/analysis_tools/benchmark_cal_gmm.py [--batch-size 32] [--steps 3]
"""
import argparse
from functools import partial

import numpy as np
import torch

from mmpose_ext.models.losses import mixed_gaussian_masks, peak_displacements
from mmpose_ext.models.utils import fit_gaussian_mixture
from mmpose_ext.utils import time_calls

# MMPose's HRNet-W32 (its top-down COCO config's backbone)
HRNET_W32_CONFIG = ('mmpose::body_2d_keypoint/topdown_heatmap/coco/'
                    'td-hm_hrnet-w32_8xb64-210e_coco-256x192.py')


def hrnet_w32_extra():
    from mmengine.hub import get_config
    return get_config(HRNET_W32_CONFIG).model.backbone.extra


def recovery():
    g = torch.Generator().manual_seed(0)
    cases = {
        '1 component':
        [(0.6, (0.4, -0.3), ((1.2, 0.4), (0.4, 0.6)))],
        '2 components': [(2 / 3, (2.5, 1.0), ((0.5, 0.1), (0.1, 0.3))),
                         (1 / 3, (-2.0, -0.5), ((0.2, 0.0), (0.0, 0.9)))],
    }
    print('EM recovery (10,000 samples; targets: means within 0.1 px, '
          'covariances within 10%)')
    for name, parts in cases.items():
        points = []
        for weight, mean, cov in parts:
            chol = torch.linalg.cholesky(torch.tensor(cov, dtype=torch.float64))
            n = int(round(10000 * weight)) if len(parts) > 1 else 10000
            points.append(
                torch.randn(n, 2, generator=g, dtype=torch.float64) @ chol.T +
                torch.tensor(mean, dtype=torch.float64))
        fitted = fit_gaussian_mixture(torch.cat(points), len(parts))
        mean_err, cov_err = 0.0, 0.0
        for _, mean, cov in parts:
            mean_t = torch.tensor(mean, dtype=torch.float64)
            cov_t = torch.tensor(cov, dtype=torch.float64)
            j = int(torch.argmin(torch.linalg.norm(fitted.means - mean_t,
                                                   dim=1)))
            mean_err = max(mean_err, float(torch.dist(fitted.means[j], mean_t)))
            cov_err = max(cov_err, float(
                torch.linalg.norm(fitted.covariances[j] - cov_t) /
                torch.linalg.norm(cov_t)))
        print(f'  {name}: max mean error {mean_err:.4f} px, '
              f'max covariance error {100 * cov_err:.2f}%')


def build_model():
    from mmpose.registry import MODELS
    from mmpose.utils import register_all_modules
    register_all_modules()
    codec = dict(type='ConfidenceAwareHeatmap', input_size=(96, 128),
                 heatmap_size=(24, 32), sigma=1, radius=4)
    return MODELS.build(
        dict(
            type='TopdownPoseEstimator',
            backbone=dict(type='HRNet', in_channels=3, extra=hrnet_w32_extra()),
            head=dict(type='ConfidenceAwareHead', in_channels=32,
                      out_channels=17, loss=dict(type='ConfidenceAwareLoss'),
                      decoder=codec)))


def cost(batch_size, steps):
    from mmpose.structures import PoseDataSample
    from mmengine.structures import InstanceData, PixelData

    torch.manual_seed(0)
    model = build_model()
    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    K, H, W = 17, 32, 24
    keypoints = torch.rand(batch_size, K, 2) * torch.tensor([W - 1., H - 1.])
    ys, xs = torch.meshgrid(torch.arange(H), torch.arange(W), indexing='ij')
    samples = []
    for b in range(batch_size):
        kp = keypoints[b]
        d2 = (xs - kp[:, 0, None, None])**2 + (ys - kp[:, 1, None, None])**2
        disk = d2 <= 16
        offsets = torch.stack([(kp[:, 0, None, None] - xs) * disk,
                               (kp[:, 1, None, None] - ys) * disk], 1) / 1.5
        sample = PoseDataSample()
        sample.gt_fields = PixelData(
            heatmaps=torch.exp(-d2 / 2) * disk,
            offsets=offsets.reshape(2 * K, H, W).float())
        sample.gt_instance_labels = InstanceData(
            keypoint_weights=torch.ones(1, K), heatmap_keypoints=kp[None])
        samples.append(sample)
    inputs = torch.randn(batch_size, 3, 128, 96)

    def step():
        optimizer.zero_grad()
        losses = model(inputs, samples, mode='loss')
        sum(v for k, v in losses.items() if k.startswith('loss')).backward()
        optimizer.step()

    loss = model.head.loss_module

    def step_at(stage):
        loss.set_stage(stage)
        step()

    times = time_calls({stage: partial(step_at, stage) for stage in (1, 2)},
                       repeats=steps)
    results = {stage: float(np.mean(t)) for stage, t in times.items()}

    with torch.no_grad():
        heatmaps, _ = model.head.forward(model.backbone(inputs))
    print(f'\nTraining step, HRNet-W32 + ConfidenceAwareHead, 128x96, batch '
          f'{batch_size}, CPU ({torch.get_num_threads()} threads), '
          f'mean of {steps} steps:')
    print(f'  stage 1 (w = G):   {results[1]:.3f} s')
    print(f'  stage 2 (w = MGM): {results[2]:.3f} s')

    def masks(components):  # peak displacements, EM, masks
        return mixed_gaussian_masks(
            peak_displacements(heatmaps, keypoints).reshape(-1, 2),
            keypoints, (W, H), radius=4, num_components=components)

    mask_times = time_calls(
        {components: partial(masks, components) for components in (1, 2)},
        repeats=20)
    for components, times in mask_times.items():
        mask_time = float(np.mean(times))
        print(f'  Mixed Gaussian Masks alone, {components} component(s): '
              f'{1000 * mask_time:.2f} ms = '
              f'{100 * mask_time / results[2]:.2f}% of a stage-2 step '
              '(target <= 2%; the paper: about 12%)')


def half_pixel_mask():
    """The Mixed Gaussian Mask of a joint on a half pixel (y = (10.5, 8)),
    the displacements N(0, 0.5² I) (10,000 samples): the density taken at
    p − y (now) against centred on the nearest grid point (before)."""
    g = torch.Generator().manual_seed(0)
    displacements = torch.randn(10000, 2, generator=g,
                                dtype=torch.float64) * 0.5
    keypoints = torch.tensor([[[10.5, 8.0]]])
    print('\nMixed Gaussian Mask of a joint at x = 10.5, row y = 8, '
          'pixels x = 8..13 (displacements N(0, 0.25 I)):')
    for name, centre in (('before (centred on round(y))', keypoints.round()),
                         ('now (density at p - y)', keypoints)):
        masks = mixed_gaussian_masks(displacements, centre, (20, 16),
                                     radius=4, num_components=1)
        values = ' '.join(f'{v:.2f}' for v in masks[0, 0, 8, 8:14].tolist())
        print(f'  {name:30s} {values}   (x = 10: {masks[0, 0, 8, 10]:.2f}, '
              f'x = 11: {masks[0, 0, 8, 11]:.2f})')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--batch-size', type=int, default=32)
    parser.add_argument('--steps', type=int, default=3)
    parser.add_argument('--skip-cost', action='store_true',
                        help='only the recovery and mask prints')
    args = parser.parse_args()
    recovery()
    half_pixel_mask()
    if not args.skip_cost:
        cost(args.batch_size, args.steps)


if __name__ == '__main__':
    main()
