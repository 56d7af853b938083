# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""EM recovers known mixtures; degenerate point sets are reported, not fitted."""
import math

import pytest
import torch

from mmpose_ext.models.utils import (fit_gaussian_mixture, gaussian_log_density,
                                     mixture_density)


def _samples(mean, cov, n, generator):
    chol = torch.linalg.cholesky(torch.tensor(cov, dtype=torch.float64))
    noise = torch.randn(n, 2, generator=generator, dtype=torch.float64)
    return noise @ chol.T + torch.tensor(mean, dtype=torch.float64)


def _assert_close_cov(fitted, true):
    true = torch.tensor(true, dtype=torch.float64)
    # within 10% of the true covariance (Frobenius norm)
    assert torch.linalg.norm(fitted - true) <= 0.1 * torch.linalg.norm(true)


def test_recovers_one_component():
    g = torch.Generator().manual_seed(0)
    cov = [[1.2, 0.4], [0.4, 0.6]]
    points = _samples([0.7, -0.3], cov, 4000, g)
    mixture = fit_gaussian_mixture(points, num_components=1)
    assert torch.allclose(mixture.weights, torch.ones(1, dtype=torch.float64))
    assert torch.dist(mixture.means[0],
                      torch.tensor([0.7, -0.3], dtype=torch.float64)) < 0.1
    _assert_close_cov(mixture.covariances[0], cov)


def test_recovers_two_components():
    g = torch.Generator().manual_seed(1)
    cov_a, cov_b = [[0.5, 0.1], [0.1, 0.3]], [[0.2, 0.0], [0.0, 0.9]]
    points = torch.cat([
        _samples([2.5, 1.0], cov_a, 3000, g),
        _samples([-2.0, -0.5], cov_b, 1500, g)
    ])
    mixture = fit_gaussian_mixture(points, num_components=2)
    order = torch.argsort(mixture.means[:, 0], descending=True)
    weights, means, covs = (mixture.weights[order], mixture.means[order],
                            mixture.covariances[order])
    assert torch.allclose(weights, torch.tensor([2 / 3, 1 / 3],
                                                dtype=torch.float64),
                          atol=0.02)
    assert torch.dist(means[0], torch.tensor([2.5, 1.0],
                                             dtype=torch.float64)) < 0.1
    assert torch.dist(means[1], torch.tensor([-2.0, -0.5],
                                             dtype=torch.float64)) < 0.1
    _assert_close_cov(covs[0], cov_a)
    _assert_close_cov(covs[1], cov_b)


def test_log_density_matches_torch_distributions():
    mean = torch.tensor([[0.5, -1.0]], dtype=torch.float64)
    cov = torch.tensor([[[1.0, 0.3], [0.3, 0.5]]], dtype=torch.float64)
    points = torch.tensor([[0.0, 0.0], [1.0, -2.0]], dtype=torch.float64)
    expected = torch.distributions.MultivariateNormal(
        mean[0], cov[0]).log_prob(points)
    assert torch.allclose(
        gaussian_log_density(points, mean, cov)[:, 0], expected)


def test_density_integrates_to_one():
    g = torch.Generator().manual_seed(2)
    mixture = fit_gaussian_mixture(
        torch.cat([_samples([1, 1], [[0.3, 0], [0, 0.3]], 500, g),
                   _samples([-1, 0], [[0.2, 0], [0, 0.4]], 500, g)]), 2)
    steps = torch.linspace(-6, 6, 241, dtype=torch.float64)
    gy, gx = torch.meshgrid(steps, steps, indexing='ij')
    density = mixture_density(torch.stack([gx, gy], -1).reshape(-1, 2),
                              mixture)
    area = (steps[1] - steps[0])**2
    assert math.isclose(float(density.sum() * area), 1.0, rel_tol=1e-3)


@pytest.mark.parametrize('points,components', [
    (torch.zeros(50, 2), 1),  # zero variance
    (torch.tensor([[1.0, 2.0]] * 20), 2),
    (torch.tensor([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]]), 1),  # on a line
    (torch.tensor([[0.5, 0.2]]), 1),  # a single point
    (torch.empty(0, 2), 1),
    (torch.full((5, 2), float('nan')), 1),
])
def test_degenerate_points_return_none(points, components):
    assert fit_gaussian_mixture(points, components) is None


def test_components_must_be_positive():
    with pytest.raises(ValueError, match='num_components'):
        fit_gaussian_mixture(torch.randn(10, 2), 0)
