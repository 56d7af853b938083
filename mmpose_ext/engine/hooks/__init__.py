# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
from .confidence_aware_stage_hook import ConfidenceAwareStageHook
from .finite_loss_hook import FiniteLossHook
from .random_state_hook import RandomStateHook

__all__ = ['ConfidenceAwareStageHook', 'FiniteLossHook', 'RandomStateHook']
