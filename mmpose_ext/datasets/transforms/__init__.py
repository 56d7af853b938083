# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
from .bottomup_heatmap_mask import BottomupHeatmapMask
from .bottomup_resize_by_height import BottomupResizeByHeight
from .flip_consistent_keypoint_converter import FlipConsistentKeypointConverter
from .person_centred_random_affine import PersonCentredRandomAffine

__all__ = [
    'BottomupHeatmapMask', 'BottomupResizeByHeight',
    'FlipConsistentKeypointConverter', 'PersonCentredRandomAffine'
]
