# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""AttentionContextBlock is mmcv's ContextBlock plus its attention logits."""
import pytest
import torch
from mmcv.cnn import ContextBlock

from mmpose_ext.models.utils import AttentionContextBlock


def test_same_output_as_mmcv_and_the_conv_mask_logits():
    torch.manual_seed(0)
    block = AttentionContextBlock(32)
    for p in block.channel_add_conv[-1].parameters():  # zero-init in GCNet
        torch.nn.init.normal_(p)
    reference = ContextBlock(32, 1. / 16)
    reference.load_state_dict(block.state_dict())
    x = torch.randn(2, 32, 8, 6)
    out, logits = block(x)
    assert torch.allclose(out, reference(x))
    assert not torch.equal(out, x)
    assert torch.allclose(logits, block.conv_mask(x))
    assert logits.shape == (2, 1, 8, 6)
    assert block.conv_mask._forward_hooks == {}  # no hook left behind


def test_average_pooling_is_refused():
    with pytest.raises(ValueError, match='pooling_type'):
        AttentionContextBlock(16, pooling_type='avg')
