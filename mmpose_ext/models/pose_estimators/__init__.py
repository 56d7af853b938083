# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
from .multiscale_bottomup import MultiScaleBottomupPoseEstimator

__all__ = ['MultiScaleBottomupPoseEstimator']
