# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""KL self-supervision (eqs. (13), (14)) against eq. (13) written out."""
import math

import pytest
import torch
from mmpose.registry import MODELS

from mmpose_ext.models.losses import (channel_distributions,
                                      kl_divergence_of_maps)


def test_channel_distributions_sum_to_one_and_clamp_at_eps():
    maps = torch.tensor([[[[0., 1.], [3., -2.]]]])
    dist = channel_distributions(maps, eps=1e-3)
    expected = torch.tensor([1e-3, 1., 3., 1e-3]) / (4 + 2e-3)
    torch.testing.assert_close(dist.flatten(), expected)


def test_kl_equals_the_sum_of_eq_13_on_normalised_maps():
    """Eq. (13) written out in float64: each channel normalised over its
    pixels, sum of p·log(p/q) over channels and pixels, mean over the
    batch."""
    torch.manual_seed(0)
    expected, predicted = torch.rand(2, 3, 5, 4), torch.rand(2, 3, 5, 4)
    p = expected.double() / expected.double().sum(dim=(2, 3), keepdim=True)
    q = predicted.double() / predicted.double().sum(dim=(2, 3),
                                                    keepdim=True)
    reference = sum(
        float(p[b, c, i, j]) * math.log(float(p[b, c, i, j]) /
                                        float(q[b, c, i, j]))
        for b in range(2) for c in range(3) for i in range(5)
        for j in range(4)) / 2
    assert reference > 0.01
    value = kl_divergence_of_maps(expected, predicted, eps=1e-12)
    assert value.item() == pytest.approx(reference, rel=1e-5)
    assert kl_divergence_of_maps(expected, expected).item() == \
        pytest.approx(0., abs=1e-6)


def test_kl_by_hand_on_a_two_pixel_map():
    # p = (0.75, 0.25), q = (0.5, 0.5): KL = .75 ln 1.5 + .25 ln .5
    expected = torch.tensor([[[[3., 1.]]]])
    predicted = torch.tensor([[[[2., 2.]]]])
    value = kl_divergence_of_maps(expected, predicted, eps=1e-9)
    assert value.item() == pytest.approx(
        0.75 * torch.log(torch.tensor(1.5)).item() +
        0.25 * torch.log(torch.tensor(0.5)).item(), rel=1e-6)


def _loss(mode, **kwargs):
    return MODELS.build(
        dict(type='KLSelfSupervisionLoss', mode=mode, num_keypoints=2,
             num_limbs=3, hidden_channels=4, **kwargs))


def _maps(requires_grad=True):
    torch.manual_seed(1)
    pafs = torch.randn(2, 6, 8, 8, requires_grad=requires_grad)
    heatmaps = torch.rand(2, 3, 8, 8, requires_grad=requires_grad)
    return pafs, heatmaps, torch.randn(2, 6, 8, 8), torch.rand(2, 3, 8, 8)


def test_p2h_terms_and_gradients():
    loss = _loss('p2h')
    pafs, heatmaps, gt_pafs, gt_heatmaps = _maps()
    losses = loss(pafs, heatmaps, gt_pafs, gt_heatmaps)
    assert set(losses) == {'loss_paf_to_heatmap', 'loss_kl_heatmap'}
    predicted = loss.paf_to_heatmap(pafs)
    assert predicted.shape == (2, 3, 8, 8)
    assert losses['loss_paf_to_heatmap'].item() == pytest.approx(
        ((predicted - gt_heatmaps)**2).sum().item() / 2, rel=1e-5)
    assert losses['loss_kl_heatmap'].item() == pytest.approx(
        kl_divergence_of_maps(heatmaps, predicted).item(), rel=1e-5)
    # by default L_kl teaches both sides: the PAFs through the translation
    # net and the heatmaps F_s (Table I's gamma = 0 row must still train them)
    losses['loss_kl_heatmap'].backward()
    assert heatmaps.grad is not None and heatmaps.grad.abs().sum() > 0
    assert pafs.grad is not None and pafs.grad.abs().sum() > 0


@pytest.mark.parametrize('mode', ['p2h', 'h2p'])
def test_detach_expected_stops_the_gradient_at_the_expected_maps(mode):
    loss = _loss(mode, detach_expected=True)
    pafs, heatmaps, gt_pafs, gt_heatmaps = _maps()
    (kl, ) = [v for k, v in loss(pafs, heatmaps, gt_pafs, gt_heatmaps).items()
              if k.startswith('loss_kl')]
    kl.backward()
    expected, translated = (heatmaps, pafs) if mode == 'p2h' else (pafs,
                                                                   heatmaps)
    assert expected.grad is None
    assert translated.grad.abs().sum() > 0


def test_h2p_and_both_variants():
    pafs, heatmaps, gt_pafs, gt_heatmaps = _maps()
    h2p = _loss('h2p')
    assert h2p.paf_to_heatmap is None
    losses = h2p(pafs, heatmaps, gt_pafs, gt_heatmaps)
    assert set(losses) == {'loss_heatmap_to_paf', 'loss_kl_paf'}
    predicted = h2p.heatmap_to_paf(heatmaps)
    assert losses['loss_kl_paf'].item() == pytest.approx(
        kl_divergence_of_maps(pafs.abs(), predicted.abs()).item(), rel=1e-5)
    both = _loss('both')
    assert set(both(pafs, heatmaps, gt_pafs, gt_heatmaps)) == {
        'loss_paf_to_heatmap', 'loss_kl_heatmap', 'loss_heatmap_to_paf',
        'loss_kl_paf'
    }


def test_translation_net_is_three_convs_of_the_given_width():
    net = MODELS.build(
        dict(type='KLSelfSupervisionLoss', num_keypoints=17,
             num_limbs=19)).paf_to_heatmap
    convs = [m for m in net if isinstance(m, torch.nn.Conv2d)]
    assert [(c.in_channels, c.out_channels) for c in convs] == [(38, 128),
                                                               (128, 128),
                                                               (128, 18)]


def test_unknown_mode_is_refused():
    with pytest.raises(ValueError, match='mode'):
        MODELS.build(dict(type='KLSelfSupervisionLoss', mode='p2p',
                          num_keypoints=2, num_limbs=1))
