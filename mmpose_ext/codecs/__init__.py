# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
from .confidence_aware_heatmap import ConfidenceAwareHeatmap, default_disk_radius
from .enhanced_associative_embedding import EnhancedAssociativeEmbedding
from .part_affinity_fields import PartAffinityFields

__all__ = [
    'ConfidenceAwareHeatmap', 'default_disk_radius',
    'EnhancedAssociativeEmbedding',
    'PartAffinityFields'
]
