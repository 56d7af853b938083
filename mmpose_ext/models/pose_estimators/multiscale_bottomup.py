# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
from typing import Sequence

import torch.nn.functional as F
from mmpose.models.pose_estimators import BottomupPoseEstimator
from mmpose.registry import MODELS
from mmpose.utils.typing import SampleList
from torch import Tensor


@MODELS.register_module()
class MultiScaleBottomupPoseEstimator(BottomupPoseEstimator):
    """A bottom-up pose estimator whose multi-scale test resizes the input
    batch itself.

    MMPose's ``BottomupPoseEstimator`` expects the image pyramid from the
    data pipeline (``BottomupResize(aug_scales=...)``), which its data
    preprocessor and the inferencer do not batch. Here the test pipeline
    gives one image and ``test_cfg=dict(multiscale_test=True, scales=[0.5, 1,
    1.5, 2])`` resizes the normalised input (bilinear) to each scale, rounded
    to a multiple of ``size_divisor`` (the network stride) so every scale's
    maps cover the image exactly. The head receives scale 1.0 first, as the
    reference (as MMPose's AE head takes its first scale), whatever the order
    of ``scales``, which must include 1.0; it averages the maps (OpenPose's
    multi-scale test).

    Accepts the arguments of ``BottomupPoseEstimator``. ``test_cfg`` keys:
    ``multiscale_test`` (bool), ``scales`` (list of floats, default [1.0]),
    ``size_divisor`` (int, default 8), ``flip_test`` (bool).
    """

    def resize_to_scales(self, inputs: Tensor,
                         scales: Sequence[float]) -> list:
        divisor = int(self.test_cfg.get('size_divisor', 8))
        h, w = inputs.shape[-2:]
        pyramid = []
        for scale in scales:
            if scale <= 0:
                raise ValueError('test_cfg.scales must be > 0, got '
                                 f'{list(scales)}')
            size = (max(divisor, int(round(h * scale / divisor)) * divisor),
                    max(divisor, int(round(w * scale / divisor)) * divisor))
            pyramid.append(inputs if size == (h, w) else F.interpolate(
                inputs, size=size, mode='bilinear', align_corners=False))
        return pyramid

    def ordered_scales(self) -> list:
        """``test_cfg.scales`` with 1.0, the scale of the input and of the
        maps the head maps back from, first; the others in their order (the
        head's averaging does not depend on it).

        Raises:
            ValueError: 1.0 is not among the scales
        """
        scales = [float(s) for s in self.test_cfg.get('scales', [1.0])]
        if 1.0 not in scales:
            raise ValueError(
                f'test_cfg.scales {scales} must include 1.0: the maps of the '
                'input as the test pipeline made it are the reference the '
                'head maps the predictions back from')
        reference = scales.index(1.0)
        return [1.0] + scales[:reference] + scales[reference + 1:]

    def predict(self, inputs: Tensor, data_samples: SampleList) -> SampleList:
        multiscale_test = self.test_cfg.get('multiscale_test', False)
        flip_test = self.test_cfg.get('flip_test', False)
        scales = self.ordered_scales() if multiscale_test else [1.0]
        feats = []
        for scaled in self.resize_to_scales(inputs, scales):
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
