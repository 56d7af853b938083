# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
from .checked_coco_dataset import CheckedCocoDataset

__all__ = ['CheckedCocoDataset']
