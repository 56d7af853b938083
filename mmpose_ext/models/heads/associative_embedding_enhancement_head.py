# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""Associative Embedding with EnhanceNet on its detection branch (Liu, Dou et
al., *Belief Map Enhancement Network*, Tables 4 and 6: "we keep the embedding
branch intact and add our EnhanceNet to the detection branch")."""
from typing import Tuple

import torch.nn.functional as F
from mmpose.models.heads import AssociativeEmbeddingHead
from mmpose.registry import MODELS
from mmpose.utils.typing import OptSampleList
from torch import Tensor, nn

from .belief_map_enhancement_head import build_enhancer, enhancer_input


@MODELS.register_module()
class AssociativeEmbeddingEnhancementHead(AssociativeEmbeddingHead):
    """MMPose's ``AssociativeEmbeddingHead`` whose detection heatmaps are
    super-resolved by :class:`EnhanceNet`.

    The head's last feature map F^LR (after its deconv/conv layers, before
    the final layer) and its K detection heatmaps M^LR go through EnhanceNet
    (eqs. (1)-(5)) to M^HR at r× the heatmap size; the tag maps (the
    embedding branch) are kept as predicted and resized bilinearly to M^HR's
    size, so that grouping reads a tag at every high-resolution peak.
    Everything else is MMPose's head unchanged: flip test (heatmaps averaged,
    tags concatenated), multi-scale test, ``restore_heatmap_size`` and the
    ``AssociativeEmbedding`` codec's grouping, all on M^HR.

    Training: MMPose 1.3.2 ships Associative Embedding for inference and
    evaluation only (its config has an empty ``train_pipeline``), so this head
    is for inference and evaluation too; :meth:`loss` says so.

    Args:
        upscale_factor (int): r >= 1. Defaults to 4
        channels (int): C of EnhanceNet. Defaults to 128
        enhance_input (str): ``'features+maps'`` (the paper), ``'features'``
            or ``'maps'`` (Table 5a). Defaults to ``'features+maps'``
        upscaler (str): ``'subpixel'``, ``'deconv'`` or ``'bilinear'``
            (Table 5c). Defaults to ``'subpixel'``
        upscaler_kernel_size (int): kernel of the ``'deconv'`` upscaler.
            Defaults to 3
        **kwargs: the arguments of ``AssociativeEmbeddingHead``
            (``in_channels``, ``num_keypoints``, ``tag_dim``, ...,
            ``decoder``); the decoder's ``heatmap_size`` is M^HR's size, or
            the input size with ``restore_heatmap_size=True`` in test_cfg

    Shapes: ``forward`` returns M^HR (B, K, rH, rW) and the tags
    (B, C_tag, rH, rW), C_tag = K·tag_dim (``tag_per_keypoint``) or tag_dim.
    """

    def __init__(self,
                 upscale_factor: int = 4,
                 channels: int = 128,
                 enhance_input: str = 'features+maps',
                 upscaler: str = 'subpixel',
                 upscaler_kernel_size: int = 3,
                 **kwargs):
        super().__init__(**kwargs)
        if not isinstance(self.final_layer, nn.Conv2d):
            raise ValueError(
                f'{type(self).__name__}: the head has no convolutional '
                'final_layer, so there is no feature map F^LR before it to '
                'enhance (set final_layer=dict(kernel_size=1))')
        self.upscale_factor = upscale_factor
        self.enhance_input = enhance_input
        self.enhancer = build_enhancer(
            type(self).__name__, self.final_layer.in_channels,
            self.num_keypoints, upscale_factor, channels, enhance_input,
            upscaler, upscaler_kernel_size)

    def forward(self, feats: Tuple[Tensor]) -> Tuple[Tensor, Tensor]:
        """M^HR (B, K, rH, rW) and the tags resized to (rH, rW)."""
        features = self.conv_layers(self.deconv_layers(feats[-1]))  # F^LR
        output = self.final_layer(features)
        maps = output[:, :self.num_keypoints]  # M^LR, the detection branch
        tags = output[:, self.num_keypoints:]
        x = enhancer_input(features, maps, self.enhance_input)  # eq. (1)
        maps_hr = self.enhancer(x)
        if self.upscale_factor > 1:
            tags = F.interpolate(
                tags,
                size=maps_hr.shape[-2:],
                mode='bilinear',
                align_corners=False)
        return maps_hr, tags

    def loss(self, feats: Tuple[Tensor], batch_data_samples: OptSampleList,
             train_cfg: dict = {}) -> dict:
        raise NotImplementedError(
            f'{type(self).__name__} is for inference and evaluation: MMPose '
            '1.3.2 ships Associative Embedding without a training pipeline '
            '(its ae_hrnet-w32 config has train_pipeline = []). Train the '
            'enhanced top-down models with BeliefMapEnhancementHead instead.')
