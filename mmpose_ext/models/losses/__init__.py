# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
from .confidence_aware_loss import (ConfidenceAwareLoss, mixed_gaussian_masks,
                                    peak_displacements)
from .kl_self_supervision_loss import (KLSelfSupervisionLoss,
                                       channel_distributions,
                                       kl_divergence_of_maps)
from .progressive_direction_loss import (PDD_SCHEDULES,
                                         ProgressiveDirectionLoss,
                                         direction_fault_mask)
from .spatial_attention_loss import SpatialAttentionLoss
from .summed_squared_error_loss import SummedSquaredErrorLoss

__all__ = [
    'ConfidenceAwareLoss', 'mixed_gaussian_masks', 'peak_displacements',
    'SummedSquaredErrorLoss', 'KLSelfSupervisionLoss', 'channel_distributions',
    'kl_divergence_of_maps', 'PDD_SCHEDULES', 'ProgressiveDirectionLoss',
    'direction_fault_mask', 'SpatialAttentionLoss'
]
