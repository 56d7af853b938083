# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""Associative Embedding with EnhanceNet on its detection branch (Liu, Dou et
al., *Belief Map Enhancement Network*, Tables 4 and 6: "we keep the embedding
branch intact and add our EnhanceNet to the detection branch")."""
from typing import Tuple

import torch
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

    Training (eq. (8)): L^LR on the base detection heatmaps M^LR and
    η·L^HR on M^HR, both with the head's keypoint loss and the heatmap mask,
    plus the tag loss on the predicted (low-resolution) tags, as MMPose's
    ``AssociativeEmbeddingHead.loss`` computes it. The heatmap losses take
    the mask and no keypoint weights: MMPose 1.3.2's head passes the
    per-instance (N, K) weights to the heatmap loss, which needs (B, K) and
    asserts on any batch whose person count is not its image count (a
    bottom-up heatmap holds every person; unlabelled keypoints simply have no
    Gaussian). Targets come from
    :class:`~mmpose_ext.codecs.EnhancedAssociativeEmbedding` (two heatmap
    levels, ``keypoint_indices``, ``keypoint_weights``) and the loss mask of
    each level from
    :class:`~mmpose_ext.datasets.transforms.BottomupHeatmapMask`.

    Args:
        upscale_factor (int): r >= 1. Defaults to 4
        channels (int): C of EnhanceNet. Defaults to 128
        enhance_input (str): ``'features+maps'`` (the paper), ``'features'``
            or ``'maps'`` (Table 5a). Defaults to ``'features+maps'``
        upscaler (str): ``'subpixel'``, ``'deconv'`` or ``'bilinear'``
            (Table 5c). Defaults to ``'subpixel'``
        upscaler_kernel_size (int): kernel of the ``'deconv'`` upscaler.
            Defaults to 3
        hr_loss_weight (float): η of eq. (8). Defaults to 1.0
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
                 hr_loss_weight: float = 1.0,
                 **kwargs):
        super().__init__(**kwargs)
        if not isinstance(self.final_layer, nn.Conv2d):
            raise ValueError(
                f'{type(self).__name__}: the head has no convolutional '
                'final_layer, so there is no feature map F^LR before it to '
                'enhance (set final_layer=dict(kernel_size=1))')
        self.upscale_factor = upscale_factor
        self.enhance_input = enhance_input
        self.hr_loss_weight = hr_loss_weight
        self.enhancer = build_enhancer(
            type(self).__name__, self.final_layer.in_channels,
            self.num_keypoints, upscale_factor, channels, enhance_input,
            upscaler, upscaler_kernel_size)

    def _maps_and_tags(self, feats: Tuple[Tensor]
                       ) -> Tuple[Tensor, Tensor, Tensor]:
        """M^LR (B, K, H, W), M^HR (B, K, rH, rW) and the predicted tags
        (B, C_tag, H, W)."""
        features = self.conv_layers(self.deconv_layers(feats[-1]))  # F^LR
        output = self.final_layer(features)
        maps = output[:, :self.num_keypoints]  # M^LR, the detection branch
        tags = output[:, self.num_keypoints:]
        x = enhancer_input(features, maps, self.enhance_input)  # eq. (1)
        return maps, self.enhancer(x), tags

    def forward(self, feats: Tuple[Tensor]) -> Tuple[Tensor, Tensor]:
        """M^HR (B, K, rH, rW) and the tags resized to (rH, rW)."""
        _, maps_hr, tags = self._maps_and_tags(feats)
        if self.upscale_factor > 1:
            tags = F.interpolate(
                tags,
                size=maps_hr.shape[-2:],
                mode='bilinear',
                align_corners=False)
        return maps_hr, tags

    def loss(self, feats: Tuple[Tensor], batch_data_samples: OptSampleList,
             train_cfg: dict = {}) -> dict:
        """``loss_kpt`` (L^LR), ``loss_kpt_hr`` (η·L^HR), ``loss_pull`` and
        ``loss_push`` (the tag loss)."""
        maps_lr, maps_hr, tags = self._maps_and_tags(feats)
        if not self.tag_per_keypoint:
            tags = tags.repeat((1, self.num_keypoints, 1, 1))
        fields = [d.gt_fields for d in batch_data_samples]
        if getattr(fields[0], 'nlevel', None) != 2 or \
                'heatmap_mask' not in fields[0][0]:
            raise KeyError(
                f'{type(self).__name__}.loss needs two heatmap levels with '
                'masks in gt_fields: encode with EnhancedAssociativeEmbedding '
                'and add BottomupHeatmapMask after GenerateTarget in the '
                'train pipeline')
        gt_lr, gt_hr, masks, masks_hr = (
            torch.stack([getattr(f[level], name) for f in fields])
            for level, name in ((0, 'heatmaps'), (1, 'heatmaps'),
                                (0, 'heatmap_mask'), (1, 'heatmap_mask')))
        # masks (B, 1, H, W): one mask for all keypoint channels
        masks, masks_hr = (m.reshape(m.shape[0], 1, *m.shape[-2:])
                           for m in (masks, masks_hr))
        keypoint_indices = [
            d.gt_instance_labels.keypoint_indices for d in batch_data_samples
        ]
        keypoint_loss = self.loss_module.keypoint_loss
        # float32 under autocast: the tag loss averages and compares tags
        loss_pull, loss_push = self.loss_module.tag_loss(
            tags.float(), keypoint_indices)
        return dict(
            loss_kpt=keypoint_loss(maps_lr, gt_lr, None, masks),
            loss_kpt_hr=self.hr_loss_weight * keypoint_loss(
                maps_hr, gt_hr, None, masks_hr),
            loss_pull=loss_pull,
            loss_push=loss_push)
