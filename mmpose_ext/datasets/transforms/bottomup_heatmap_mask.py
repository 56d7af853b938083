# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
from typing import Dict, Tuple

import cv2
import numpy as np
import pycocotools.mask as coco_mask
from mmpose.datasets.transforms import BottomupGetHeatmapMask
from mmpose.registry import TRANSFORMS


@TRANSFORMS.register_module()
class BottomupHeatmapMask(BottomupGetHeatmapMask):
    """MMPose's ``BottomupGetHeatmapMask`` (the loss mask of bottom-up
    training: 0 over crowds and persons without keypoints, the dataset's
    ``invalid_segs``), with the polygons and RLEs decoded by pycocotools'
    mask API instead of xtcocotools'.

    xtcocotools 1.14 cannot decode a mask under numpy 2 (its ``Masks``
    object reads ``numpy.NPY_OWNDATA``, which numpy 2 removed:
    ``AttributeError``), even built from source, so MMPose's transform fails
    on the first image with an unannotated person; pycocotools' RLE API is
    the same API. Crowds are masked too: their segmentation is an
    uncompressed RLE (a dict), which MMPose's transform skips (it decodes
    polygon lists only). Everything else (warping with ``warp_mat``, flipping)
    is MMPose's.

    Going down to the heatmap size, MMPose resizes the mask bilinearly and
    keeps a cell where more than half of it is valid (``invalid_cell=
    'majority'``). A person narrower than about half a cell then vanishes
    from the mask and is taught as background: of the bundled sample's two
    unannotated persons, at 256×256 with cells of 8, the one of image 40083
    (5.6 input pixels wide) vanishes. ``invalid_cell='any'`` masks every
    cell that any invalid input pixel touches (area resize, a cell stays
    only if wholly valid), which is what OpenPose's mask_miss intends and
    what the PAF configs use.

    Outside the image (the padding of an affine crop) MMPose's mask is 0,
    so the network is never taught background there and, trained that way,
    predicts stray peaks in the padding at test time (the tiny OpenPose
    config did: fragments with keypoints below the image). CMU OpenPose
    pads its mask_miss with 255 (valid); ``outside_valid=True`` does that.

    Args:
        get_invalid (bool): MMPose's: return the invalid region instead.
            Defaults to False
        invalid_cell (str): ``'majority'`` (MMPose's) or ``'any'``.
            Defaults to ``'majority'``
        outside_valid (bool): the region outside the image is valid (taught
            as background). Defaults to False (MMPose's)

    Added keys: ``heatmap_mask`` (H, W) bool per heatmap level.
    """

    RULES = ('majority', 'any')

    def __init__(self, get_invalid: bool = False,
                 invalid_cell: str = 'majority',
                 outside_valid: bool = False) -> None:
        super().__init__(get_invalid=get_invalid)
        if invalid_cell not in self.RULES:
            raise ValueError(f'BottomupHeatmapMask: invalid_cell must be one '
                             f'of {self.RULES}, got {invalid_cell!r}')
        if get_invalid and invalid_cell == 'any':
            raise ValueError('BottomupHeatmapMask: invalid_cell="any" keeps '
                             'wholly valid cells; it has no meaning with '
                             'get_invalid=True')
        if get_invalid and outside_valid:
            raise ValueError('BottomupHeatmapMask: outside_valid=True has no '
                             'meaning with get_invalid=True')
        self.invalid_cell = invalid_cell
        self.outside_valid = outside_valid
        # MMPose's transform on the invalid region warps it with a border of
        # 0, so outside the image is "not invalid": its complement is the
        # valid region with the outside valid, from one warp
        self._invalid_region = (BottomupHeatmapMask(get_invalid=True)
                                if outside_valid else None)

    def transform(self, results: Dict) -> Dict:
        custom = self.invalid_cell == 'any' or self.outside_valid
        if not custom or 'heatmaps' not in results:
            return super().transform(results)
        # MMPose's transform without heatmaps gives the mask at input size
        heatmaps = results.pop('heatmaps')
        try:
            if self._invalid_region is not None:
                valid = ~self._invalid_region(results)['heatmap_mask']
            else:
                valid = super().transform(results)['heatmap_mask']
        finally:
            results['heatmaps'] = heatmaps
        valid = valid.astype(np.float32)
        levels = heatmaps if isinstance(heatmaps, list) else [heatmaps]
        if self.invalid_cell == 'any':  # a cell stays if wholly valid
            masks = [
                cv2.resize(valid, hm.shape[1:3][::-1],
                           interpolation=cv2.INTER_AREA) > 1 - 1e-4
                for hm in levels
            ]
        else:  # MMPose's: bilinear, then the majority
            masks = [
                cv2.resize(valid, hm.shape[1:3][::-1],
                           interpolation=cv2.INTER_LINEAR) > 0.5
                for hm in levels
            ]
        results['heatmap_mask'] = masks if isinstance(heatmaps,
                                                      list) else masks[0]
        return results

    def _segs_to_mask(self, segs: list,
                      img_shape: Tuple[int, int]) -> np.ndarray:
        """The union of the segmentations (polygons or RLE), (h, w) uint8."""
        height, width = img_shape[:2]
        rles = []
        for seg in segs:
            if isinstance(seg, dict) and not isinstance(seg['counts'], list):
                rles.append(seg)  # a compressed RLE
            else:  # polygons, or an uncompressed RLE (COCO's crowds)
                rle = coco_mask.frPyObjects(seg, height, width)
                rles.extend(rle if isinstance(rle, list) else [rle])
        if not rles:
            return np.zeros((height, width), dtype=np.uint8)
        return coco_mask.decode(coco_mask.merge(rles))
