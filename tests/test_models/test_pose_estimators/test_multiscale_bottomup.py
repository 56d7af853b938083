# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""MultiScaleBottomupPoseEstimator on a real image through the tiny OpenPose
config's test pipeline: the order of test_cfg.scales does not change the
averaged maps or the persons; scales without 1.0 are refused by name."""
import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmpose.registry import DATASETS, MODELS

from ...conftest import OPENPOSE_RIE_CONFIG


@pytest.fixture(scope='module')
def model_and_batch():
    cfg = Config.fromfile(OPENPOSE_RIE_CONFIG)
    torch.manual_seed(0)
    model = MODELS.build(cfg.model).eval()
    model.init_weights()
    dataset = DATASETS.build(cfg.val_dataloader.dataset)
    batch = model.data_preprocessor(pseudo_collate([dataset[0]]))
    return model, batch


def _predict(model, batch, scales):
    model.test_cfg = dict(model.test_cfg, multiscale_test=True,
                          scales=scales, output_heatmaps=True)
    samples = [s.clone() for s in batch['data_samples']]
    with torch.no_grad():
        (sample, ) = model.predict(batch['inputs'], samples)
    return sample


def test_the_order_of_the_scales_does_not_matter(model_and_batch):
    model, batch = model_and_batch
    first = _predict(model, batch, [1.0, 0.5, 1.5])
    for scales in ([0.5, 1.0, 1.5], [1.5, 0.5, 1.0]):
        other = _predict(model, batch, scales)
        torch.testing.assert_close(other.pred_fields.heatmaps,
                                   first.pred_fields.heatmaps)
        np.testing.assert_array_equal(other.pred_instances.keypoints,
                                      first.pred_instances.keypoints)
    # the other scales change the maps (the comparison is not trivial)
    alone = _predict(model, batch, [1.0])
    assert not torch.allclose(alone.pred_fields.heatmaps,
                              first.pred_fields.heatmaps)


def test_scales_without_one_are_refused(model_and_batch):
    model, batch = model_and_batch
    with pytest.raises(ValueError, match=r'test_cfg.scales \[0.5, 2.0\] '
                       'must include the input_scale 1.0'):
        _predict(model, batch, [0.5, 2.0])
