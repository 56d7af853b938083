# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""Worker for test_confidence_aware_loss.py, launched by torchrun with 2 CPU
processes (gloo): each rank computes the stage-2 offset weights of its share
of a fixed batch and saves them with the number of warnings it logged.

    torchrun --nproc_per_node 2 gmm_gather_worker.py SPLIT OUT_PREFIX [visible]

SPLIT: samples of rank 0 (rank 1 takes the rest); ``visible`` limits the
visible joints to the first one of sample 0 (a degenerate batch).
"""
import sys
from unittest import mock

import torch
import torch.distributed as dist

from mmpose_ext.models.losses import ConfidenceAwareLoss


def fixed_batch(visible='all'):
    """5 samples, 4 joints, 12×10 maps; peaks scattered around the joints."""
    g = torch.Generator().manual_seed(0)
    B, K, H, W = 5, 4, 12, 10
    keypoints = torch.rand(B, K, 2, generator=g) * torch.tensor(
        [W - 1.0, H - 1.0])
    ys, xs = torch.meshgrid(torch.arange(H), torch.arange(W), indexing='ij')
    dist2 = (xs - keypoints[..., 0, None, None])**2 + \
        (ys - keypoints[..., 1, None, None])**2
    gt_heatmaps = torch.exp(-dist2 / 2) * (dist2 <= 9)
    pred_heatmaps = gt_heatmaps + 0.5 * torch.rand(B, K, H, W, generator=g)
    weights = torch.ones(B, K)
    weights[1, 2] = 0  # an invisible joint
    if visible == 'one':
        weights.zero_()
        weights[0, 0] = 1
    return pred_heatmaps, gt_heatmaps, weights, keypoints


def main():
    split, prefix = int(sys.argv[1]), sys.argv[2]
    visible = sys.argv[3] if len(sys.argv) > 3 else 'all'
    dist.init_process_group('gloo')
    rank = dist.get_rank()
    pred, gt, weights, keypoints = fixed_batch(visible)
    part = slice(0, split) if rank == 0 else slice(split, None)
    loss = ConfidenceAwareLoss(radius=3, stage=2)
    with mock.patch('mmpose_ext.models.losses.confidence_aware_loss.'
                    'print_log') as log:
        masks = loss.offset_weights(pred[part], gt[part], weights[part],
                                    keypoints[part])
    torch.save(dict(masks=masks, warnings=log.call_count),
               f'{prefix}{rank}.pth')
    dist.destroy_process_group()


if __name__ == '__main__':
    main()
