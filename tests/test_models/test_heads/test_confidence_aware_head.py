# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""ConfidenceAwareHead: shapes, flip test, losses on a real batch."""
import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmpose.models.utils.tta import flip_heatmaps
from mmpose.registry import DATASETS, MODELS
from mmpose.structures import PoseDataSample

from mmpose_ext.codecs import ConfidenceAwareHeatmap

from ...conftest import CAL_TINY_CONFIG


def _head(**kwargs):
    codec = dict(type='ConfidenceAwareHeatmap', input_size=(96, 128),
                 heatmap_size=(24, 32), sigma=1)
    cfg = dict(type='ConfidenceAwareHead', in_channels=8, out_channels=17,
               decoder=codec)
    cfg.update(kwargs)
    return MODELS.build(cfg)


def test_forward_shapes():
    heatmaps, offsets = _head()((torch.rand(2, 8, 32, 24), ))
    assert heatmaps.shape == (2, 17, 32, 24)
    assert offsets.shape == (2, 34, 32, 24)


def test_branches_are_configurable():
    head = _head(offset_branch=dict(deconv_out_channels=(16, ),
                                    deconv_kernel_sizes=(4, ),
                                    conv_out_channels=None))
    heatmaps, offsets = head((torch.rand(1, 8, 16, 12), ))
    assert heatmaps.shape == (1, 17, 16, 12)
    assert offsets.shape == (1, 34, 32, 24)


def test_flip_test_undoes_a_consistent_flip():
    """If the flipped image's maps are the mirrored maps, flip test must give
    the same keypoints as the plain prediction."""
    from mmpose.datasets.datasets.utils import parse_pose_metainfo
    meta = parse_pose_metainfo(dict(from_file='configs/_base_/datasets/coco.py'))
    flip_indices = meta['flip_indices']
    codec = ConfidenceAwareHeatmap((96, 128), (24, 32), sigma=1)
    rng = np.random.default_rng(0)
    keypoints = rng.uniform([10, 10], [85, 117], size=(1, 17, 2))
    encoded = codec.encode(keypoints)
    heatmaps = torch.from_numpy(encoded['heatmaps'])[None]
    offsets = torch.from_numpy(encoded['offsets'])[None]
    mirrored = (flip_heatmaps(heatmaps.clone(), flip_indices, 'heatmap',
                              shift_heatmap=False),
                flip_heatmaps(offsets.clone(), flip_indices, 'offset',
                              shift_heatmap=False))
    head = _head()
    plain, flipped = object(), object()
    head.forward = lambda feats: (heatmaps, offsets) if feats is plain \
        else mirrored
    sample = PoseDataSample(metainfo=dict(flip_indices=flip_indices))
    with_flip = head.predict([plain, flipped], [sample],
                             test_cfg=dict(flip_test=True))
    without = head.predict(plain, [sample], test_cfg=dict(flip_test=False))
    np.testing.assert_allclose(with_flip[0].keypoints, without[0].keypoints,
                               atol=1e-5)
    # MMPose's UDP convention: crop pixel x decodes to x·input/(input − 1)
    np.testing.assert_allclose(without[0].keypoints,
                               keypoints * np.array([96 / 95, 128 / 127]),
                               atol=1e-3)


def test_losses_on_a_real_batch():
    cfg = Config.fromfile(CAL_TINY_CONFIG)
    dataset_cfg = cfg.train_dataloader.dataset
    dataset_cfg.pipeline = [
        t for t in dataset_cfg.pipeline
        if t['type'] not in ('RandomFlip', 'RandomBBoxTransform')
    ]
    dataset = DATASETS.build(dataset_cfg)
    model = MODELS.build(cfg.model)
    data = model.data_preprocessor(
        pseudo_collate([dataset[i] for i in range(4)]), training=True)
    losses = model(data['inputs'], data['data_samples'], mode='loss')
    assert set(losses) == {'loss_heatmap', 'loss_offset', 'acc_pose'}
    for name in ('loss_heatmap', 'loss_offset'):
        assert torch.isfinite(losses[name]) and losses[name] > 0
    sum(losses[n] for n in ('loss_heatmap', 'loss_offset')).backward()
    grad = model.head.offset_branch.final_layer.weight.grad
    assert grad is not None and grad.abs().sum() > 0


def test_bad_keypoint_count_is_refused():
    with pytest.raises(ValueError, match='out_channels'):
        _head(out_channels=0)
