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


def _tiny_config_samples(invalid_cell):
    """The tiny OpenPose config's train pipeline on the bundled sample, with
    its random affine pinned to the plain resize (no shift, scale, rotation)
    and no flip."""
    from mmengine.config import Config

    from ...conftest import OPENPOSE_RIE_CONFIG
    cfg = Config.fromfile(OPENPOSE_RIE_CONFIG)
    pipeline = []
    for step in cfg.train_dataloader.dataset.pipeline:
        if step['type'] == 'RandomFlip':
            continue
        if step['type'] == 'BottomupRandomAffine':
            step = dict(step, shift_factor=0., scale_factor=(1., 1.),
                        rotate_factor=0.)
        if step['type'] == 'BottomupHeatmapMask':  # what the config uses
            assert step['invalid_cell'] == 'any'
            step = dict(step, invalid_cell=invalid_cell)
        pipeline.append(step)
    init_default_scope('mmpose')
    dataset = DATASETS.build(dict(cfg.train_dataloader.dataset,
                                  pipeline=pipeline))
    return [dataset[i] for i in range(len(dataset))]


def test_the_config_masks_the_unannotated_persons_at_stride_8():
    """Through the tiny config's pipeline (256x256 input, 32x32 maps): the
    cell under each of the sample's two unannotated persons is 0 with the
    configs' 'any' rule; MMPose's majority rule loses the one of image 40083
    (5.6 input pixels wide, under a cell), which would be taught as
    background."""
    import json
    with open(f'{COCO_MINI}/person_keypoints.json') as f:
        annotations = json.load(f)['annotations']
    unannotated = {a['image_id']: a['bbox'] for a in annotations
                   if a['num_keypoints'] == 0}
    assert len(unannotated) == 2
    for rule, expect_masked in (('any', {40083: True, 196141: True}),
                                ('majority', {40083: False, 196141: True})):
        for sample in _tiny_config_samples(rule):
            meta = sample['data_samples'].metainfo
            mask = sample['data_samples'].gt_fields.heatmap_mask.numpy()
            assert mask.shape == (1, 32, 32)  # PixelData adds the channel
            mask = mask[0]
            if meta['img_id'] not in unannotated:
                continue
            x, y, w, h = unannotated[meta['img_id']]
            # the plain resize: the image's long side to 256, centred
            img_h, img_w = meta['ori_shape']
            scale = 256 / max(img_h, img_w)
            cx, cy = ((np.array([x + w / 2, y + h / 2]) -
                       np.array([img_w, img_h]) / 2) * scale + 128)
            cell = (int(cy // 8), int(cx // 8))
            assert (mask[cell] == 0) == expect_masked[meta['img_id']], rule
            if rule == 'any':  # the rest of the image trains (the padding
                # outside it is masked: the tiny config keeps MMPose's)
                rows = slice(int(np.ceil((128 - img_h * scale / 2) / 8)),
                             int((128 + img_h * scale / 2) // 8))
                assert mask[rows].mean() > 0.9


def test_outside_the_image_is_valid_only_when_asked():
    """A 100x50 image in the middle of a 64x64 input (scale 0.64 by the
    long side): MMPose's mask is 0 on the padding rows, outside_valid=True
    makes them 1."""
    init_default_scope('mmpose')
    warp = np.array([[0.64, 0, 0], [0, 0.64, 16]], dtype=np.float32)
    results = dict(img_shape=(50, 100), input_size=(64, 64), warp_mat=warp,
                   heatmaps=np.zeros((17, 16, 16), np.float32))
    for outside_valid, padding in ((False, 0), (True, 1)):
        mask = BottomupHeatmapMask(invalid_cell='any',
                                   outside_valid=outside_valid)(
                                       dict(results))['heatmap_mask']
        assert mask.shape == (16, 16)
        assert (mask[:3] == padding).all() and (mask[-3:] == padding).all()
        assert mask[5:11].all()  # the image itself, no invalid segment
    mmpose = BottomupHeatmapMask()(dict(results))['heatmap_mask']
    assert not mmpose[:3].any() and mmpose[6:10].all()
