# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
from typing import Optional

import numpy as np
from mmpose.codecs import AssociativeEmbedding
from mmpose.codecs.utils import (generate_gaussian_heatmaps,
                                 generate_udp_gaussian_heatmaps)
from mmpose.registry import KEYPOINT_CODECS


@KEYPOINT_CODECS.register_module()
class EnhancedAssociativeEmbedding(AssociativeEmbedding):
    r"""MMPose's ``AssociativeEmbedding`` targets plus the high-resolution
    heatmaps that EnhanceNet is trained on (Liu, Dou et al., *Belief Map
    Enhancement Network for Accurate Human Pose Estimation*, eq. (6)): the
    same Gaussians at r× the heatmap size with σ·r.

    Encoding only (training targets); prediction decodes with the head's own
    ``AssociativeEmbedding`` decoder, as in MMPose's configs.

    Note:

        - instance number: N
        - keypoint number: K
        - heatmap size: [W, H]; r: ``upscale_factor``

    Encoded:

        - heatmaps (list[np.ndarray]): two levels, (K, H, W) as
          ``AssociativeEmbedding`` and (K, r·H, r·W) with σ·r; packed by
          ``PackPoseInputs`` as ``MultilevelPixelData`` (``gt_fields[0]``,
          ``gt_fields[1]``), and ``BottomupHeatmapMask`` gives a mask for
          each level
        - keypoint_indices (np.ndarray): (N, K, 2), as ``AssociativeEmbedding``
        - keypoint_weights (np.ndarray): (N, K)

    Args:
        upscale_factor (int): r >= 1. Defaults to 4
        **kwargs: the arguments of ``AssociativeEmbedding``
    """

    # the mapping tables replace PackPoseInputs' defaults: the heatmap mask
    # (BottomupHeatmapMask, after GenerateTarget) and the keypoint indices
    # of the tag loss are listed too
    field_mapping_table = dict(
        heatmaps='heatmaps', heatmap_mask='heatmap_mask')
    label_mapping_table = dict(
        keypoint_indices='keypoint_indices',
        keypoint_weights='keypoint_weights')

    def __init__(self, upscale_factor: int = 4, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(upscale_factor, int) or upscale_factor < 1:
            raise ValueError(f'{type(self).__name__}: upscale_factor (r) must '
                             f'be an integer >= 1, got {upscale_factor}')
        self.upscale_factor = upscale_factor
        W, H = self.heatmap_size
        self.hr_heatmap_size = (W * upscale_factor, H * upscale_factor)
        input_size = np.array(self.input_size, dtype=np.float64)
        hr_size = np.array(self.hr_heatmap_size, dtype=np.float64)
        self.hr_scale_factor = ((input_size - 1) / (hr_size - 1)
                                if self.use_udp else input_size / hr_size)

    def encode(self,
               keypoints: np.ndarray,
               keypoints_visible: Optional[np.ndarray] = None) -> dict:
        """``AssociativeEmbedding.encode`` with the r× heatmaps as a second
        heatmap level."""
        if keypoints_visible is None:
            keypoints_visible = np.ones(keypoints.shape[:2], dtype=np.float32)
        encoded = super().encode(keypoints, keypoints_visible)
        generate = generate_udp_gaussian_heatmaps if self.use_udp else \
            generate_gaussian_heatmaps
        heatmaps_hr, _ = generate(
            heatmap_size=self.hr_heatmap_size,
            keypoints=keypoints / self.hr_scale_factor,
            keypoints_visible=keypoints_visible,
            sigma=self.sigma * self.upscale_factor)
        encoded['heatmaps'] = [encoded['heatmaps'], heatmaps_hr]
        return encoded
