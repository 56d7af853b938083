# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""ContextResNet: ResNet stages each followed by a GCB; features and logits."""
import pytest
import torch
from mmpose.models.backbones import ResNet

from mmpose_ext.models.backbones import ContextResNet


def test_outputs_and_parameter_names():
    backbone = ContextResNet(depth=18)
    outs = backbone(torch.randn(1, 3, 64, 32))
    assert [o.shape[1:] for o in outs[:4]] == [(64, 16, 8), (128, 8, 4),
                                               (256, 4, 2), (512, 2, 1)]
    assert [o.shape[1:] for o in outs[4:]] == [(1, 16, 8), (1, 8, 4),
                                               (1, 4, 2), (1, 2, 1)]
    # ResNet weights keep their names, so pretrained ResNets load
    resnet_keys = set(ResNet(depth=18).state_dict())
    assert resnet_keys <= set(backbone.state_dict())


def test_unsupported_depth_is_named():
    with pytest.raises(ValueError, match='unsupported depth 42'):
        ContextResNet(depth=42)
