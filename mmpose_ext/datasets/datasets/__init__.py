# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""Datasets, laid out as MMPose's ``mmpose.datasets.datasets.<category>``:
MMPose's inferencer picks its default person detector from that category
(``body`` -> a person detector), read from the dataset class's module path."""
from .body import CheckedCocoDataset
from .main_persons import main_persons

__all__ = ['CheckedCocoDataset', 'main_persons']
