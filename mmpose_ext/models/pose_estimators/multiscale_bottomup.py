# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
import logging
from typing import Sequence

import torch.nn.functional as F
from mmengine.logging import print_log
from mmpose.models.pose_estimators import BottomupPoseEstimator
from mmpose.registry import MODELS
from mmpose.utils.typing import SampleList
from torch import Tensor


@MODELS.register_module()
class MultiScaleBottomupPoseEstimator(BottomupPoseEstimator):
    """A bottom-up pose estimator whose multi-scale test makes every scale's
    input from the one input the test pipeline gives.

    MMPose's ``BottomupPoseEstimator`` expects the image pyramid from the
    data pipeline (``BottomupResize(aug_scales=...)``), which its data
    preprocessor and the inferencer do not batch. Here the test pipeline
    resizes the image once, to the largest test scale (``input_scale``, e.g.
    height 2 × 368 for OpenPose's scales 0.5, 1, 1.5, 2), and
    ``test_cfg=dict(multiscale_test=True, scales=[0.5, 1, 1.5, 2],
    input_scale=2.0)`` makes each smaller scale by antialiased bilinear
    downsampling of the normalised input, to ``s / input_scale`` of its size
    rounded to a multiple of ``size_divisor`` (the network stride), so every
    scale is the image at that scale, as CMU OpenPose makes them (an upsample
    of a smaller input would add no detail). A scale above ``input_scale``
    is upsampled bilinearly. The head receives ``input_scale`` first, as the
    reference its predictions are mapped back from, whatever the order of
    ``scales``, which must include it; it averages the maps (OpenPose's
    multi-scale test). A scale whose input would be smaller than
    ``size_divisor`` on a side is left out for that image, with a warning.

    Accepts the arguments of ``BottomupPoseEstimator``. ``test_cfg`` keys:
    ``multiscale_test`` (bool), ``scales`` (list of floats, default [1.0]),
    ``input_scale`` (float, default 1.0), ``size_divisor`` (int, default 8),
    ``flip_test`` (bool).
    """

    def resize_to_scales(self, inputs: Tensor,
                         scales: Sequence[float]) -> list:
        """The input at each of ``scales`` (relative to ``input_scale``, the
        scale of ``inputs``); None where it would be below one stride."""
        divisor = int(self.test_cfg.get('size_divisor', 8))
        input_scale = float(self.test_cfg.get('input_scale', 1.0))
        h, w = inputs.shape[-2:]
        pyramid = []
        for scale in scales:
            if scale <= 0:
                raise ValueError('test_cfg.scales must be > 0, got '
                                 f'{list(scales)}')
            ratio = scale / input_scale
            size = (int(round(h * ratio / divisor)) * divisor,
                    int(round(w * ratio / divisor)) * divisor)
            if size == (h, w):
                pyramid.append(inputs)
            elif min(size) < divisor:
                print_log(
                    f'MultiScaleBottomupPoseEstimator: the input of '
                    f'{w}x{h} pixels at scale {scale} (x{ratio:g}) is '
                    f'smaller than the network stride {divisor}; that scale '
                    'is left out for this image', logger='current',
                    level=logging.WARNING)
                pyramid.append(None)
            else:
                pyramid.append(F.interpolate(
                    inputs, size=size, mode='bilinear', align_corners=False,
                    antialias=ratio < 1))
        return pyramid

    def ordered_scales(self) -> list:
        """``test_cfg.scales`` with ``input_scale``, the scale of the input
        and of the maps the head maps back from, first; the others in their
        order (the head's averaging does not depend on it).

        Raises:
            ValueError: ``input_scale`` is not among the scales
        """
        scales = [float(s) for s in self.test_cfg.get('scales', [1.0])]
        reference = float(self.test_cfg.get('input_scale', 1.0))
        if reference not in scales:
            raise ValueError(
                f'test_cfg.scales {scales} must include the input_scale '
                f'{reference}: the maps of the input as the test pipeline '
                'made it are the reference the head maps the predictions '
                'back from')
        index = scales.index(reference)
        return [reference] + scales[:index] + scales[index + 1:]

    def predict(self, inputs: Tensor, data_samples: SampleList) -> SampleList:
        multiscale_test = self.test_cfg.get('multiscale_test', False)
        flip_test = self.test_cfg.get('flip_test', False)
        scales = self.ordered_scales() if multiscale_test else [
            float(self.test_cfg.get('input_scale', 1.0))]
        feats = []
        for scaled in self.resize_to_scales(inputs, scales):
            if scaled is None:
                continue
            if flip_test:
                feats.append([
                    self.extract_feat(scaled),
                    self.extract_feat(scaled.flip(-1))
                ])
            else:
                feats.append(self.extract_feat(scaled))
        if not multiscale_test:
            feats = feats[0]
        preds = self.head.predict(feats, data_samples, test_cfg=self.test_cfg)
        if isinstance(preds, tuple):
            batch_pred_instances, batch_pred_fields = preds
        else:
            batch_pred_instances, batch_pred_fields = preds, None
        return self.add_pred_to_datasample(batch_pred_instances,
                                           batch_pred_fields, data_samples)
