# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
from .part_affinity_field_visualizer import PartAffinityFieldVisualizer

__all__ = ['PartAffinityFieldVisualizer']
