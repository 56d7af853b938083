# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
from typing import Sequence, Tuple, Union

import torch
from mmengine.structures import PixelData
from mmpose.evaluation.functional import pose_pck_accuracy
from mmpose.models.heads.base_head import BaseHead
from mmpose.models.utils.tta import flip_heatmaps
from mmpose.registry import KEYPOINT_CODECS, MODELS
from mmpose.utils.tensor_utils import to_numpy
from mmpose.utils.typing import (ConfigType, Features, OptConfigType,
                                 OptSampleList, Predictions)
from torch import Tensor

Outputs = Tuple[Tensor, Tensor]


@MODELS.register_module()
class ConfidenceAwareHead(BaseHead):
    """Heatmap branch and a separate offset branch, for Confidence-Aware
    Learning (Wang et al., *Low-resolution Human Pose Estimation*).

    The branches read backbone feature maps chosen by index: by default both
    the last one; with :class:`~mmpose_ext.models.backbones.OffsetBranchHRNet`,
    which gives the offsets their own last stage (the paper's model),
    ``heatmap_feature_index=0, offset_feature_index=1``. Each is built from a
    config, by default MMPose's ``HeatmapHead`` (so deconvolution and conv
    layers are configured the MMPose way) with ``out_channels`` K for the
    heatmaps Ĝ and 2K for the offsets Ô (x/y interleaved). Prediction decodes
    with :class:`~mmpose_ext.codecs.ConfidenceAwareHeatmap` (eq. (9)); flip
    test averages heatmaps and offsets, the flipped offsets' x negated.

    Args:
        in_channels (int | Sequence[int]): channels of the backbone output
        out_channels (int): K
        heatmap_branch (dict): kwargs (and optionally ``type``) of the
            heatmap branch; ``in_channels`` and ``out_channels`` are filled in.
            Defaults to a 1×1 conv (``HeatmapHead`` without deconvolutions),
            HRNet's head
        offset_branch (dict): the same for the offset branch. Defaults to two
            3×3 convs of ``in_channels`` channels and a 1×1 conv
        heatmap_feature_index (int): the backbone output the heatmap branch
            reads. Defaults to -1
        offset_feature_index (int): the backbone output the offset branch
            reads. Defaults to -1
        loss (dict): defaults to ``ConfidenceAwareLoss``
        decoder (dict, optional): the codec, for prediction
        init_cfg (dict, optional): initialisation

    Shapes: ``forward`` returns heatmaps (B, K, H, W) and offsets
    (B, 2K, H, W).
    """

    def __init__(self,
                 in_channels: Union[int, Sequence[int]],
                 out_channels: int,
                 heatmap_branch: OptConfigType = None,
                 offset_branch: OptConfigType = None,
                 heatmap_feature_index: int = -1,
                 offset_feature_index: int = -1,
                 loss: ConfigType = dict(type='ConfidenceAwareLoss'),
                 decoder: OptConfigType = None,
                 init_cfg: OptConfigType = None):
        super().__init__(init_cfg)
        if out_channels < 1:
            raise ValueError(f'out_channels (K) must be >= 1, got '
                             f'{out_channels}')
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.heatmap_feature_index = heatmap_feature_index
        self.offset_feature_index = offset_feature_index
        width = in_channels if isinstance(in_channels, int) else in_channels[-1]
        self.heatmap_branch = self._build_branch(
            heatmap_branch or dict(deconv_out_channels=None), out_channels)
        self.offset_branch = self._build_branch(
            offset_branch or dict(
                deconv_out_channels=None,
                conv_out_channels=(width, width),
                conv_kernel_sizes=(3, 3)), 2 * out_channels)
        self.loss_module = MODELS.build(loss)
        self.decoder = KEYPOINT_CODECS.build(decoder) if decoder else None

    def _build_branch(self, cfg: dict, out_channels: int) -> torch.nn.Module:
        cfg = dict(cfg)
        cfg.setdefault('type', 'HeatmapHead')
        cfg.update(in_channels=self.in_channels, out_channels=out_channels)
        return MODELS.build(cfg)

    def forward(self, feats: Tuple[Tensor]) -> Outputs:
        """(B, K, H, W) heatmaps and (B, 2K, H, W) offsets."""
        return (self.heatmap_branch((feats[self.heatmap_feature_index], )),
                self.offset_branch((feats[self.offset_feature_index], )))

    def predict(self,
                feats: Features,
                batch_data_samples: OptSampleList,
                test_cfg: ConfigType = {}) -> Predictions:
        """Keypoints in input-image pixels, with flip test when
        ``test_cfg['flip_test']``; also the maps when
        ``test_cfg['output_heatmaps']``."""
        if test_cfg.get('flip_test', False):
            assert isinstance(feats, list) and len(feats) == 2
            flip_indices = batch_data_samples[0].metainfo['flip_indices']
            heatmaps, offsets = self.forward(feats[0])
            heatmaps_flip, offsets_flip = self.forward(feats[1])
            heatmaps = 0.5 * (heatmaps + flip_heatmaps(
                heatmaps_flip, flip_indices=flip_indices, flip_mode='heatmap',
                shift_heatmap=False))
            offsets = 0.5 * (offsets + flip_heatmaps(
                offsets_flip, flip_indices=flip_indices, flip_mode='offset',
                shift_heatmap=False))
        else:
            heatmaps, offsets = self.forward(feats)
        preds = self.decode((heatmaps, offsets))
        if test_cfg.get('output_heatmaps', False):
            return preds, [
                PixelData(heatmaps=hm, offsets=off)
                for hm, off in zip(heatmaps.detach(), offsets.detach())
            ]
        return preds

    def loss(self,
             feats: Tuple[Tensor],
             batch_data_samples: OptSampleList,
             train_cfg: ConfigType = {}) -> dict:
        """Losses of eqs. (14) / (15) and the heatmap PCK accuracy."""
        heatmaps, offsets = self.forward(feats)
        gt_heatmaps = torch.stack(
            [d.gt_fields.heatmaps for d in batch_data_samples])
        gt_offsets = torch.stack(
            [d.gt_fields.offsets for d in batch_data_samples])
        keypoint_weights = torch.cat([
            d.gt_instance_labels.keypoint_weights for d in batch_data_samples
        ])
        heatmap_keypoints = torch.cat([
            d.gt_instance_labels.heatmap_keypoints
            for d in batch_data_samples
        ]).float()  # float32 under autocast too: sub-pixel coordinates
        losses = dict(
            self.loss_module(heatmaps, offsets, gt_heatmaps, gt_offsets,
                             keypoint_weights, heatmap_keypoints))
        if train_cfg.get('compute_acc', True):
            _, avg_acc, _ = pose_pck_accuracy(
                output=to_numpy(heatmaps.float()),  # numpy has no bfloat16
                target=to_numpy(gt_heatmaps),
                mask=to_numpy(keypoint_weights) > 0)
            losses['acc_pose'] = torch.tensor(avg_acc, device=heatmaps.device)
        return losses
