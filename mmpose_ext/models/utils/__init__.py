# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
from .attention_context_block import AttentionContextBlock
from .gaussian_mixture import (GaussianMixture, fit_gaussian_mixture,
                               gaussian_log_density, mixture_density)

__all__ = [
    'AttentionContextBlock',     'GaussianMixture', 'fit_gaussian_mixture', 'gaussian_log_density',
    'mixture_density'
]
