# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""BottomupHeatmapMask: MMPose's loss mask with pycocotools' RLE API; the
sample's persons without keypoints are masked, crowds' RLEs too."""
import numpy as np
import pycocotools.mask as coco_mask
from mmengine.registry import init_default_scope
from mmpose.datasets.transforms import LoadImage
from mmpose.registry import DATASETS

from mmpose_ext.datasets.transforms import BottomupHeatmapMask

from ...conftest import COCO_MINI


def test_persons_without_keypoints_of_the_sample_are_masked():
    init_default_scope('mmpose')
    dataset = DATASETS.build(
        dict(type='CocoDataset', data_root=COCO_MINI,
             ann_file='person_keypoints.json',
             data_prefix=dict(img='images/'), data_mode='bottomup',
             pipeline=[]))
    masked = {}
    for index in range(len(dataset)):
        results = LoadImage()(dataset.get_data_info(index))
        # as after BottomupRandomAffine: here the identity warp
        results['input_size'] = results['img_shape'][::-1]
        results['warp_mat'] = np.eye(2, 3, dtype=np.float32)
        results['heatmaps'] = np.zeros((17, 64, 64), dtype=np.float32)
        results = BottomupHeatmapMask()(results)
        mask = results['heatmap_mask']
        assert mask.shape == (64, 64) and mask.dtype == bool
        masked[results['img_id']] = int((~mask).sum())
    # two images hold one unannotated person each; the other two none
    assert sorted(v > 0 for v in masked.values()) == [False, False, True,
                                                      True]


def test_polygons_and_crowd_rle_are_decoded():
    polygon = [[10, 10, 30, 10, 30, 30, 10, 30]]
    polygon_only = BottomupHeatmapMask()._segs_to_mask([polygon], (40, 60))
    assert polygon_only[20, 20] == 1 and polygon_only[2, 55] == 0
    crowd_mask = np.zeros((40, 60), dtype=np.uint8, order='F')
    crowd_mask[0:5, 50:60] = 1
    crowd = coco_mask.encode(crowd_mask)  # compressed RLE
    # an uncompressed RLE as COCO stores crowds: run lengths, column-major
    flat = crowd_mask.flatten(order='F')
    runs, value, count = [], 0, 0
    for bit in flat:
        if bit != value:
            runs.append(count)
            value, count = bit, 0
        count += 1
    runs.append(count)
    uncompressed = dict(size=[40, 60], counts=runs)
    for crowd_seg in (crowd, uncompressed):
        mask = BottomupHeatmapMask()._segs_to_mask([polygon, crowd_seg],
                                                   (40, 60))
        assert mask[20, 20] == 1 and mask[2, 55] == 1
        assert mask[35, 5] == 0
        assert mask.sum() == polygon_only.sum() + 5 * 10
    assert not BottomupHeatmapMask()._segs_to_mask([], (40, 60)).any()
