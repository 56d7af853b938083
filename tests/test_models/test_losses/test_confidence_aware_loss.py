# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""ConfidenceAwareLoss against values computed by hand (eqs. (14), (15)) and
its Mixed Gaussian Masks against torch's own Gaussian density (Algorithm 1)."""
import os.path as osp
import sys
from unittest import mock

import pytest
import torch

from mmpose_ext.models.losses import (ConfidenceAwareLoss, mixed_gaussian_masks,
                                      peak_displacements)

LOSS_MODULE = 'mmpose_ext.models.losses.confidence_aware_loss'
WORKER = osp.join(osp.dirname(__file__), 'gmm_gather_worker.py')


def _one_joint_maps():
    """One joint on 3×3 maps: G = 0.8 at the centre, 0.2 left of it; the
    target offset at the centre is (0.5, -0.5)."""
    gt_heatmaps = torch.zeros(1, 1, 3, 3)
    gt_heatmaps[0, 0, 1, 1] = 0.8
    gt_heatmaps[0, 0, 1, 0] = 0.2
    gt_offsets = torch.zeros(1, 2, 3, 3)
    gt_offsets[0, 0, 1, 1], gt_offsets[0, 1, 1, 1] = 0.5, -0.5
    return gt_heatmaps, gt_offsets


def test_stage1_by_hand():
    gt_heatmaps, gt_offsets = _one_joint_maps()
    pred_heatmaps = torch.zeros(1, 1, 3, 3)
    pred_offsets = torch.zeros(1, 2, 3, 3)
    pred_offsets[0, 0, 1, 0] = 2.0  # an error where G = 0.2
    loss = ConfidenceAwareLoss(alpha=3.0)
    out = loss(pred_heatmaps, pred_offsets, gt_heatmaps, gt_offsets,
               torch.ones(1, 1), torch.tensor([[[1.0, 1.0]]]))
    # L2: (0.8² + 0.2²) / 9 pixels
    assert out['loss_heatmap'].item() == pytest.approx((0.64 + 0.04) / 9)
    # α · Σ G·|O − Ô| / 9 = 3 · (0.8·(0.5 + 0.5) + 0.2·2) / 9
    assert out['loss_offset'].item() == pytest.approx(3 * (0.8 + 0.4) / 9)


def test_invisible_joints_weigh_nothing():
    gt_heatmaps, gt_offsets = _one_joint_maps()
    loss = ConfidenceAwareLoss()
    out = loss(torch.rand(1, 1, 3, 3), torch.rand(1, 2, 3, 3), gt_heatmaps,
               gt_offsets, torch.zeros(1, 1), torch.tensor([[[1.0, 1.0]]]))
    assert out['loss_heatmap'].item() == 0
    assert out['loss_offset'].item() == 0


@pytest.mark.parametrize('kind,expected', [
    ('smooth_l1', 0.8 * (0.125 + 0.125) + 0.2 * 1.5),
    ('l2', 0.8 * (0.25 + 0.25) + 0.2 * 4.0),
])
def test_offset_loss_types(kind, expected):
    gt_heatmaps, gt_offsets = _one_joint_maps()
    pred_offsets = torch.zeros(1, 2, 3, 3)
    pred_offsets[0, 0, 1, 0] = 2.0
    out = ConfidenceAwareLoss(offset_loss=kind)(
        torch.zeros(1, 1, 3, 3), pred_offsets, gt_heatmaps, gt_offsets,
        torch.ones(1, 1), torch.tensor([[[1.0, 1.0]]]))
    assert out['loss_offset'].item() == pytest.approx(expected / 9)


def test_peak_displacements():
    heatmaps = torch.zeros(2, 1, 5, 6)
    heatmaps[0, 0, 3, 4] = 1.0  # peak at x=4, y=3
    heatmaps[1, 0, 0, 1] = 1.0
    keypoints = torch.tensor([[[3.5, 3.25]], [[1.0, 0.0]]])
    d = peak_displacements(heatmaps, keypoints)
    assert d.tolist() == [[[0.5, -0.25]], [[0.0, 0.0]]]


def test_mixed_gaussian_masks_are_the_normalised_density_on_the_grid():
    g = torch.Generator().manual_seed(0)
    mean = torch.tensor([0.6, -0.4], dtype=torch.float64)
    cov = torch.tensor([[1.5, 0.3], [0.3, 0.8]], dtype=torch.float64)
    displacements = torch.randn(20000, 2, generator=g, dtype=torch.float64) \
        @ torch.linalg.cholesky(cov).T + mean
    keypoints = torch.tensor([[[10.3, 7.6], [3.0, 3.0]]])  # (B=1, K=2, 2)
    masks = mixed_gaussian_masks(displacements, keypoints, (20, 16),
                                 radius=3, num_components=1)
    assert masks.shape == (1, 2, 16, 20)

    steps = torch.arange(-3, 4, dtype=torch.float64)
    gy, gx = torch.meshgrid(steps, steps, indexing='ij')
    grid = torch.stack([gx, gy], -1).reshape(-1, 2)
    fitted = torch.distributions.MultivariateNormal(
        displacements.mean(0), torch.cov(displacements.T, correction=0))

    def expected_window(y, centre):
        # density at p - y for the 7x7 grid points p around ``centre``
        points = grid + torch.tensor(centre, dtype=torch.float64)
        density = fitted.log_prob(
            points - torch.tensor(y, dtype=torch.float64)).exp().reshape(7, 7)
        return (density - density.min()) / (density.max() - density.min())

    # joint 0: window around the nearest pixel (10, 8), density at p - y
    expected = expected_window((10.3, 7.6), (10, 8))
    window = masks[0, 0, 8 - 3:8 + 4, 10 - 3:10 + 4].double()
    assert torch.allclose(window, expected, atol=1e-5)
    assert masks[0, 0].sum().double() == pytest.approx(
        float(expected.sum()), abs=1e-4)  # nothing outside the window
    assert masks.min() >= 0 and masks.max() == pytest.approx(1.0)
    # joint 1 near the corner: the window is cut by the map border
    assert torch.allclose(masks[0, 1, 0:7, 0:7].double(),
                          expected_window((3.0, 3.0), (3, 3)), atol=1e-5)


def test_mask_of_a_joint_on_a_half_pixel_weighs_both_neighbours_alike():
    """The two equally likely argmax pixels of a joint at x = 10.5 get the
    same weight (the density is taken at p - y, not p - round(y))."""
    g = torch.Generator().manual_seed(1)
    displacements = torch.randn(5000, 2, generator=g,
                                dtype=torch.float64) * 0.6
    keypoints = torch.tensor([[[10.5, 8.0]]])
    masks = mixed_gaussian_masks(displacements, keypoints, (20, 16),
                                 radius=3, num_components=1)
    left, right = masks[0, 0, 8, 10].item(), masks[0, 0, 8, 11].item()
    assert left == pytest.approx(right, abs=0.05)
    assert min(left, right) > 0.6
    # centred on the rounded keypoint (the old reading), they differ
    rounded = mixed_gaussian_masks(displacements, keypoints.round(),
                                   (20, 16), radius=3, num_components=1)
    assert abs(rounded[0, 0, 8, 10] - rounded[0, 0, 8, 11]) > 0.5


def test_stage2_uses_masks_inside_the_disk():
    torch.manual_seed(0)
    B, K, H, W = 4, 3, 12, 10
    keypoints = torch.rand(B, K, 2) * torch.tensor([W - 1.0, H - 1.0])
    ys, xs = torch.meshgrid(torch.arange(H), torch.arange(W), indexing='ij')
    dist2 = (xs - keypoints[..., 0, None, None])**2 + \
        (ys - keypoints[..., 1, None, None])**2
    gt_heatmaps = torch.exp(-dist2 / 2) * (dist2 <= 9)
    pred_heatmaps = torch.rand(B, K, H, W)
    gt_offsets = torch.rand(B, 2 * K, H, W)
    pred_offsets = torch.rand(B, 2 * K, H, W)
    weights = torch.ones(B, K)
    loss = ConfidenceAwareLoss(radius=3, stage=2)
    out = loss(pred_heatmaps, pred_offsets, gt_heatmaps, gt_offsets, weights,
               keypoints)
    masks = mixed_gaussian_masks(
        peak_displacements(pred_heatmaps, keypoints).reshape(-1, 2),
        keypoints, (W, H), radius=3, num_components=1)
    error = (pred_offsets - gt_offsets).abs().reshape(B, K, 2, H, W).sum(2)
    expected = (error * masks * (gt_heatmaps > 0)).mean()
    assert out['loss_offset'].item() == pytest.approx(expected.item())


def test_binary_stage2_mask():
    gt_heatmaps, gt_offsets = _one_joint_maps()
    pred_offsets = torch.zeros(1, 2, 3, 3)
    pred_offsets[0, 0, 1, 0] = 2.0
    out = ConfidenceAwareLoss(stage=2, stage2_mask='binary')(
        torch.zeros(1, 1, 3, 3), pred_offsets, gt_heatmaps, gt_offsets,
        torch.ones(1, 1), torch.tensor([[[1.0, 1.0]]]))
    assert out['loss_offset'].item() == pytest.approx((1.0 + 2.0) / 9)


def test_degenerate_batch_falls_back_to_g_with_a_warning():
    gt_heatmaps, gt_offsets = _one_joint_maps()
    args = (torch.rand(1, 1, 3, 3), torch.rand(1, 2, 3, 3), gt_heatmaps,
            gt_offsets, torch.ones(1, 1), torch.tensor([[[1.0, 1.0]]]))
    stage1 = ConfidenceAwareLoss(stage=1)(*args)
    with mock.patch(f'{LOSS_MODULE}.print_log') as log:
        # one visible joint cannot support a Gaussian
        stage2 = ConfidenceAwareLoss(stage=2)(*args)
    assert log.call_count == 1
    assert 'w = G' in log.call_args[0][0]
    assert torch.isfinite(stage2['loss_offset'])
    assert stage2['loss_offset'].item() == pytest.approx(
        stage1['loss_offset'].item())


def test_stage_is_saved_and_restored_with_the_state_dict():
    loss = ConfidenceAwareLoss()
    loss.set_stage(2)
    restored = ConfidenceAwareLoss()
    restored.load_state_dict(loss.state_dict())
    assert int(restored.stage) == 2
    with pytest.raises(ValueError, match='stage must be 1 or 2'):
        loss.set_stage(3)


@pytest.mark.parametrize('kwargs,message', [
    (dict(stage2_mask='gaussian'), 'stage2_mask'),
    (dict(offset_loss='huber'), 'offset_loss'),
    (dict(stage=0), 'stage must be'),
    (dict(radius=0), 'radius'),
    (dict(num_components=0), 'num_components'),
])
def test_bad_arguments_are_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ConfidenceAwareLoss(**kwargs)


def test_all_invisible_batch_in_stage2_is_zero_not_nan():
    with mock.patch(f'{LOSS_MODULE}.print_log') as log:
        out = ConfidenceAwareLoss(stage=2)(
            torch.rand(2, 3, 8, 8), torch.rand(2, 6, 8, 8),
            torch.zeros(2, 3, 8, 8), torch.zeros(2, 6, 8, 8),
            torch.zeros(2, 3), torch.zeros(2, 3, 2))
    assert log.call_count == 1  # no points for the mixture: fallback
    assert out['loss_heatmap'].item() == 0 and out['loss_offset'].item() == 0


@pytest.mark.parametrize('split', [3, 4])  # equal-ish and unequal shares
def test_two_ranks_fit_the_mixture_of_the_whole_batch(tmp_path, split):
    """Under DDP the displacements of all ranks are gathered before the fit:
    each rank's masks equal the one-process masks of the whole batch."""
    from ...conftest import free_port, run_tool
    from .gmm_gather_worker import fixed_batch
    pred, gt, weights, keypoints = fixed_batch()
    single = ConfidenceAwareLoss(radius=3, stage=2).offset_weights(
        pred, gt, weights, keypoints)
    # what each rank alone would fit differs (the test can fail)
    alone = ConfidenceAwareLoss(radius=3, stage=2).offset_weights(
        pred[:split], gt[:split], weights[:split], keypoints[:split])
    assert not torch.allclose(alone, single[:split], atol=1e-3)

    result = run_tool([
        sys.executable, '-m', 'torch.distributed.run', '--nproc_per_node',
        '2', '--master_port', str(free_port()), WORKER, str(split),
        str(tmp_path / 'rank')
    ], timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    ranks = [torch.load(tmp_path / f'rank{r}.pth', weights_only=True)
             for r in (0, 1)]
    gathered = torch.cat([r['masks'] for r in ranks])
    torch.testing.assert_close(gathered, single, rtol=0, atol=1e-6)
    assert [r['warnings'] for r in ranks] == [0, 0]


def test_degenerate_gathered_batch_warns_once_not_per_rank(tmp_path):
    from ...conftest import free_port, run_tool
    result = run_tool([
        sys.executable, '-m', 'torch.distributed.run', '--nproc_per_node',
        '2', '--master_port', str(free_port()), WORKER, '3',
        str(tmp_path / 'rank'), 'one'
    ], timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    from .gmm_gather_worker import fixed_batch
    _, gt, _, _ = fixed_batch('one')
    ranks = [torch.load(tmp_path / f'rank{r}.pth', weights_only=True)
             for r in (0, 1)]
    assert [r['warnings'] for r in ranks] == [1, 0]
    # w = G on both ranks
    torch.testing.assert_close(torch.cat([r['masks'] for r in ranks]), gt)
