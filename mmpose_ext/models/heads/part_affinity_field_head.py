# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
from typing import List, Optional, Sequence, Tuple

import torch
import torch.nn as nn
from mmcv.cnn import build_norm_layer
from mmengine.structures import InstanceData, PixelData
from mmpose.evaluation.functional.transforms import transform_pred
from mmpose.models.heads.base_head import BaseHead
from mmpose.registry import KEYPOINT_CODECS, MODELS
from mmpose.utils.typing import (ConfigType, Features, OptConfigType,
                                 OptSampleList, Predictions)
from torch import Tensor

from .part_affinity_field_prediction import (PafMaps, aggregate_scales,
                                             average_maps, decode_maps,
                                             flip_back, limb_flip_permutation,
                                             zero_padding)


def wrapped_loss_chain(loss: nn.Module) -> List[nn.Module]:
    """A loss and the losses it wraps (``loss.loss``, recursively): SALM and
    PDD wrap L0."""
    chain = [loss]
    while isinstance(getattr(chain[-1], 'loss', None), nn.Module):
        chain.append(chain[-1].loss)
    return chain


def loss_context_keys(loss: nn.Module) -> set:
    """The per-stage context a (wrapped) loss reads from the head."""
    keys = set()
    for module in wrapped_loss_chain(loss):
        keys |= set(getattr(module, 'context_keys', ()))
    return keys


def conv_relu_stack(in_channels: int,
                    width: int,
                    kernel_size: int,
                    depth: int,
                    norm_cfg: Optional[dict] = None) -> List[nn.Module]:
    """``depth`` convolutions of ``kernel_size`` (same padding), each
    followed by the optional normalisation and a ReLU."""
    layers = []
    for _ in range(depth):
        layers.append(
            nn.Conv2d(in_channels, width, kernel_size,
                      padding=kernel_size // 2))
        if norm_cfg is not None:
            layers.append(build_norm_layer(norm_cfg, width)[1])
        layers.append(nn.ReLU(inplace=True))
        in_channels = width
    return layers


class StageBranch(nn.Sequential):
    """One branch of one OpenPose stage: ``depth`` k×k convs of ``width``, a
    1×1 conv of ``hidden`` and a 1×1 output conv (no activation)."""

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 width: int,
                 kernel_size: int,
                 depth: int,
                 hidden: int,
                 norm_cfg: Optional[dict] = None) -> None:
        layers = conv_relu_stack(in_channels, width, kernel_size, depth,
                                 norm_cfg)
        layers += conv_relu_stack(width, hidden, 1, 1, norm_cfg)
        layers.append(nn.Conv2d(hidden, out_channels, 1))
        super().__init__(*layers)


@MODELS.register_module()
class PartAffinityFieldHead(BaseHead):
    """The multi-stage two-branch head of bottom-up OpenPose (Fig. 5 and
    eqs. (9), (10) of Liu et al.).

    Stage 1 has, per branch, three 3×3 convs of ``stage_channels``, a 1×1
    conv of 512 and a 1×1 output conv; stages 2…T have five 7×7 convs, a 1×1
    conv of ``stage_channels`` and a 1×1 output conv. Every stage after the
    first reads [backbone features, previous PAFs, previous heatmaps]. The
    PAF branch outputs 2L channels, the heatmap branch K + 1 (background
    last) and, with ``with_block_offsets`` (RIE), 2K more offset channels.
    Every stage is supervised (intermediate supervision).

    Prediction decodes the last stage with
    :class:`~mmpose_ext.codecs.PartAffinityFields`, in the steps of
    :mod:`~mmpose_ext.models.heads.part_affinity_field_prediction` on the
    maps' device. Flip test averages the
    maps with the flipped heatmaps' and offsets' channels mirrored by
    ``flip_indices``, the PAFs' channels mirrored by limb and the x
    components (and offsets' x) negated. Multi-scale test (the feature list
    of :class:`MultiScaleBottomupPoseEstimator`) resizes each scale's
    heatmaps and PAFs bilinearly to the largest scale's map size and
    averages them there, as CMU OpenPose does (not pooled down to scale 1);
    with RIE they are averaged at the first scale's size, because the
    offsets, measured in cells of their own scale, come from the first
    scale.

    Args:
        in_channels (int): backbone channels (128 for OpenPose)
        num_keypoints (int): K
        num_limbs (int): L, the number of skeleton links
        num_stages (int): T. Defaults to 6
        stage_channels (int): width of the stage convs. Defaults to 128
        first_stage_hidden (int): width of stage 1's 1×1 conv. Defaults to 512
        refine_kernel_size (int): kernel of stages 2…T. Defaults to 7
        refine_depth (int): k×k convs in stages 2…T. Defaults to 5
        with_block_offsets (bool): add RIE's 2K offset channels.
            Defaults to False
        norm_cfg (dict, optional): normalisation after every hidden conv
            (OpenPose has none; the tiny configs train from scratch with BN).
            Defaults to None
        paf_loss, heatmap_loss, offset_loss (dict): loss configs, by default
            :class:`~mmpose_ext.models.losses.SummedSquaredErrorLoss` (L0);
            section III of Liu et al. composes them by config: γ and δ of eq.
            (14) are the heatmap and PAF losses' ``loss_weight``,
            :class:`~mmpose_ext.models.losses.SpatialAttentionLoss` (SALM,
            PAFs only) and
            :class:`~mmpose_ext.models.losses.ProgressiveDirectionLoss` (PDD,
            one β per stage) wrap L0
        self_supervision (dict, optional): the KL self-supervision of eqs.
            (13), (14), :class:`~mmpose_ext.models.losses.KLSelfSupervisionLoss`
            (its channel counts are filled in); applied to every stage, in
            training only
        decoder (dict): the codec config
        flip_indices (sequence, optional): the flip pairs of the network's
            keypoint layout, when it is not the dataset's (OpenPose-18 on
            COCO-17 data); by default the data samples' ``flip_indices``
        output_converter (dict, optional): ``num_keypoints`` and ``mapping``
            (MMPose's ``KeypointConverter`` format: (network index, output
            index) pairs) that turn predictions into the dataset's layout
            before the estimator maps them back, e.g. OpenPose-18 → COCO-17
            for ``CocoMetric``; keypoints without a source get score 0
        init_cfg (dict, optional): defaults to N(0, 0.01) convs

    Shapes:
        ``forward`` returns T :class:`PafMaps` (heatmaps (B, K + 1, h, w),
        pafs (B, 2L, h, w), offsets (B, 2K, h, w) or None), the order of
        the codec's ``decode``.
    """

    _version = 2

    def __init__(self,
                 in_channels: int,
                 num_keypoints: int,
                 num_limbs: int,
                 num_stages: int = 6,
                 stage_channels: int = 128,
                 first_stage_hidden: int = 512,
                 refine_kernel_size: int = 7,
                 refine_depth: int = 5,
                 with_block_offsets: bool = False,
                 norm_cfg: Optional[dict] = None,
                 paf_loss: ConfigType = dict(type='SummedSquaredErrorLoss'),
                 heatmap_loss: ConfigType = dict(
                     type='SummedSquaredErrorLoss'),
                 offset_loss: ConfigType = dict(type='SummedSquaredErrorLoss'),
                 self_supervision: OptConfigType = None,
                 decoder: OptConfigType = None,
                 flip_indices: Optional[Sequence[int]] = None,
                 output_converter: OptConfigType = None,
                 init_cfg: OptConfigType = None) -> None:
        if init_cfg is None:
            init_cfg = [dict(type='Normal', layer='Conv2d', std=0.01,
                             bias=0)]
        super().__init__(init_cfg)
        if num_stages < 1:
            raise ValueError('PartAffinityFieldHead: num_stages must be >= 1,'
                             f' got {num_stages}')
        self.in_channels = in_channels
        self.num_keypoints = num_keypoints
        self.num_limbs = num_limbs
        self.num_stages = num_stages
        self.with_block_offsets = with_block_offsets
        paf_channels = 2 * num_limbs
        heatmap_channels = num_keypoints + 1
        heatmap_branch_channels = heatmap_channels + (
            2 * num_keypoints if with_block_offsets else 0)

        self.paf_stages = nn.ModuleList()
        self.heatmap_stages = nn.ModuleList()
        for t in range(num_stages):
            if t == 0:
                stage_in, kernel, depth, hidden = (in_channels, 3, 3,
                                                   first_stage_hidden)
            else:
                stage_in = in_channels + paf_channels + heatmap_branch_channels
                kernel, depth, hidden = (refine_kernel_size, refine_depth,
                                         stage_channels)
            self.paf_stages.append(
                StageBranch(stage_in, paf_channels, stage_channels, kernel,
                            depth, hidden, norm_cfg))
            self.heatmap_stages.append(
                StageBranch(stage_in, heatmap_branch_channels, stage_channels,
                            kernel, depth, hidden, norm_cfg))

        self.paf_loss_module = MODELS.build(paf_loss)
        self.heatmap_loss_module = MODELS.build(heatmap_loss)
        self.offset_loss_module = MODELS.build(offset_loss)
        for name in ('paf_loss', 'heatmap_loss', 'offset_loss'):
            for module in wrapped_loss_chain(getattr(self,
                                                     f'{name}_module')):
                if hasattr(module, 'check_num_stages'):
                    module.check_num_stages(num_stages)
                if (name != 'paf_loss'
                        and 'limb_attention' in getattr(
                            module, 'context_keys', ())):
                    raise ValueError(
                        f'PartAffinityFieldHead: {name} uses '
                        f'{type(module).__name__}, which weights PAF pixels '
                        'by limb; use it in paf_loss only')
        self.self_supervision = None
        if self_supervision is not None:
            self_supervision = dict(self_supervision)
            self_supervision.setdefault('num_keypoints', num_keypoints)
            self_supervision.setdefault('num_limbs', num_limbs)
            self.self_supervision = MODELS.build(self_supervision)
        self.decoder = None
        if decoder is not None:
            self.decoder = KEYPOINT_CODECS.build(decoder)
            if bool(getattr(self.decoder, 'with_block_offsets',
                            False)) != with_block_offsets:
                raise ValueError(
                    'PartAffinityFieldHead: with_block_offsets='
                    f'{with_block_offsets} but the decoder has '
                    f'with_block_offsets={self.decoder.with_block_offsets}; '
                    'set both the same')
            self._check_limbs(getattr(self.decoder, 'skeleton_links', None))
        self.flip_indices = None
        if flip_indices is not None:
            self.flip_indices = [int(i) for i in flip_indices]
            if sorted(self.flip_indices) != list(range(num_keypoints)):
                raise ValueError(
                    'PartAffinityFieldHead: flip_indices must be a '
                    f'permutation of 0..{num_keypoints - 1}, got '
                    f'{list(flip_indices)}')
        self.output_converter = None
        if output_converter is not None:
            mapping = [(int(src), int(dst))
                       for src, dst in output_converter['mapping']]
            bad = [pair for pair in mapping if pair[0] >= num_keypoints
                   or pair[1] >= output_converter['num_keypoints']]
            if bad:
                raise ValueError(
                    f'PartAffinityFieldHead: output_converter pairs {bad} '
                    f'leave 0..{num_keypoints - 1} (network) or '
                    f'0..{output_converter["num_keypoints"] - 1} (output)')
            self.output_converter = dict(
                num_keypoints=int(output_converter['num_keypoints']),
                mapping=mapping)

    def _check_limbs(self, links) -> None:
        """Fixed limbs must name keypoints of the layout and be
        ``num_limbs`` long (checked at build, naming the limb)."""
        if links is None:
            return
        for index, (a, b) in enumerate(links):
            if not (0 <= min(a, b) and max(a, b) < self.num_keypoints):
                raise ValueError(
                    f'PartAffinityFieldHead: limb {index} ({a}, {b}) of the '
                    f'decoder\'s skeleton_links names a keypoint outside '
                    f'0..{self.num_keypoints - 1} (num_keypoints='
                    f'{self.num_keypoints})')
        if len(links) != self.num_limbs:
            raise ValueError(
                f'PartAffinityFieldHead: num_limbs={self.num_limbs} but the '
                f'decoder has {len(links)} skeleton_links')

    def layout_flip_indices(self, metainfo: dict):
        """The network layout's flip pairs: fixed, else the samples'."""
        if self.flip_indices is not None:
            return self.flip_indices
        return metainfo.get('flip_indices')

    def convert_output(self, keypoints, scores):
        """(P, K, 2), (P, K) in the network's layout → the output layout
        (``output_converter``, with MMPose's ``transform_pred``, which
        CocoMetric's ``pred_converter`` uses); unchanged without one."""
        if self.output_converter is None:
            return keypoints, scores
        converted = transform_pred(
            dict(keypoints=keypoints, keypoint_scores=scores),
            **self.output_converter)
        return converted['keypoints'], converted['keypoint_scores']

    # forward ---------------------------------------------------------------
    def split_heatmap_branch(self, out: Tensor) -> Tuple[Tensor,
                                                         Optional[Tensor]]:
        """Heatmap branch output → (heatmaps (B, K+1, h, w), offsets
        (B, 2K, h, w) or None)."""
        k1 = self.num_keypoints + 1
        if self.with_block_offsets:
            return out[:, :k1], out[:, k1:]
        return out, None

    def forward(self, feats: Features) -> List[PafMaps]:
        """All stages' maps for the last backbone feature map."""
        x = feats[-1]
        outputs = []
        stage_in = x
        for paf_stage, heatmap_stage in zip(self.paf_stages,
                                            self.heatmap_stages):
            pafs = paf_stage(stage_in)
            heatmap_out = heatmap_stage(stage_in)
            heatmaps, offsets = self.split_heatmap_branch(heatmap_out)
            outputs.append(PafMaps(heatmaps, pafs, offsets))
            stage_in = torch.cat([x, pafs, heatmap_out], dim=1)
        return outputs

    # loss ------------------------------------------------------------------
    def partner_channels(self, metainfo: dict) -> dict:
        """Each output channel's left/right partner, for PDD: heatmaps and
        offsets through ``flip_indices`` (the background is its own), PAFs
        through the mirrored limb."""
        flip_indices = self.layout_flip_indices(metainfo)
        links = metainfo.get('skeleton_links')
        if self.decoder is not None:
            links = self.decoder.skeleton_links or links
        if flip_indices is None or links is None:
            raise ValueError(
                'PartAffinityFieldHead: PDD needs "flip_indices" and '
                '"skeleton_links" in the data samples; add them to '
                'PackPoseInputs.meta_keys of the train pipeline')
        flip_indices = [int(i) for i in flip_indices]
        order, _ = limb_flip_permutation(links, flip_indices)
        return dict(
            paf=[2 * int(o) + c for o in order for c in (0, 1)],
            heatmap=flip_indices + [self.num_keypoints],
            offset=[2 * k + c for k in flip_indices for c in (0, 1)])

    def loss(self,
             feats: Tuple[Tensor],
             batch_data_samples: OptSampleList,
             train_cfg: ConfigType = {}) -> dict:
        """The losses of every stage (intermediate supervision), summed over
        stages: PAF, heatmap and, with RIE, offset losses (offsets count only
        on cells whose heatmap target exceeds the codec's threshold), and the
        self-supervision's when configured. A ``heatmap_mask`` in the
        samples' fields (MMPose's ``BottomupGetHeatmapMask``) masks the
        heatmap and PAF losses.

        Each loss gets the stage index and whatever context it declares
        (``context_keys``): SALM the codec's ``limb_attention``, PDD the
        ground truth's per-channel ``presence`` (heatmap value, PAF
        magnitude, offset weight) and the ``partner_channels``.
        """
        stage_outputs = self.forward(feats)
        gt_fields = [d.gt_fields for d in batch_data_samples]
        gt_pafs = torch.stack([f.pafs for f in gt_fields])
        gt_heatmaps = torch.stack([f.heatmaps for f in gt_fields])
        mask = None
        if all('heatmap_mask' in f for f in gt_fields):
            mask = torch.stack([f.heatmap_mask for f in gt_fields]).float()
            mask = mask.view(mask.size(0), 1, *mask.shape[-2:])
        gt_offsets = offset_weights = None
        if self.with_block_offsets:
            gt_offsets = torch.stack([f.offsets for f in gt_fields])
            offset_weights = torch.stack(
                [f.offset_weights for f in gt_fields]).repeat_interleave(
                    2, dim=1)

        representations = dict(
            paf=(self.paf_loss_module, gt_pafs, mask),
            heatmap=(self.heatmap_loss_module, gt_heatmaps, mask))
        if self.with_block_offsets:
            representations['offset'] = (self.offset_loss_module, gt_offsets,
                                         offset_weights)
        contexts = {name: {} for name in representations}
        partners = None
        for name, (module, target, _) in representations.items():
            keys = loss_context_keys(module)
            if 'limb_attention' in keys:
                if not all('limb_attention' in f for f in gt_fields):
                    raise ValueError(
                        'PartAffinityFieldHead: SALM needs the '
                        '"limb_attention" field of the PartAffinityFields '
                        'codec in the samples (GenerateTarget with that '
                        'codec)')
                contexts[name]['limb_attention'] = torch.stack(
                    [f.limb_attention for f in gt_fields])
            if 'partner_channels' in keys:
                if partners is None:
                    partners = self.partner_channels(
                        batch_data_samples[0].metainfo)
                contexts[name]['partner_channels'] = partners[name]
            if 'presence' in keys:
                if name == 'paf':
                    B, C, H, W = target.shape
                    presence = target.view(B, C // 2, 2, H, W).norm(
                        dim=2).repeat_interleave(2, dim=1)
                elif name == 'offset':
                    presence = offset_weights
                else:
                    presence = target
                contexts[name]['presence'] = presence

        losses = {f'loss_{name}': 0. for name in representations}
        for stage, maps in enumerate(stage_outputs):
            outputs = dict(paf=maps.pafs, heatmap=maps.heatmaps,
                           offset=maps.offsets)
            for name, (module, target, weights) in representations.items():
                losses[f'loss_{name}'] = losses[f'loss_{name}'] + module(
                    outputs[name], target, weights, stage=stage,
                    **contexts[name])
            if self.self_supervision is not None:
                for key, value in self.self_supervision(
                        maps.pafs, maps.heatmaps, gt_pafs, gt_heatmaps, mask,
                        mask).items():
                    losses[key] = losses.get(key, 0.) + value
        return losses

    # predict ---------------------------------------------------------------
    def last_stage_maps(self, feats) -> PafMaps:
        """The last stage's maps of a feature tuple."""
        return self.forward(feats)[-1]

    def decode(self, batch_outputs) -> List[InstanceData]:
        """Decode a batch of maps (:class:`PafMaps`, or a tuple in its
        order: heatmaps, PAFs, offsets) with the head's fixed limbs (the
        decoder's ``skeleton_links``); ``predict`` is the test-time path.

        Returns:
            list[InstanceData]: ``keypoints`` (P, K, 2) in input pixels of
            the network's layout, ``keypoint_scores`` and ``bbox_scores``
        """
        if self.decoder is None:
            raise ValueError('PartAffinityFieldHead.decode needs a decoder '
                             '(the PartAffinityFields codec config)')
        maps = PafMaps(*batch_outputs)
        return [
            InstanceData(keypoints=keypoints, keypoint_scores=scores,
                         bbox_scores=person_scores)
            for keypoints, scores, person_scores in decode_maps(
                maps, self.decoder, self.decoder.resolve_skeleton_links())
        ]

    def predict(self,
                feats: Features,
                batch_data_samples: OptSampleList,
                test_cfg: ConfigType = {}) -> Predictions:
        """Decode the last stage's maps into instances, on the device of
        the maps (:mod:`.part_affinity_field_prediction`): flip back and
        average, average the scales, zero the padding, find the peaks;
        group on the CPU.

        ``feats`` is a feature tuple, or ``[feats, flipped_feats]`` with
        ``flip_test``, or a list of those over scales with
        ``multiscale_test`` (the reference scale first, as
        :class:`MultiScaleBottomupPoseEstimator` orders them).

        Returns:
            list[InstanceData] with ``keypoints`` (P, K, 2) in input pixels,
            ``keypoint_scores`` (P, K) and ``bbox_scores`` (P, ) (the
            decoder's person score, by its ``person_score``); with
            ``output_heatmaps`` also a list of PixelData with ``heatmaps``
            (K, h, w, no background), ``pafs`` (2L, h, w) and, with RIE,
            ``offsets`` (2K, h, w).
        """
        if self.decoder is None:
            raise ValueError('PartAffinityFieldHead.predict needs a decoder '
                             '(the PartAffinityFields codec config)')
        metainfo = batch_data_samples[0].metainfo
        skeleton_links = self.test_skeleton_links(metainfo)
        scales_feats = feats if test_cfg.get('multiscale_test',
                                             False) else [feats]
        per_scale = []
        for scale_feats in scales_feats:
            if test_cfg.get('flip_test', False):
                orig, flipped = scale_feats
                per_scale.append(average_maps(
                    self.last_stage_maps(orig),
                    flip_back(self.last_stage_maps(flipped),
                              self.layout_flip_indices(metainfo),
                              skeleton_links)))
            else:
                per_scale.append(self.last_stage_maps(scale_feats))
        maps, relative_stride = aggregate_scales(per_scale,
                                                 self.with_block_offsets)
        map_stride = None if relative_stride == 1 else \
            float(self.decoder.scale_factor[0]) * relative_stride
        maps = maps._replace(heatmaps=zero_padding(
            maps.heatmaps, self.num_keypoints,
            [d.metainfo for d in batch_data_samples]))
        preds = []
        for keypoints, scores, person_scores in decode_maps(
                maps, self.decoder, skeleton_links, map_stride):
            keypoints, scores = self.convert_output(keypoints, scores)
            # the person score is what CocoMetric(score_mode='bbox') ranks by
            preds.append(
                InstanceData(keypoints=keypoints, keypoint_scores=scores,
                             bbox_scores=person_scores))
        if test_cfg.get('output_heatmaps', False):
            fields = []
            for i in range(maps.heatmaps.shape[0]):
                field = PixelData(
                    heatmaps=maps.heatmaps[i, :self.num_keypoints],
                    pafs=maps.pafs[i])
                if maps.offsets is not None:
                    field.offsets = maps.offsets[i]
                fields.append(field)
            return preds, fields
        return preds

    def test_skeleton_links(self, metainfo: dict) -> list:
        """The limbs to decode: the decoder's fixed ones, else the data
        samples' (``skeleton_links`` in ``PackPoseInputs.meta_keys``)."""
        skeleton_links = metainfo.get('skeleton_links')
        if skeleton_links is None and self.decoder.skeleton_links is None:
            raise ValueError(
                'PartAffinityFieldHead.predict: the data samples carry no '
                '"skeleton_links"; add it to PackPoseInputs.meta_keys of the '
                'test pipeline')
        skeleton_links = self.decoder.resolve_skeleton_links(skeleton_links)
        if len(skeleton_links) != self.num_limbs:
            raise ValueError(
                f'PartAffinityFieldHead: num_limbs={self.num_limbs} but the '
                f'dataset has {len(skeleton_links)} skeleton links')
        return skeleton_links
