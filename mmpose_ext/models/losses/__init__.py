# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
from .confidence_aware_loss import (ConfidenceAwareLoss, mixed_gaussian_masks,
                                    peak_displacements)
from .summed_squared_error_loss import SummedSquaredErrorLoss

__all__ = ['ConfidenceAwareLoss', 'mixed_gaussian_masks', 'peak_displacements',
           'SummedSquaredErrorLoss']
