# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
from typing import Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from mmcv.cnn import ConvModule, build_upsample_layer
from mmengine.model import BaseModule
from mmpose.registry import MODELS
from torch import Tensor, nn

from ..utils import AttentionContextBlock

FUSIONS = (None, 'skip', 'sa-mfcd')


def _resize(x: Tensor, like: Tensor) -> Tensor:
    if x.shape[-2:] == like.shape[-2:]:
        return x
    return F.interpolate(x, size=like.shape[-2:], mode='bilinear',
                         align_corners=False)


@MODELS.register_module()
class FullResolutionDecoder(BaseModule):
    """The decoder of FR-SBN (Ou, Chen, Wu, *Full-Resolution Encoder-Decoder
    Networks with Multi-Scale Feature Fusion for Human Pose Estimation*).

    Decoders: deconv 4×4 stride 2 + BN + ReLU, channels 256, 256, 256, 128, 32
    by default, so five of them bring a stride-32 encoder back to the input
    resolution (three are SimpleBaseline's decoder). Options reproduce the rows
    of the paper's Table 1:

    - ``decoder_context``: a GCB (mmcv's ContextBlock) after decoders 1-3;
    - ``fusion='skip'``: the plain skip connection the paper compares with:
      encoder stages 3, 2, 1 concatenated to the outputs of decoders 1, 2, 3
      (same resolution) and fused by 3×3 conv + BN + ReLU;
    - ``fusion='sa-mfcd'``: the SA-MFCD module (Fig. 1c): the encoder GCB
      outputs of stages 1-3 resized to stage 1, concatenated and fused by 3×3
      conv + BN + ReLU to ``fusion_channels``; the three GCBs' attention logits
      resized, concatenated and fused by 3×3 conv + BN + ReLU to one map; the
      features times the map, resized and concatenated to the deconv outputs
      of decoders 2, 3, 4, each fused by 3×3 conv + BN + ReLU.

    Inputs: the encoder's stage features (B, C_i, H_i, W_i), i = 1..4, followed
    by their attention logits (B, 1, H_i, W_i) when ``fusion='sa-mfcd'``
    (:class:`~mmpose_ext.models.backbones.ContextResNet`). Output: a 1-tuple
    with the last decoder's features, (B, channels[-1], H, W) at full
    resolution for five decoders.

    Args:
        in_channels (Sequence[int]): channels of the 4 encoder stages
        decoder_channels (Sequence[int]): one entry per decoder. Defaults to
            (256, 256, 256, 128, 32)
        decoder_context (bool): GCBs after decoders 1-3. Defaults to True
        fusion (str | None): None, ``'skip'`` or ``'sa-mfcd'``. Defaults to
            ``'sa-mfcd'``
        fusion_channels (int): channels of SA-MFCD's fused features, which
            the paper does not give. Defaults to 288: with
            ResNet-34 at 256×192 the model then has 30.3M parameters and 21.45
            GFLOPs (paper, Table 2: 33M, 21.3), 48.3 GFLOPs at 384×288 (48.0)
        input_size (tuple, optional): [w, h] of the model input; when given,
            both must be divisible by 32, checked at build time
        context_ratio (float): GCB bottleneck ratio. Defaults to 1/16
        norm_cfg (dict): normalisation of the decoders and fusions
        init_cfg (dict, optional): initialisation
    """

    def __init__(self,
                 in_channels: Sequence[int] = (64, 128, 256, 512),
                 decoder_channels: Sequence[int] = (256, 256, 256, 128, 32),
                 decoder_context: bool = True,
                 fusion: Optional[str] = 'sa-mfcd',
                 fusion_channels: int = 288,
                 input_size: Optional[Tuple[int, int]] = None,
                 context_ratio: float = 1. / 16,
                 norm_cfg: dict = dict(type='BN'),
                 init_cfg=dict(
                     type='Normal', layer=['ConvTranspose2d'], std=0.001)):
        super().__init__(init_cfg)
        if fusion not in FUSIONS:
            raise ValueError(f'FullResolutionDecoder: fusion must be one of '
                             f'{FUSIONS}, got {fusion!r}')
        if len(in_channels) != 4:
            raise ValueError('FullResolutionDecoder: in_channels needs the 4 '
                             f'encoder stages, got {in_channels}')
        if input_size is not None and (input_size[0] % 32 or
                                       input_size[1] % 32):
            raise ValueError(
                f'FullResolutionDecoder: input size {tuple(input_size)} '
                '(w, h) must be divisible by 32, the encoder stride, for the '
                'decoders to return to the input resolution')
        if fusion and len(decoder_channels) < (4 if fusion == 'sa-mfcd'
                                               else 3):
            raise ValueError('FullResolutionDecoder: fusion needs decoders '
                             f'2-4 (SA-MFCD) or 1-3 (skip); got '
                             f'{len(decoder_channels)} decoders')
        self.fusion = fusion
        self.decoders = nn.ModuleList()
        previous = in_channels[-1]
        for channels in decoder_channels:
            self.decoders.append(
                nn.Sequential(
                    build_upsample_layer(
                        dict(type='deconv'), previous, channels, 4, stride=2,
                        padding=1, output_padding=0, bias=False),
                    nn.BatchNorm2d(channels), nn.ReLU(inplace=True)))
            previous = channels
        self.decoder_contexts = nn.ModuleList([
            AttentionContextBlock(c, ratio=context_ratio)
            for c in decoder_channels[:3]
        ]) if decoder_context else None

        # which decoder receives which extra input, and its channels
        self.fused_decoders = {}
        if fusion == 'skip':  # decoders 1, 2, 3 <- stages 3, 2, 1
            self.fused_decoders = {0: 2, 1: 1, 2: 0}
            extra = {0: in_channels[2], 1: in_channels[1], 2: in_channels[0]}
        elif fusion == 'sa-mfcd':  # decoders 2, 3, 4 <- SA-MFCD
            self.fused_decoders = {1: None, 2: None, 3: None}
            extra = {i: fusion_channels for i in (1, 2, 3)}
            self.collect_features = ConvModule(
                sum(in_channels[:3]), fusion_channels, 3, padding=1,
                norm_cfg=norm_cfg)
            self.collect_attention = ConvModule(
                3, 1, 3, padding=1, norm_cfg=norm_cfg)
        self.fuse = nn.ModuleDict({
            str(i): ConvModule(decoder_channels[i] + extra[i],
                               decoder_channels[i], 3, padding=1,
                               norm_cfg=norm_cfg)
            for i in self.fused_decoders
        })

    def sa_mfcd(self, features: Sequence[Tensor],
                logits: Sequence[Tensor]) -> Tensor:
        """Collect stages 1-3, refine by their fused attention (Fig. 1c)."""
        target = features[0]
        collected = self.collect_features(
            torch.cat([_resize(f, target) for f in features[:3]], dim=1))
        attention = self.collect_attention(
            torch.cat([_resize(a, target) for a in logits[:3]], dim=1))
        return collected * attention

    def forward(self, inputs: Tuple[Tensor, ...]) -> Tuple[Tensor]:
        features, logits = inputs[:4], inputs[4:8]
        refined = None
        if self.fusion == 'sa-mfcd':
            if len(logits) != 3 and len(logits) != 4:
                raise ValueError(
                    'FullResolutionDecoder: SA-MFCD needs the encoder '
                    'attention logits after its 4 stage features (use the '
                    'ContextResNet backbone)')
            refined = self.sa_mfcd(features, logits)
        x = features[-1]
        for i, decoder in enumerate(self.decoders):
            x = decoder(x)
            if i in self.fused_decoders:
                extra = refined if self.fusion == 'sa-mfcd' else \
                    features[self.fused_decoders[i]]
                x = self.fuse[str(i)](torch.cat([x, _resize(extra, x)], 1))
            if self.decoder_contexts is not None and i < 3:
                x, _ = self.decoder_contexts[i](x)
        return (x, )
