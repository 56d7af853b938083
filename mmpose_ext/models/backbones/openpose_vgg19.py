# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
from typing import List, Optional, Sequence

import torch.nn as nn
from mmcv.cnn import build_norm_layer
from mmpose.models.backbones.base_backbone import BaseBackbone
from mmpose.registry import MODELS
from torch import Tensor


@MODELS.register_module()
class OpenPoseVGG19(BaseBackbone):
    """The feature extractor of OpenPose: VGG-19 from conv1_1 to conv4_2 and
    two 3×3 convolutions that reduce the width (256, 128), as in Fig. 5 of
    Liu et al., *Self-Supervision and Spatial-Sequential Attention Based Loss for Multi-Person Pose Estimation*.

    MMPose's ``VGG`` builds whole VGG stages, each ending in a pooling layer,
    so it cannot stop at conv4_2; this module keeps torchvision's layer
    indices instead (``features.0`` … ``features.22``), so torchvision's
    ImageNet VGG-19 weights load into it by name
    (``init_cfg=dict(type='Pretrained', checkpoint='torchvision://vgg19')``).

    Output stride 8 (three poolings); ``output_stride=16`` adds a fourth
    pooling after conv4_2 for the fd = 16 experiments of Table III.

    Args:
        widths (sequence[int]): widths of the four VGG blocks.
            Defaults to (64, 128, 256, 512), VGG-19's
        reduction_channels (sequence[int]): widths of the two added convs.
            Defaults to (256, 128)
        output_stride (int): 8 or 16. Defaults to 8
        norm_cfg (dict, optional): a normalisation layer after every conv
            (for training from scratch, as the tiny configs do); OpenPose has
            none, and with one the torchvision layer indices no longer apply.
            Defaults to None
        init_cfg (dict, optional): initialisation config

    Shapes:
        input (B, 3, h, w) → a 1-tuple with (B, reduction_channels[-1],
        h / stride, w / stride)
    """

    def __init__(self,
                 widths: Sequence[int] = (64, 128, 256, 512),
                 reduction_channels: Sequence[int] = (256, 128),
                 output_stride: int = 8,
                 norm_cfg: Optional[dict] = None,
                 init_cfg=None) -> None:
        super().__init__(init_cfg=init_cfg)
        if output_stride not in (8, 16):
            raise ValueError('OpenPoseVGG19: output_stride must be 8 or 16, '
                             f'got {output_stride}')
        if len(widths) != 4 or len(reduction_channels) != 2:
            raise ValueError('OpenPoseVGG19: widths needs 4 values and '
                             'reduction_channels 2, got '
                             f'{widths} and {reduction_channels}')
        self.output_stride = output_stride
        self.norm_cfg = norm_cfg
        layers = []
        in_channels = 3
        # VGG-19 block depths up to conv4_2; a pooling ends blocks 1-3
        for block, (width, depth) in enumerate(zip(widths, (2, 2, 4, 2))):
            for _ in range(depth):
                layers += self.conv_layer(in_channels, width)
                in_channels = width
            if block < 3:
                layers.append(nn.MaxPool2d(2, 2))
        self.features = nn.Sequential(*layers)
        self.extra_pool = (nn.MaxPool2d(2, 2)
                           if output_stride == 16 else nn.Identity())
        reduction = []
        for width in reduction_channels:
            reduction += self.conv_layer(in_channels, width)
            in_channels = width
        self.reduction = nn.Sequential(*reduction)
        self.out_channels = in_channels

    def conv_layer(self, in_channels: int, width: int) -> List[nn.Module]:
        """3×3 conv, the optional normalisation, ReLU."""
        layers = [nn.Conv2d(in_channels, width, 3, padding=1)]
        if self.norm_cfg is not None:
            layers.append(build_norm_layer(self.norm_cfg, width)[1])
        return layers + [nn.ReLU(inplace=True)]

    def forward(self, x: Tensor) -> tuple:
        return (self.reduction(self.extra_pool(self.features(x))), )
