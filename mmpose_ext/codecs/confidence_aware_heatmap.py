# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
import math
from typing import Optional, Tuple

import numpy as np
from mmpose.codecs.base import BaseKeypointCodec
from mmpose.registry import KEYPOINT_CODECS

from .utils import generate_disk_offset_heatmaps, get_offset_refined_maximum


def default_disk_radius(sigma: float) -> int:
    """R of CAL's disk for a Gaussian of ``sigma`` heatmap pixels:
    ``ceil(3σ)``, at least 2 (the disk then holds 1 − exp(−4.5) ≈ 98.9% of
    the 2-D Gaussian's mass)."""
    return max(2, int(math.ceil(3 * sigma - 1e-9)))


@KEYPOINT_CODECS.register_module()
class ConfidenceAwareHeatmap(BaseKeypointCodec):
    r"""Gaussian-weighted binary heatmaps with offset fields, the targets of
    Confidence-Aware Learning (CAL).

    See *Low-resolution Human Pose Estimation* by Wang, Zhang, Zhu and Ge:
    the target heatmap is G = B·C (eq. (10)), the disk B of radius R around the
    keypoint (eq. (6)) weighted by a Gaussian C of standard deviation σ; the
    offset field O points from every disk pixel to the keypoint (eq. (7)).
    Decoding takes the argmax of the heatmap and adds the offset read there
    (eq. (9), Algorithm 2).

    Settled here rather than by the paper: coordinates follow UDP (Huang et
    al., *The Devil is in the Details: Delving into Unbiased Data Processing
    for Human Pose Estimation*): heatmap grid point p is input pixel
    p·(input − 1)/(heatmap − 1) when encoding. ``decode`` returns p·input /
    (heatmap − 1), the convention of MMPose's ``UDPHeatmap``, because
    ``TopdownPoseEstimator`` maps every top-down prediction back to the image
    with ``input_size`` (not input_size − 1): ground truth → ``TopdownAffine``
    (``use_udp=True``) → encode → decode → image is then exact (measured by
    ``tools/analysis_tools/topdown_round_trip.py``: 0.000 image px at 64×48 to
    384×288, where p·(input − 1)/(heatmap − 1) was 0.72 input px off on
    average). Offsets are stored divided by ``offset_scale``; flip test
    averages heatmaps and offsets with the x-offsets negated (done by the
    head).

    Note:

        - instance number: N (1 for top-down)
        - keypoint number: K
        - input image size: [w, h]
        - heatmap size: [W, H]

    Encoded:

        - heatmaps (np.ndarray): G (or B for ``heatmap_type='binary'``) in
          shape (K, H, W)
        - offsets (np.ndarray): O / offset_scale in shape (2K, H, W),
          channels (x_0, y_0, x_1, y_1, ...)
        - keypoint_weights (np.ndarray): (N, K); 0 for invisible or non-finite
          keypoints and for keypoints whose disk misses the heatmap
        - heatmap_keypoints (np.ndarray): the keypoints in heatmap coordinates,
          (N, K, 2), 0 where not finite; the loss centres its mixed Gaussian
          masks on them

    Args:
        input_size (tuple): [w, h] of the input image
        heatmap_size (tuple): [W, H]
        sigma (float): σ of C in heatmap pixels. Defaults of this package: 0.5 at 64×48
            input, 1 at 128×96, 2 at 256×192, 3 at 384×288
        radius (float, optional): R of the disk in heatmap pixels. Defaults
            to ``ceil(3σ)``, at least 2 (:func:`default_disk_radius`; the
            paper gives no R, the authors' release cuts its targets at 3σ):
            the disk then keeps about 99% of the Gaussian, where a fixed
            R = 4 kept 59% at σ = 3 (384×288)
        offset_scale (float): offsets are stored divided by this.
            Defaults to 1.5
        heatmap_type (str): ``'gaussian'`` (G = B·C, eq. (10)) or ``'binary'``
            (B, eq. (6); the ablation of Table 5). Defaults to ``'gaussian'``
    """

    label_mapping_table = dict(
        keypoint_weights='keypoint_weights',
        heatmap_keypoints='heatmap_keypoints')
    field_mapping_table = dict(heatmaps='heatmaps', offsets='offsets')

    def __init__(self,
                 input_size: Tuple[int, int],
                 heatmap_size: Tuple[int, int],
                 sigma: float,
                 radius: Optional[float] = None,
                 offset_scale: float = 1.5,
                 heatmap_type: str = 'gaussian') -> None:
        super().__init__()
        name = self.__class__.__name__
        if heatmap_type not in ('gaussian', 'binary'):
            raise ValueError(f'{name}: heatmap_type must be "gaussian" or '
                             f'"binary", got {heatmap_type!r}')
        if radius is None and np.isfinite(sigma) and sigma > 0:
            radius = default_disk_radius(sigma)
        for key, value in (('sigma', sigma), ('radius', radius),
                           ('offset_scale', offset_scale)):
            if not np.isfinite(value) or value <= 0:
                raise ValueError(f'{name}: {key} must be > 0, got {value}')
        if min(input_size) < 2 or min(heatmap_size) < 2:
            raise ValueError(f'{name}: input_size {input_size} and '
                             f'heatmap_size {heatmap_size} must be >= 2')
        if 2 * radius + 1 > min(heatmap_size):
            raise ValueError(
                f'{name}: the disk (radius {radius}, {2 * radius + 1:g} '
                f'pixels across) does not fit in the heatmap {heatmap_size}; '
                'use a smaller radius or a larger heatmap')
        self.input_size = input_size
        self.heatmap_size = heatmap_size
        self.sigma = sigma
        self.radius = radius
        self.offset_scale = offset_scale
        self.heatmap_type = heatmap_type
        # UDP: heatmap grid point p <-> input pixel p * (input-1)/(heatmap-1)
        self.scale_factor = ((np.array(input_size) - 1) /
                             (np.array(heatmap_size) - 1)).astype(np.float32)
        # decoding returns p * input/(heatmap-1), as MMPose's UDPHeatmap, for
        # TopdownPoseEstimator's mapping back with input_size
        self.decode_scale = (np.array(input_size, dtype=np.float64) /
                             (np.array(heatmap_size) - 1)).astype(np.float32)

    def encode(self,
               keypoints: np.ndarray,
               keypoints_visible: Optional[np.ndarray] = None) -> dict:
        """Encode the keypoints of one instance.

        Args:
            keypoints (np.ndarray): (1, K, 2) in input image pixels
            keypoints_visible (np.ndarray): (1, K); all visible if None

        Returns:
            dict: heatmaps, offsets, keypoint_weights, heatmap_keypoints (see
            the class docstring)
        """
        if keypoints.ndim != 3 or keypoints.shape[0] != 1 or \
                keypoints.shape[-1] != 2:
            raise ValueError(
                f'{self.__class__.__name__} encodes one instance of 2D '
                f'keypoints, shape (1, K, 2); got {keypoints.shape}')
        if keypoints_visible is None:
            keypoints_visible = np.ones(keypoints.shape[:2], dtype=np.float32)
        heatmap_keypoints = keypoints / self.scale_factor
        heatmaps, offsets, weights = generate_disk_offset_heatmaps(
            heatmap_size=self.heatmap_size,
            keypoints=heatmap_keypoints[0],
            keypoints_visible=keypoints_visible[0],
            radius=self.radius,
            sigma=self.sigma,
            heatmap_type=self.heatmap_type,
            offset_scale=self.offset_scale)
        finite = np.isfinite(heatmap_keypoints)
        return dict(
            heatmaps=heatmaps,
            offsets=offsets,
            keypoint_weights=weights[None],
            heatmap_keypoints=np.where(finite, heatmap_keypoints,
                                       0.).astype(np.float32))

    def decode(self, heatmaps: np.ndarray,
               offsets: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        """Keypoints from predicted heatmaps and offsets (eq. (9)).

        Args:
            heatmaps (np.ndarray): (K, H, W), or (1, K, H, W) as MMPose's
                ``BaseHead.decode`` passes a tuple of outputs
            offsets (np.ndarray): (2K, H, W), or (1, 2K, H, W)

        Returns:
            tuple:
            - keypoints (np.ndarray): (1, K, 2) in MMPose's UDP convention
              (heatmap p → p·input/(heatmap − 1)), which
              ``TopdownPoseEstimator`` maps back to the image exactly; a crop
              pixel x is returned as x·input/(input − 1)
            - scores (np.ndarray): (1, K), the heatmap maxima
        """
        if heatmaps.ndim == 4:
            heatmaps, offsets = heatmaps[0], offsets[0]
        keypoints, scores = get_offset_refined_maximum(
            heatmaps, offsets, self.offset_scale)
        keypoints = keypoints * self.decode_scale
        return keypoints[None], scores[None]
