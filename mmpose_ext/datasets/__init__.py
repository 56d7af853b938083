# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
from . import transforms  # noqa: F401  (registration)
from .datasets import CheckedCocoDataset, main_persons

__all__ = ['CheckedCocoDataset', 'main_persons']
