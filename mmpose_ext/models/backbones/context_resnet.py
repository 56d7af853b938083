# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
from typing import Tuple

from mmpose.models.backbones import ResNet
from mmpose.registry import MODELS
from torch import Tensor, nn

from ..utils import AttentionContextBlock


@MODELS.register_module()
class ContextResNet(ResNet):
    """MMPose's ResNet with a global context block (GCB) after each res-stage:
    the encoder of FR-SBN (Ou, Chen, Wu, Fig. 1a).

    Each GCB is mmcv's ContextBlock ('att' pooling, channel_add, ratio 1/16 as
    in GCNet; :class:`~mmpose_ext.models.utils.AttentionContextBlock`); its
    output feeds the next res-stage, and its spatial attention logits are
    returned for the SA-MFCD module. The ResNet's parameter names are kept, so
    ImageNet-pretrained ResNet weights load as for MMPose's ResNet.

    Returns the features of ``out_indices`` followed by their attention logits:
    with ``out_indices=(0, 1, 2, 3)``, 4 tensors (B, C_i, H/2^(i+2), W/2^(i+2))
    then 4 tensors (B, 1, H/2^(i+2), W/2^(i+2)).

    Args:
        depth (int): 18, 34, 50, 101 or 152
        context_ratio (float): GCB bottleneck ratio. Defaults to 1/16
        **kwargs: as for :class:`mmpose.models.backbones.ResNet`
    """

    def __init__(self, depth: int, context_ratio: float = 1. / 16, **kwargs):
        if depth not in self.arch_settings:
            raise ValueError(
                f'ContextResNet: unsupported depth {depth}; use one of '
                f'{sorted(self.arch_settings)}')
        kwargs.setdefault('out_indices', (0, 1, 2, 3))
        super().__init__(depth, **kwargs)
        self.context_blocks = nn.ModuleList([
            AttentionContextBlock(
                getattr(self, name)[-1].out_channels, ratio=context_ratio)
            for name in self.res_layers
        ])

    def forward(self, x: Tensor) -> Tuple[Tensor, ...]:
        if self.deep_stem:
            x = self.stem(x)
        else:
            x = self.relu(self.norm1(self.conv1(x)))
        x = self.maxpool(x)
        features, logits = [], []
        for i, name in enumerate(self.res_layers):
            x, attention = self.context_blocks[i](getattr(self, name)(x))
            if i in self.out_indices:
                features.append(x)
                logits.append(attention)
        return tuple(features) + tuple(logits)
