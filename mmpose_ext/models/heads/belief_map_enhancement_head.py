# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""EnhanceNet: super-resolving a heatmap head's belief maps with sub-pixel
convolution (Liu, Dou et al., *Belief Map Enhancement Network for Accurate Human
Pose Estimation*, eqs. (1)-(8))."""
from typing import Optional, Tuple

import torch
from mmpose.models.heads.base_head import BaseHead
from mmpose.models.utils.tta import flip_heatmaps
from mmpose.registry import KEYPOINT_CODECS, MODELS
from mmpose.utils.typing import (ConfigType, Features, OptConfigType,
                                 OptSampleList, Predictions)
from mmengine.structures import PixelData
from torch import Tensor, nn

INPUTS = ('features', 'maps', 'features+maps')
UPSCALERS = ('subpixel', 'deconv', 'bilinear')


class PixelShuffleToContiguous(nn.PixelShuffle):
    """Periodic shuffling PS (eq. (5)) that writes its output once, in the
    default (contiguous) layout, whatever the layout of its input.

    The same numbers as :class:`torch.nn.PixelShuffle`: output[b, k, r·h + i,
    r·w + j] = input[b, k·r² + i·r + j, h, w]. On a channels-last input,
    ``nn.PixelShuffle`` keeps channels-last and a later ``contiguous()`` copies
    the K·r²·H·W values once more; here one permutation does both (at batch
    32 on HRNet-W32's 64×48 maps: 40 instead of 83 ms on this project's CPU).

    Shapes: (B, K·r², H, W) → (B, K, r·H, r·W), contiguous.
    """

    def forward(self, x: Tensor) -> Tensor:
        r = self.upscale_factor
        B, C, H, W = x.shape
        if C % (r * r):
            raise ValueError(f'PixelShuffleToContiguous: {C} channels are '
                             f'not divisible by r² = {r * r}')
        K = C // (r * r)
        # (B, C, H, W) → (B, K, r_i, r_j, H, W) → (B, K, H, r_i, W, r_j)
        x = x.reshape(B, K, r, r, H, W).permute(0, 1, 4, 2, 5, 3)
        return x.reshape(B, K, H * r, W * r)


class EnhanceNet(nn.Module):
    """The L = 3 layer enhancement network (eqs. (1)-(5)).

    x = [F^LR, M^LR] (eq. (1)) → 1×1 conv to C + ReLU (eq. (2)) → 3×3 conv C
    + ReLU (eq. (3)) → upscaling layer (eq. (4)):

    - ``'subpixel'``: 3×3 conv to K·r² and periodic shuffling PS (eq. (5),
      :class:`PixelShuffleToContiguous`), the paper's choice;
    - ``'deconv'``: a transposed conv C → K of kernel ``deconv_kernel_size``
      and stride r (Table 5c: 3 and 12);
    - ``'bilinear'``: bilinear ×r upsampling, then a 3×3 conv C → K.

    Args:
        in_channels (int): channels of x (those of F^LR and/or K)
        num_keypoints (int): K
        channels (int): C. Defaults to 128
        upscale_factor (int): r >= 1. Defaults to 4
        upscaler (str): see above. Defaults to ``'subpixel'``
        deconv_kernel_size (int): kernel of the ``'deconv'`` upscaler

    Shapes: (B, in_channels, H, W) → (B, K, r·H, r·W).

    The layers run in channels-last memory format (weights and activations):
    the same numbers, and on the CPU (oneDNN) about 27% faster than the
    default layout at both batch 1 and 32 (HRNet-W32's F^LR + M^LR, 64×48,
    measured here), since no layer has to reorder its input. The output is
    returned in the default layout.
    """

    def __init__(self,
                 in_channels: int,
                 num_keypoints: int,
                 channels: int = 128,
                 upscale_factor: int = 4,
                 upscaler: str = 'subpixel',
                 deconv_kernel_size: int = 3):
        super().__init__()
        r = upscale_factor
        self.layers = nn.Sequential(
            nn.Conv2d(in_channels, channels, 1), nn.ReLU(inplace=True),
            nn.Conv2d(channels, channels, 3, padding=1), nn.ReLU(inplace=True))
        if upscaler == 'subpixel':
            self.upscale = nn.Sequential(
                nn.Conv2d(channels, num_keypoints * r * r, 3, padding=1),
                PixelShuffleToContiguous(r))
        elif upscaler == 'deconv':
            k = deconv_kernel_size
            # output (H-1)·r - 2p + k + q = r·H: the smallest p >= 0, q in [0, r)
            padding = max(0, -(-(k - r) // 2))
            output_padding = r - k + 2 * padding
            self.upscale = nn.ConvTranspose2d(
                channels, num_keypoints, k, stride=r, padding=padding,
                output_padding=output_padding)
        elif upscaler == 'bilinear':
            self.upscale = nn.Sequential(
                nn.Upsample(scale_factor=r, mode='bilinear',
                            align_corners=False),
                nn.Conv2d(channels, num_keypoints, 3, padding=1))
        else:
            raise ValueError(f'upscaler must be one of {UPSCALERS}, got '
                             f'{upscaler!r}')
        self.to(memory_format=torch.channels_last)

    def forward(self, x: Tensor) -> Tensor:
        x = x.contiguous(memory_format=torch.channels_last)
        return self.upscale(self.layers(x)).contiguous()


def build_enhancer(owner: str, feature_channels: int, num_keypoints: int,
                   upscale_factor: int, channels: int, enhance_input: str,
                   upscaler: str, upscaler_kernel_size: int) -> EnhanceNet:
    """EnhanceNet for a head whose F^LR has ``feature_channels`` channels and
    whose M^LR has ``num_keypoints``; build-time errors name ``owner``."""
    if not isinstance(upscale_factor, int) or upscale_factor < 1:
        raise ValueError(f'{owner}: upscale_factor (r) must be an integer '
                         f'>= 1, got {upscale_factor}')
    if enhance_input not in INPUTS:
        raise ValueError(f'{owner}: enhance_input must be one of {INPUTS}, '
                         f'got {enhance_input!r}')
    in_channels = {
        'features': feature_channels,
        'maps': num_keypoints,
        'features+maps': feature_channels + num_keypoints,
    }[enhance_input]
    return EnhanceNet(in_channels, num_keypoints, channels, upscale_factor,
                      upscaler, upscaler_kernel_size)


def enhancer_input(features: Tensor, maps: Tensor,
                   enhance_input: str) -> Tensor:
    """x of eq. (1): F^LR, M^LR or their concatenation [F^LR, M^LR]."""
    if enhance_input == 'features':
        return features
    if enhance_input == 'maps':
        return maps
    return torch.cat([features, maps], dim=1)


@MODELS.register_module()
class BeliefMapEnhancementHead(BaseHead):
    """Wraps any MMPose heatmap head and super-resolves its belief maps.

    The base head (built from ``base_head``) gives its last feature map before
    the final layer, F^LR, and its belief maps M^LR; :class:`EnhanceNet` turns
    [F^LR, M^LR] into M^HR at r× the resolution. Training supervises both:
    L = L^LR + η·L^HR (eq. (8)), with LR targets from the base codec and HR
    targets at r× the heatmap size with σ·r (eq. (6)), made by one
    ``GenerateTarget(encoder=[lr_codec, hr_codec], multilevel=True)``.
    Keypoints are decoded from M^HR with ``decoder`` (the HR codec); flip test
    works on M^HR.

    Supported base heads: MMPose's ``HeatmapHead`` and its subclasses (any head
    with ``deconv_layers``, ``conv_layers`` and a convolutional
    ``final_layer``), and ``CPMHead`` (stacked hourglass, CPM), whose last
    stage is enhanced; every stage keeps its own L^LR (intermediate
    supervision, as in CPMHead).

    Args:
        base_head (dict): config of the wrapped heatmap head, with its loss
            (L^LR)
        upscale_factor (int): r >= 1. Defaults to 4
        channels (int): C. Defaults to 128
        enhance_input (str): ``'features+maps'`` (the paper), ``'features'``
            or ``'maps'`` (Table 5a). Defaults to ``'features+maps'``
        upscaler (str): ``'subpixel'``, ``'deconv'`` or ``'bilinear'``
            (Table 5c). Defaults to ``'subpixel'``
        deconv_kernel_size (int): kernel of the deconv upscaler. Defaults to 3
        hr_loss (dict): L^HR; its ``loss_weight`` is η (1 in the paper).
            Defaults to ``KeypointMSELoss`` with target weights
        out_channels (int, optional): K; checked against the base head's
        decoder (dict, optional): the HR codec, for prediction
        init_cfg (dict, optional): initialisation. Defaults to N(0, 0.001)
            for the enhancement convolutions, as MMPose's HeatmapHead
            initialises its layers (the base head keeps its own init_cfg), so
            that the untrained M^HR starts near 0 and L^HR does not swamp the
            shared features at the start of training

    Shapes: ``forward`` returns M^LR (B, K, H, W) and M^HR (B, K, rH, rW).
    """

    def __init__(self,
                 base_head: ConfigType,
                 upscale_factor: int = 4,
                 channels: int = 128,
                 enhance_input: str = 'features+maps',
                 upscaler: str = 'subpixel',
                 deconv_kernel_size: int = 3,
                 hr_loss: ConfigType = dict(
                     type='KeypointMSELoss', use_target_weight=True),
                 out_channels: Optional[int] = None,
                 decoder: OptConfigType = None,
                 init_cfg: OptConfigType = dict(
                     type='Normal',
                     layer=['Conv2d', 'ConvTranspose2d'],
                     std=0.001,
                     bias=0)):
        super().__init__(init_cfg)
        self.base_head = MODELS.build(base_head)
        final = self._final_layer()
        num_keypoints = final.out_channels
        if out_channels is not None and out_channels != num_keypoints:
            raise ValueError(
                f'BeliefMapEnhancementHead: out_channels={out_channels} but '
                f'the base head predicts {num_keypoints} keypoints')
        self.out_channels = num_keypoints
        self.upscale_factor = upscale_factor
        self.enhance_input = enhance_input
        self.enhancer = build_enhancer(
            type(self).__name__, final.in_channels, num_keypoints,
            upscale_factor, channels, enhance_input, upscaler,
            deconv_kernel_size)
        self.hr_loss_module = MODELS.build(hr_loss)
        self.decoder = KEYPOINT_CODECS.build(decoder) if decoder else None

    def _final_layer(self) -> nn.Conv2d:
        """The base head's last conv (F^LR -> M^LR); a clear error if the
        head's structure gives no feature map before it."""
        base = self.base_head
        if all(hasattr(base, n) for n in ('deconv_layers', 'conv_layers')):
            final = getattr(base, 'final_layer', None)
        elif all(hasattr(base, n)
                 for n in ('multi_deconv_layers', 'multi_final_layers')):
            final = base.multi_final_layers[-1]
        else:
            final = None
        if not isinstance(final, nn.Conv2d):
            raise ValueError(
                'BeliefMapEnhancementHead: the base head '
                f'{type(base).__name__} has no reachable feature map F^LR '
                '(supported: heads with deconv_layers, conv_layers and a '
                'convolutional final_layer, as MMPose\'s HeatmapHead, and '
                'CPMHead)')
        return final

    def _base_features(self, feats: Tuple[Tensor]) -> Tuple[Tensor, Tensor]:
        """F^LR and M^LR from the base head's layers."""
        base = self.base_head
        if hasattr(base, 'multi_deconv_layers'):  # CPMHead: its last stage
            features = base.multi_deconv_layers[-1](feats[-1])
            return features, base.multi_final_layers[-1](features)
        features = base.conv_layers(base.deconv_layers(feats[-1]))
        return features, base.final_layer(features)

    def forward(self, feats: Tuple[Tensor]) -> Tuple[Tensor, Tensor]:
        """M^LR (B, K, H, W) and M^HR (B, K, rH, rW)."""
        features, maps = self._base_features(feats)  # F^LR, M^LR
        x = enhancer_input(features, maps, self.enhance_input)
        return maps, self.enhancer(x)

    def predict(self,
                feats: Features,
                batch_data_samples: OptSampleList,
                test_cfg: ConfigType = {}) -> Predictions:
        """Keypoints decoded from M^HR (with flip test when configured)."""
        if test_cfg.get('flip_test', False):
            assert isinstance(feats, list) and len(feats) == 2
            flip_indices = batch_data_samples[0].metainfo['flip_indices']
            _, maps = self.forward(feats[0])
            _, maps_flip = self.forward(feats[1])
            maps = 0.5 * (maps + flip_heatmaps(
                maps_flip,
                flip_mode=test_cfg.get('flip_mode', 'heatmap'),
                flip_indices=flip_indices,
                shift_heatmap=test_cfg.get('shift_heatmap', False)))
        else:
            _, maps = self.forward(feats)
        preds = self.decode(maps)
        if test_cfg.get('output_heatmaps', False):
            return preds, [PixelData(heatmaps=hm) for hm in maps.detach()]
        return preds

    def loss(self,
             feats: Tuple[Tensor],
             batch_data_samples: OptSampleList,
             train_cfg: ConfigType = {}) -> dict:
        """L^LR (``loss_kpt``) and η·L^HR (``loss_kpt_hr``), eq. (8)."""
        maps_lr, maps_hr = self.forward(feats)
        gt_lr = torch.stack(
            [d.gt_fields[0].heatmaps for d in batch_data_samples])
        gt_hr = torch.stack(
            [d.gt_fields[1].heatmaps for d in batch_data_samples])
        # multilevel labels: (levels, B, K) after concatenation
        weights = torch.cat([
            d.gt_instance_labels.keypoint_weights for d in batch_data_samples
        ], dim=1)
        base = self.base_head
        if hasattr(base, 'multi_final_layers'):  # CPMHead: every stage
            stage_maps = base.forward(feats)
            modules = base.loss_module if isinstance(
                base.loss_module, nn.ModuleList) else [base.loss_module] * len(
                    stage_maps)
            loss_lr = sum(
                module(maps, gt_lr, weights[0])
                for module, maps in zip(modules, stage_maps))
        else:
            loss_lr = base.loss_module(maps_lr, gt_lr, weights[0])
        return dict(
            loss_kpt=loss_lr,
            loss_kpt_hr=self.hr_loss_module(maps_hr, gt_hr, weights[1]))
