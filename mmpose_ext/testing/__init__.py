# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
from .real_crops import topdown_crops

__all__ = ['topdown_crops']
