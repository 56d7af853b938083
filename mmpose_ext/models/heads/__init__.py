# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
from .confidence_aware_head import ConfidenceAwareHead

__all__ = ['ConfidenceAwareHead']
