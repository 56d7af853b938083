# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""PartAffinityFieldVisualizer: keypoint maps without the background
channel, PAF arrows in the limb's colour, predicted maps mapped back to the
original image, MMPose's drawing where a sample has no PAFs."""
import os.path as osp

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.structures import InstanceData, PixelData
from mmpose.datasets.datasets.utils import parse_pose_metainfo
from mmpose.registry import VISUALIZERS
from mmpose.structures import PoseDataSample
from mmpose.visualization import PoseLocalVisualizer

from mmpose_ext.codecs import PartAffinityFields
from mmpose_ext.visualization import PartAffinityFieldVisualizer

from ..conftest import REPO

META = parse_pose_metainfo(dict(from_file='configs/_base_/datasets/coco.py'))


def _visualizer(cls=PartAffinityFieldVisualizer, **kwargs):
    visualizer = cls(name=f'test_{cls.__name__}_{id(kwargs)}', **kwargs)
    visualizer.set_dataset_meta(META)
    return visualizer


def _heatmap_panel(visualizer, image, sample):
    """The lower half of add_datasample's picture: the maps."""
    drawn = visualizer.add_datasample('x', image, sample, draw_pred=False,
                                      draw_heatmap=True)
    return drawn[image.shape[0]:]


def _paf_sample(image_size=(256, 256), heatmap_size=(32, 32)):
    """Targets of the PAF codec for two standing persons (COCO-17)."""
    codec = PartAffinityFields(image_size, heatmap_size)
    keypoints = np.zeros((2, 17, 2))
    for person, x in enumerate((60., 190.)):
        keypoints[person, :, 0] = x + np.linspace(-10, 10, 17)
        keypoints[person, :, 1] = np.linspace(40, 220, 17)
    encoded = codec.encode(keypoints, np.ones((2, 17)),
                           skeleton_links=META['skeleton_links'])
    sample = PoseDataSample(gt_fields=PixelData(
        heatmaps=torch.from_numpy(encoded['heatmaps']),
        pafs=torch.from_numpy(encoded['pafs'])))
    sample.gt_instances = InstanceData(keypoints=keypoints,
                                       keypoints_visible=np.ones((2, 17)))
    return sample, encoded


def test_background_channel_is_not_drawn():
    """MMPose's visualizer takes the max over all 18 channels, the background
    included: a wash over the whole image. Ours draws the 17 keypoint maps:
    far from both persons (column 128) it is the bare blend of a zero map."""
    image = np.full((256, 256, 3), 128, np.uint8)
    sample, _ = _paf_sample()
    sample.gt_fields = PixelData(heatmaps=sample.gt_fields.heatmaps)
    ours = _heatmap_panel(_visualizer(), image, sample)
    mmpose = _heatmap_panel(_visualizer(PoseLocalVisualizer), image, sample)
    far = (slice(100, 140), slice(120, 136))
    assert ours[far].reshape(-1, 3).std(axis=0).max() < 1  # nothing drawn
    assert mmpose[far][..., 0].mean() > ours[far][..., 0].mean() + 60  # red
    keypoints_only = PoseDataSample(gt_fields=PixelData(
        heatmaps=sample.gt_fields.heatmaps[:17]))
    np.testing.assert_array_equal(
        ours, _heatmap_panel(_visualizer(PoseLocalVisualizer), image,
                             keypoints_only))


def test_paf_arrows_take_the_limb_colour():
    image = np.zeros((256, 256, 3), np.uint8)
    sample, encoded = _paf_sample()
    visualizer = _visualizer()
    with_pafs = visualizer.draw_field_maps(sample.gt_fields, image,
                                           keys=['pafs'])
    vectors = encoded['pafs'].reshape(-1, 2, 32, 32)
    strong = np.hypot(vectors[:, 0], vectors[:, 1]) > 0.3
    drawn = [
        l for l in range(len(vectors)) if strong[l].any()
        and (with_pafs == visualizer.limb_colours(len(vectors))[l]).all(
            axis=-1).any()
    ]
    # every limb with a field has arrows in its colour (limbs sharing a
    # colour in COCO's meta count once each)
    assert len(drawn) == strong.any(axis=(1, 2)).sum() > 10
    assert not with_pafs[:, 110:146].any()  # nothing between the persons


def test_predicted_maps_are_mapped_to_the_original_image():
    """A PAF vector (1, 0) in cell (x 20, y 10) of a 32×32 map over a 256×256
    input that shows a 640×392 image (MMPose's bottom-up input_center and
    input_scale): the arrow starts where MMPose maps that input pixel."""
    image = np.zeros((392, 640, 3), np.uint8)
    pafs = torch.zeros(2 * len(META['skeleton_links']), 32, 32)
    pafs[0, 10, 20] = 1.
    sample = PoseDataSample(metainfo=dict(
        input_size=(256, 256), input_center=np.array([320., 196.]),
        input_scale=np.array([640., 640.])))
    sample.pred_fields = PixelData(heatmaps=torch.zeros(17, 32, 32),
                                   pafs=pafs)
    sample.pred_instances = InstanceData(keypoints=np.zeros((0, 17, 2)),
                                         keypoint_scores=np.zeros((0, 17)))
    visualizer = _visualizer()
    drawn = visualizer.add_datasample('x', image, sample, draw_gt=False,
                                      draw_heatmap=True)
    colour = visualizer.limb_colours(len(pafs) // 2)[0]
    ys, xs = np.nonzero((drawn[392:] == colour).all(axis=-1))
    # cell 20 → input pixel 163.5 → image 163.5 / 256 · 640 = 408.75;
    # cell 10 → 83.5 → 83.5 · 2.5 − 124 = 84.75 (the input pads 124 rows);
    # one cell long: 20 image pixels to the right
    assert abs(xs.min() - 408.75) <= 1 and abs(xs.max() - 428.75) <= 1
    assert abs(np.median(ys) - 84.75) <= 1


@pytest.mark.parametrize('draw_offsets', [False, True])
def test_offsets_only_when_asked(draw_offsets):
    image = np.zeros((64, 64, 3), np.uint8)
    offsets = torch.zeros(34, 8, 8)
    offsets[0, 4, 4] = 0.5
    heatmaps = torch.zeros(17, 8, 8)
    heatmaps[0, 4, 4] = 1.
    fields = PixelData(heatmaps=heatmaps, offsets=offsets)
    visualizer = _visualizer(draw_offsets=draw_offsets)
    drawn = visualizer.draw_field_maps(fields, image)
    white = (drawn == 255).all(axis=-1)
    assert white.any() == draw_offsets
    # named alone, offsets are drawn whatever draw_offsets says
    alone = visualizer.draw_field_maps(fields, image, keys=['offsets'])
    assert (alone == 255).all(axis=-1)[35:37, 36:40].any()
    assert visualizer.draw_field_maps(PixelData(), image) is None


def test_targets_in_another_layout_draw_their_maps_only():
    """OpenPose-18 training targets of COCO-17 data (browse_dataset on a
    paper config): MMPose's visualizer raises on 18 keypoints with a 17-entry
    meta; ours warns, skips the keypoints and draws the maps."""
    image = np.full((256, 256, 3), 128, np.uint8)
    sample, _ = _paf_sample()
    sample.gt_instances = InstanceData(
        keypoints=np.zeros((2, 18, 2)), keypoints_visible=np.ones((2, 18)))
    with pytest.raises(ValueError):
        _visualizer(PoseLocalVisualizer).add_datasample(
            'x', image, sample, draw_pred=False, draw_heatmap=True)
    with pytest.warns(UserWarning, match='18 keypoints, the dataset meta '
                      'has 17'):
        drawn = _visualizer().add_datasample(
            'x', image, sample, draw_pred=False, draw_heatmap=True)
    assert (drawn[:256] == image).all()  # no keypoints drawn
    assert drawn.shape == (512, 256, 3)  # the maps below


def test_openpose_skeleton_style_draws_coco17_predictions():
    """``--skeleton-style openpose``: MMPose swaps in its 18-keypoint meta
    and converts COCO-17 predictions itself (adding the neck); the
    keypoints are drawn, as by MMPose's own visualizer, with no warning."""
    import warnings
    image = np.zeros((256, 256, 3), np.uint8)
    keypoints = np.zeros((1, 17, 2))
    keypoints[0, :, 0] = np.linspace(60, 190, 17)
    keypoints[0, :, 1] = np.linspace(40, 220, 17)
    sample = PoseDataSample()
    sample.pred_instances = InstanceData(
        keypoints=keypoints, keypoint_scores=np.ones((1, 17)),
        keypoints_visible=np.ones((1, 17)))
    drawn = {}
    for cls in (PartAffinityFieldVisualizer, PoseLocalVisualizer):
        visualizer = cls(name=f'openpose_style_{cls.__name__}')
        visualizer.set_dataset_meta(META, skeleton_style='openpose')
        with warnings.catch_warnings():
            warnings.simplefilter('error', UserWarning)
            drawn[cls] = visualizer.add_datasample(
                'x', image, sample, draw_gt=False, skeleton_style='openpose')
    ours = drawn[PartAffinityFieldVisualizer]
    assert ours.any()  # keypoints and limbs drawn
    np.testing.assert_array_equal(ours, drawn[PoseLocalVisualizer])


def test_cmu_limbs_take_their_own_colour():
    """The paper configs' visualizer: each of CMU's 19 limbs (OpenPose-18)
    is drawn in the colour MMPose's OpenPose meta gives the same link (the
    neck-nose limb, 15th in CMU's order, blue), not in the colour of the
    link at the same index of COCO-17's meta; the two limbs that meta lacks
    (shoulder-ear) get colours of their own."""
    cfg = Config.fromfile(osp.join(
        REPO,
        'configs/openpose/coco/openpose_vgg19_2xb5-600kit_coco-368x368.py'))
    visualizer = VISUALIZERS.build(dict(cfg.visualizer,
                                        name='cmu_limb_colours'))
    visualizer.set_dataset_meta(META)
    limbs = [tuple(limb) for limb in cfg.openpose18_limbs]
    openpose_meta = parse_pose_metainfo(
        dict(from_file='configs/_base_/datasets/coco_openpose.py'))
    colours = visualizer.limb_colours(len(limbs))
    by_link = {frozenset(link): tuple(int(c) for c in colour)
               for link, colour in zip(openpose_meta['skeleton_links'],
                                       openpose_meta['skeleton_link_colors'])}
    for limb, colour in zip(limbs, colours):
        if frozenset(limb) in by_link:
            assert colour == by_link[frozenset(limb)], limb
    assert colours[limbs.index((1, 0))] == (0, 0, 255)
    own = [colours[limbs.index(limb)] for limb in ((2, 16), (5, 17))]
    assert own[0] != own[1] and not set(own) & set(by_link.values())

    # drawn: the arrows of the neck-nose channel pair are blue
    image = np.zeros((368, 368, 3), np.uint8)
    pafs = np.zeros((2 * len(limbs), 46, 46), np.float32)
    neck_nose = limbs.index((1, 0))
    pafs[2 * neck_nose + 1, 10:14, 20] = -1.0  # pointing up, neck to nose
    canvas = visualizer.draw_field_maps(PixelData(pafs=pafs), image,
                                        keys=['pafs'])
    painted = canvas[canvas.any(axis=-1)]
    assert len(painted) and (painted == (0, 0, 255)).all()
