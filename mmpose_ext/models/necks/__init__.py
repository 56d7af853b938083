# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
from .full_resolution_decoder import FullResolutionDecoder

__all__ = ['FullResolutionDecoder']
