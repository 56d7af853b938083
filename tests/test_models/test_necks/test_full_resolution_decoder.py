# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""FullResolutionDecoder: the Table 1 variants of FR-SBN and its build errors."""
import pytest
import torch
from mmpose.registry import MODELS

from mmpose_ext.models.backbones import ContextResNet
from mmpose_ext.models.necks import FullResolutionDecoder

IN_CHANNELS = (64, 128, 256, 512)


@pytest.fixture(scope='module')
def encoder_outputs():
    torch.manual_seed(0)
    encoder = ContextResNet(depth=18)
    encoder.eval()  # MMPose's ResNet.train() returns None
    return encoder(torch.randn(1, 3, 64, 32))


@pytest.mark.parametrize('kwargs,shape', [
    (dict(decoder_channels=(256, 256, 256), decoder_context=False,
          fusion=None), (256, 16, 8)),  # SBN
    (dict(decoder_context=False, fusion=None), (32, 64, 32)),  # FR-SBN
    (dict(fusion=None), (32, 64, 32)),  # + GCB
    (dict(fusion='skip'), (32, 64, 32)),  # + GCB + plain skip
    (dict(fusion='sa-mfcd'), (32, 64, 32)),  # + GCB + SA-MFCD
])
def test_table1_variants(encoder_outputs, kwargs, shape):
    neck = FullResolutionDecoder(IN_CHANNELS, **kwargs).eval()
    (out, ) = neck(encoder_outputs)
    assert out.shape == (1, *shape)


def test_sa_mfcd_depends_on_the_attention_logits(encoder_outputs):
    neck = FullResolutionDecoder(IN_CHANNELS).eval()
    features, logits = encoder_outputs[:4], encoder_outputs[4:]
    a = neck(features + logits)[0]
    b = neck(features + tuple(torch.randn_like(x) for x in logits))[0]
    assert not torch.allclose(a, b)
    with pytest.raises(ValueError, match='attention logits'):
        neck(features)


def test_full_model_gives_input_resolution_heatmaps():
    model = MODELS.build(
        dict(type='TopdownPoseEstimator',
             backbone=dict(type='ContextResNet', depth=18),
             neck=dict(type='FullResolutionDecoder', input_size=(64, 96)),
             head=dict(type='HeatmapHead', in_channels=32, out_channels=17,
                       deconv_out_channels=None)))
    heatmaps = model._forward(torch.randn(2, 3, 96, 64))
    assert heatmaps.shape == (2, 17, 96, 64)


@pytest.mark.parametrize('kwargs,message', [
    (dict(input_size=(100, 256)), 'divisible by 32'),
    (dict(fusion='concat'), 'fusion must be'),
    (dict(in_channels=(64, 128, 256)), '4 encoder stages'),
    (dict(decoder_channels=(256, 256)), 'fusion needs decoders'),
])
def test_bad_configs_fail_at_build_time(kwargs, message):
    with pytest.raises(ValueError, match=message):
        FullResolutionDecoder(**kwargs)
