# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
from typing import Tuple

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
    polygon lists only). Everything else (warping with ``warp_mat``, flipping,
    resizing to every heatmap level, binarising) is MMPose's.

    Added keys: ``heatmap_mask`` (H, W) bool per heatmap level.
    """

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
