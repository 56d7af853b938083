# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""A 2-D Gaussian mixture fitted by expectation-maximisation, in torch.

Used by Confidence-Aware Learning to model the displacements between predicted
heatmap peaks and ground-truth keypoints of a mini-batch (eq. (12) of Wang et
al., *Low-resolution Human Pose Estimation*). Everything runs on the points'
device in a fixed number of batched tensor operations: no Python loop over
points or samples, no host synchronisation inside the EM iterations, no
scikit-learn.
"""
import math
from typing import NamedTuple, Optional

import torch
from torch import Tensor


class GaussianMixture(NamedTuple):
    """Parameters of a mixture of C Gaussians in 2-D.

    - weights: (C, ) mixing proportions, summing to 1
    - means: (C, 2)
    - covariances: (C, 2, 2), symmetric positive definite
    """
    weights: Tensor
    means: Tensor
    covariances: Tensor


def _initial_mixture(points: Tensor, num_components: int,
                     reg_covar: float) -> GaussianMixture:
    """Deterministic start: the points sorted along their principal axis and
    cut into ``num_components`` equal groups, each group's mean and covariance."""
    centred = points - points.mean(dim=0)
    _, _, vh = torch.linalg.svd(centred, full_matrices=False)
    order = torch.argsort(centred @ vh[0])
    groups = torch.tensor_split(points[order], num_components)
    means = torch.stack([g.mean(dim=0) for g in groups])
    covariances = torch.stack([
        torch.cov(g.T, correction=0).reshape(2, 2) for g in groups
    ]) + reg_covar * torch.eye(2, dtype=points.dtype, device=points.device)
    weights = torch.full((num_components, ), 1. / num_components,
                         dtype=points.dtype, device=points.device)
    return GaussianMixture(weights, means, covariances)


def gaussian_log_density(points: Tensor, means: Tensor,
                         covariances: Tensor) -> Tensor:
    """log N(x | μ_c, Σ_c) for every point and component.

    Args:
        points (Tensor): (P, 2)
        means (Tensor): (C, 2)
        covariances (Tensor): (C, 2, 2)

    Returns:
        Tensor: (P, C)
    """
    a, b = covariances[:, 0, 0], covariances[:, 0, 1]
    d = covariances[:, 1, 1]
    det = a * d - b * b
    diff = points[:, None, :] - means[None]  # (P, C, 2)
    dx, dy = diff[..., 0], diff[..., 1]
    mahalanobis = (d * dx * dx - 2 * b * dx * dy + a * dy * dy) / det
    return -0.5 * mahalanobis - 0.5 * torch.log(det) - math.log(2 * math.pi)


def mixture_density(points: Tensor, mixture: GaussianMixture) -> Tensor:
    """Mixture density H(x; θ) at every point: (P, 2) -> (P, )."""
    log_density = gaussian_log_density(points, mixture.means,
                                       mixture.covariances)
    return torch.logsumexp(log_density + torch.log(mixture.weights), dim=1).exp()


def fit_gaussian_mixture(points: Tensor,
                         num_components: int = 1,
                         num_iters: int = 30,
                         reg_covar: float = 1e-6,
                         min_variance: float = 1e-6
                         ) -> Optional[GaussianMixture]:
    """Maximum-likelihood Gaussian mixture of 2-D points by EM (eq. (12)).

    One component has the closed-form answer (sample mean and covariance),
    which EM reaches in its first M-step; more components run ``num_iters``
    EM iterations from a deterministic start.

    Args:
        points (Tensor): (P, 2), on any device
        num_components (int): C >= 1
        num_iters (int): EM iterations for C > 1
        reg_covar (float): added to the covariance diagonals, as in
            scikit-learn, so that covariances stay invertible
        min_variance (float): a point set whose smallest principal variance
            is below this is degenerate

    Returns:
        GaussianMixture | None: None when the points cannot support the
        mixture: fewer points than components, (near) zero variance, or
        non-finite parameters after fitting.
    """
    if num_components < 1:
        raise ValueError(f'num_components must be >= 1, got {num_components}')
    points = points.reshape(-1, 2)
    points = points[torch.isfinite(points).all(dim=1)]
    if points.shape[0] < max(num_components, 2):
        return None
    data_cov = torch.cov(points.T, correction=0)
    if torch.linalg.eigvalsh(data_cov)[0] < min_variance:
        return None
    eye = torch.eye(2, dtype=points.dtype, device=points.device)

    if num_components == 1:
        mixture = GaussianMixture(
            torch.ones(1, dtype=points.dtype, device=points.device),
            points.mean(dim=0, keepdim=True), (data_cov + reg_covar * eye)[None])
    else:
        mixture = _initial_mixture(points, num_components, reg_covar)
        for _ in range(num_iters):
            # E-step: responsibilities (P, C)
            log_resp = gaussian_log_density(
                points, mixture.means, mixture.covariances) + torch.log(
                    mixture.weights.clamp_min(1e-12))
            resp = torch.softmax(log_resp, dim=1)
            # M-step
            counts = resp.sum(dim=0) + 10 * torch.finfo(points.dtype).eps
            means = resp.T @ points / counts[:, None]
            diff = points[:, None, :] - means[None]  # (P, C, 2)
            covariances = torch.einsum('pc,pci,pcj->cij', resp, diff,
                                       diff) / counts[:, None, None]
            mixture = GaussianMixture(counts / points.shape[0], means,
                                      covariances + reg_covar * eye)
    if not all(torch.isfinite(t).all() for t in mixture):
        return None
    return mixture
