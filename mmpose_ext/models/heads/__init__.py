# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
from .associative_embedding_enhancement_head import \
    AssociativeEmbeddingEnhancementHead
from .belief_map_enhancement_head import BeliefMapEnhancementHead, EnhanceNet
from .confidence_aware_head import ConfidenceAwareHead
from .part_affinity_field_head import PartAffinityFieldHead

__all__ = [
    'AssociativeEmbeddingEnhancementHead', 'BeliefMapEnhancementHead',
    'EnhanceNet', 'ConfidenceAwareHead', 'PartAffinityFieldHead'
]
