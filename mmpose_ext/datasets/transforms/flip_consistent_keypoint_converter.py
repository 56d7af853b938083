# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
from typing import Dict, List, Optional

from mmpose.datasets.transforms import KeypointConverter
from mmpose.registry import TRANSFORMS


@TRANSFORMS.register_module()
class FlipConsistentKeypointConverter(KeypointConverter):
    """MMPose's ``KeypointConverter`` (keypoints and visibilities into
    another layout, a target from one source or the midpoint of two, the
    pair's visibility the product of theirs) with the flip pairs converted
    too.

    MMPose 1.3's converter rewrites ``flip_indices`` only with paired
    sources, and then by position in ``mapping`` with source indices as
    values: for COCO-17 → OpenPose-18 it writes past the end of the 17-entry
    list (``IndexError`` on the first sample) and would otherwise pair, e.g.,
    the right elbow with the left wrist. Here the target's flip pairs follow
    from the source's: target t from source s flips to the target of
    ``flip_indices[s]``; a midpoint target flips to the target of the
    flipped pair (the neck to itself). Targets whose partner has no target
    flip to themselves.

    Args: those of ``KeypointConverter``.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # the same for every sample of a dataset: converted once per source
        self._converted_flips = {}

    def converted_flip_indices(self, flip_indices: List[int]
                               ) -> Optional[List[int]]:
        """The target layout's flip pairs from the source's."""
        sources = []
        for index, target in enumerate(self.target_index):
            second = (self.source_index2[index]
                      if self.interpolation else self.source_index[index])
            sources.append((frozenset((self.source_index[index], second)),
                            target))
        target_of = dict(sources)
        result = list(range(self.num_keypoints))
        for pair, target in sources:
            flipped = frozenset(int(flip_indices[s]) for s in pair)
            result[target] = target_of.get(flipped, target)
        return result

    def transform(self, results: Dict) -> Dict:
        flip_indices = results.pop('flip_indices', None)
        results = super().transform(results)
        if flip_indices is not None:
            key = tuple(int(i) for i in flip_indices)
            if key not in self._converted_flips:
                self._converted_flips[key] = self.converted_flip_indices(
                    list(key))
            flip_indices = list(self._converted_flips[key])
        results['flip_indices'] = flip_indices
        return results
