# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
from typing import Optional, Sequence, Tuple

import cv2
import numpy as np
from mmpose.codecs.base import BaseKeypointCodec
from mmpose.registry import KEYPOINT_CODECS

import torch

from .utils.block_inside_offsets import (generate_block_inside_offsets,
                                         refine_peaks_with_block_offsets)
from .utils.local_upsampling import (find_upsampled_peaks, peaks_per_keypoint,
                                     upsample_along_x)
from .utils.map_cells import cells_to_pixel_coords, pixel_to_cell_coords
from .utils.multi_person_heatmaps import generate_max_merged_gaussian_heatmaps
from .utils.paf_grouping import (assemble_persons, find_heatmap_peaks,
                                 match_limb_candidates, score_limb_candidates)
from .utils.part_affinity_fields import (ATTENTION_CUTOFF_SIGMAS,
                                         LIMB_LENGTHS_PER_SIGMA,
                                         limb_attention,
                                         part_affinity_fields,
                                         pixels_near_limbs)


@KEYPOINT_CODECS.register_module()
class PartAffinityFields(BaseKeypointCodec):
    r"""Multi-person heatmaps, Part Affinity Fields and (optionally)
    block-inside offsets: the targets of bottom-up OpenPose and of its
    Resolution-Irrelevant Encoding (RIE) in Liu, Luo, Du and Ikenaga,
    *Self-Supervision and Spatial-Sequential Attention Based Loss for
    Multi-Person Pose Estimation*.

    Encoding: keypoint heatmaps of eq. (6) max-merged over persons plus a
    background channel 1 − max over keypoint channels; PAFs of eq. (2); with
    ``with_block_offsets``, block-inside offsets of eq. (7). Each target is
    computed only near its keypoint or limb (the Gaussians of eq. (6) are 0
    below 2^-25, SALM's attention beyond 5σ of every limb, where α·it + 1 is
    1 in float32), so the encoding time grows with the persons' keypoints
    and limbs, not with persons × map size. Decoding: 3×3
    heatmap peaks, refined by the offsets (eq. (8)), limbs scored along the
    PAFs and matched greedily (eqs. (3)–(5)), limbs assembled into persons.

    Without offsets (the paper's baseline, Fig. 4a) the heatmaps and PAFs are
    read as if upsampled bicubically, as CMU OpenPose does, by
    ``upsample_factor`` (default: fd, i.e. to input resolution), so the
    peaks are not quantised to cell centres and the two ends of a small
    person's limb do not fall into one cell (a zero-length limb, which
    grouping drops). The upsampled maps are only evaluated where decoding
    looks (:mod:`~.utils.local_upsampling`: windows around the stride maps'
    maxima, the PAFs at the limbs' sample points), with the persons,
    keypoints (within 0.01 px) and scores (within 1e-4) of upsampling
    everything on ground-truth maps; ``dense_upsampling=True`` upsamples
    everything (the reference: at fd 8, 4× to 12× slower for 20 to 1
    persons). With RIE the
    peaks are found on the stride-fd maps and refined by the offsets,
    without upsampling.

    Coordinates (settled here; the paper does not say): heatmap cell (i, j)
    is centred on input pixel ((i + 0.5)·fd − 0.5, (j + 0.5)·fd − 0.5), so
    cell ``i`` covers input pixels ``[i·fd, (i + 1)·fd)`` and a horizontal
    flip of the input is exactly a flip of the heatmap (no shift needed).

    Limbs come from the dataset meta (``skeleton_links``, passed by
    ``GenerateTarget`` as an auxiliary key, and by the head at decoding), so
    nothing is tied to COCO. Limb direction is parent → child as listed.

    Note:

        - instance number: N
        - keypoint number: K
        - limb number: L
        - input image size: [w, h]
        - heatmap size: [W, H], fd = w / W

    Encoded:

        - heatmaps (np.ndarray): (K + 1, H, W), channel K is the background
        - pafs (np.ndarray): (2L, H, W), channels (x_0, y_0, x_1, ...)
        - limb_attention (np.ndarray): (L, H, W) in [0, 1], the Gaussian of
          SALM's PAF pixel weight (eqs. (15), (16)): exp(−d²/σ²), d the
          distance to the limb segment, σ a quarter of the limb's length in
          heatmap pixels, max over persons
        - offsets (np.ndarray): (2K, H, W) in [−0.5, 0.5] (with
          ``with_block_offsets``)
        - offset_weights (np.ndarray): (K, H, W), 1 on cells whose heatmap
          target > ``offset_threshold`` (with ``with_block_offsets``)

    ``heatmap_mask`` (H, W) from MMPose's ``BottomupGetHeatmapMask``, when
    the pipeline has it, is packed too: the head then leaves the regions of
    crowds and of persons without keypoints out of the heatmap and PAF
    losses, as OpenPose does.

    Args:
        input_size (tuple): [w, h]
        heatmap_size (tuple): [W, H]; w / W = h / H = fd
        sigma (float): σ of eq. (6) in heatmap pixels. Defaults to 1.5, so
            that all 8 neighbours of a keypoint's cell pass the 0.4 offset
            threshold (the 3×3 block of Fig. 4d)
        limb_width (float): half-width of the PAF band in heatmap pixels.
            Defaults to 1
        with_block_offsets (bool): encode and decode RIE's block-inside
            offsets. Defaults to False
        offset_threshold (float): heatmap value above which a cell gets an
            offset (eq. (7)). Defaults to 0.4
        skeleton_links (sequence, optional): fixed limbs; by default those of
            the dataset meta are used
        peak_threshold (float): minimal heatmap peak. Defaults to 0.1
        num_limb_samples (int): samples per candidate limb. Defaults to 10
        limb_sample_threshold (float): alignment a sample must exceed.
            Defaults to 0.05
        min_limb_sample_ratio (float): share of samples above it.
            Defaults to 0.8
        min_parts (int): minimal parts of a person. Defaults to 3
        min_mean_score (float): minimal score per part. Defaults to 0.2
        max_instances (int): keep at most this many persons, best first.
            Defaults to 30
        upsample_factor (int, optional): bicubic upsampling of the maps
            before peak finding. Defaults to fd without block offsets (input
            resolution), 1 with them
        person_score (str): what ranks persons (returned as
            ``instance_scores``): ``'keypoints'``, the mean peak value of
            its parts; ``'keypoints_and_limbs'``, the sum of its parts' peak
            values and its limbs' PAF scores per part (what CMU's grouping
            compares with ``min_mean_score``); or ``'cmu_coco'``, that sum
            times the number of the person's parts (among
            ``counted_parts``), the score CMU's ``evalCOCO.m`` gives COCO.
            Defaults to ``'keypoints'``
        limb_distance_prior (bool): add CMU's distance prior
            ``min(0.5·H/‖limb‖ − 1, 0)`` to each limb candidate's score, H
            the maps' height (see :func:`score_limb_candidates`). Defaults
            to False
        counted_parts (sequence of int, optional): the keypoints that
            ``'cmu_coco'`` counts (CMU counts the 17 COCO keypoints, not
            OpenPose-18's neck); by default all
        dense_upsampling (bool): upsample the whole maps before decoding,
            as CMU OpenPose's code does (the reference of the local
            evaluation). Defaults to False
    """

    auxiliary_encode_keys = {'skeleton_links'}
    PERSON_SCORES = ('keypoints', 'keypoints_and_limbs', 'cmu_coco')
    field_mapping_table = dict(
        heatmaps='heatmaps',
        pafs='pafs',
        limb_attention='limb_attention',
        offsets='offsets',
        offset_weights='offset_weights',
        heatmap_mask='heatmap_mask')

    def __init__(self,
                 input_size: Tuple[int, int],
                 heatmap_size: Tuple[int, int],
                 sigma: float = 1.5,
                 limb_width: float = 1.,
                 with_block_offsets: bool = False,
                 offset_threshold: float = 0.4,
                 skeleton_links: Optional[Sequence[Sequence[int]]] = None,
                 peak_threshold: float = 0.1,
                 num_limb_samples: int = 10,
                 limb_sample_threshold: float = 0.05,
                 min_limb_sample_ratio: float = 0.8,
                 min_parts: int = 3,
                 min_mean_score: float = 0.2,
                 max_instances: int = 30,
                 upsample_factor: Optional[int] = None,
                 person_score: str = 'keypoints',
                 limb_distance_prior: bool = False,
                 counted_parts: Optional[Sequence[int]] = None,
                 dense_upsampling: bool = False) -> None:
        super().__init__()
        name = self.__class__.__name__
        for key, value in (('sigma', sigma), ('limb_width', limb_width)):
            if not np.isfinite(value) or value <= 0:
                raise ValueError(f'{name}: {key} must be > 0, got {value}')
        if min(heatmap_size) < 1 or min(input_size) < 1:
            raise ValueError(f'{name}: input_size {input_size} and '
                             f'heatmap_size {heatmap_size} must be positive')
        if num_limb_samples < 2:
            raise ValueError(f'{name}: num_limb_samples must be >= 2, got '
                             f'{num_limb_samples}')
        self.input_size = tuple(input_size)
        self.heatmap_size = tuple(heatmap_size)
        self.scale_factor = (np.array(input_size, dtype=np.float64) /
                             np.array(heatmap_size, dtype=np.float64))
        self.sigma = float(sigma)
        self.limb_width = float(limb_width)
        self.with_block_offsets = with_block_offsets
        self.offset_threshold = offset_threshold
        self.skeleton_links = (None if skeleton_links is None else
                               [tuple(map(int, link))
                                for link in skeleton_links])
        self.peak_threshold = peak_threshold
        self.num_limb_samples = num_limb_samples
        self.limb_sample_threshold = limb_sample_threshold
        self.min_limb_sample_ratio = min_limb_sample_ratio
        self.min_parts = min_parts
        self.min_mean_score = min_mean_score
        self.max_instances = max_instances
        if upsample_factor is None:
            upsample_factor = 1 if with_block_offsets else int(
                round(self.scale_factor[0]))
        if int(upsample_factor) != upsample_factor or upsample_factor < 1:
            raise ValueError(f'{name}: upsample_factor must be an integer '
                             f'>= 1, got {upsample_factor}')
        if with_block_offsets and upsample_factor != 1:
            raise ValueError(f'{name}: with block offsets (RIE) the peaks are '
                             'refined on the stride-fd maps; upsample_factor '
                             f'must be 1, got {upsample_factor}')
        self.upsample_factor = int(upsample_factor)
        if person_score not in self.PERSON_SCORES:
            raise ValueError(f'{name}: person_score must be one of '
                             f'{self.PERSON_SCORES}, got {person_score!r}')
        self.person_score = person_score
        self.limb_distance_prior = bool(limb_distance_prior)
        self.counted_parts = None if counted_parts is None else [
            int(k) for k in counted_parts]
        self.dense_upsampling = bool(dense_upsampling)

    # coordinate maps -----------------------------------------------------
    def input_to_heatmap(self, keypoints: np.ndarray) -> np.ndarray:
        """Input pixels → heatmap pixels (cell centres at integers)."""
        return pixel_to_cell_coords(keypoints, self.scale_factor)

    def heatmap_to_input(self, keypoints: np.ndarray,
                         upsample_factor: int = 1,
                         map_stride: Optional[float] = None) -> np.ndarray:
        """Heatmap pixels (of maps of ``map_stride`` input pixels per
        pixel, by default fd, upsampled ``upsample_factor`` times as
        ``cv2.resize`` aligns pixel centres) → input pixels; inverse of
        :meth:`input_to_heatmap` for the defaults."""
        stride = self.scale_factor if map_stride is None else map_stride
        return cells_to_pixel_coords(keypoints, stride / upsample_factor)

    def upsample(self, maps: np.ndarray,
                 factor: Optional[int] = None) -> np.ndarray:
        """(C, H, W) → (C, H·u, W·u), bicubic (cv2, pixel centres
        aligned), u = ``factor`` (default ``upsample_factor``)."""
        u = self.upsample_factor if factor is None else factor
        if u == 1 or maps.size == 0:
            return maps
        C, H, W = maps.shape
        # cv2 resizes (H, W, C) images
        return np.ascontiguousarray(cv2.resize(
            np.ascontiguousarray(maps.transpose(1, 2, 0), dtype=np.float32),
            (W * u, H * u), interpolation=cv2.INTER_CUBIC).reshape(
                H * u, W * u, C).transpose(2, 0, 1))

    def resolve_skeleton_links(self, skeleton_links=None) -> list:
        """The limbs to use: the fixed ones, else the dataset meta's."""
        links = self.skeleton_links
        if links is None:
            links = skeleton_links
        if links is None:
            raise ValueError(
                f'{self.__class__.__name__} needs limbs: give it '
                '`skeleton_links`, or use a dataset whose meta has '
                '`skeleton_info` (and keep "skeleton_links" in '
                'PackPoseInputs.meta_keys at test time)')
        return [tuple(map(int, link)) for link in links]

    # encode ----------------------------------------------------------------
    def encode(self,
               keypoints: np.ndarray,
               keypoints_visible: Optional[np.ndarray] = None,
               skeleton_links: Optional[Sequence] = None) -> dict:
        """Encode all persons of one image.

        Args:
            keypoints (np.ndarray): (N, K, 2) in input pixels
            keypoints_visible (np.ndarray, optional): (N, K); invisible,
                unlabelled or non-finite keypoints add nothing
            skeleton_links (sequence, optional): from the dataset meta

        Returns:
            dict: see the class docstring
        """
        keypoints = np.asarray(keypoints, dtype=np.float64)
        if keypoints.ndim != 3 or keypoints.shape[-1] != 2:
            raise ValueError(
                f'{self.__class__.__name__}.encode: keypoints must have shape '
                f'(N, K, 2), got {keypoints.shape}')
        N, K = keypoints.shape[:2]
        if keypoints_visible is None:
            keypoints_visible = np.ones((N, K), dtype=np.float32)
        keypoints_visible = np.asarray(keypoints_visible)
        if keypoints_visible.shape != (N, K):
            raise ValueError(
                f'{self.__class__.__name__}.encode: keypoints_visible must '
                f'have shape {(N, K)}, got {keypoints_visible.shape}')
        links = self.resolve_skeleton_links(skeleton_links)
        bad = [link for link in links if min(link) < 0 or max(link) >= K]
        if bad:
            raise ValueError(f'{self.__class__.__name__}: skeleton links '
                             f'{bad} name keypoints outside 0..{K - 1}')

        kpts = self.input_to_heatmap(keypoints)
        keypoint_heatmaps = generate_max_merged_gaussian_heatmaps(
            self.heatmap_size, kpts, keypoints_visible, self.sigma)
        background = 1. - keypoint_heatmaps.max(axis=0, initial=0.)[None]
        # one set of pixels near the limbs serves the PAF band and SALM's
        # attention, which reaches ATTENTION_CUTOFF_SIGMAS σ from a limb
        limb_pixels = pixels_near_limbs(
            self.heatmap_size, kpts, keypoints_visible, links,
            margin=self.limb_width,
            margin_lengths=ATTENTION_CUTOFF_SIGMAS * LIMB_LENGTHS_PER_SIGMA)
        pafs = part_affinity_fields(limb_pixels, self.limb_width)
        encoded = dict(
            heatmaps=np.concatenate([keypoint_heatmaps, background]),
            pafs=pafs,
            limb_attention=limb_attention(limb_pixels))
        if self.with_block_offsets:
            offsets, offset_weights = generate_block_inside_offsets(
                kpts, keypoints_visible, keypoint_heatmaps,
                self.offset_threshold)
            encoded.update(offsets=offsets, offset_weights=offset_weights)
        return encoded

    # decode ----------------------------------------------------------------
    def decode(self,
               heatmaps: np.ndarray,
               pafs: np.ndarray,
               offsets: Optional[np.ndarray] = None,
               skeleton_links: Optional[Sequence] = None
               ) -> Tuple[np.ndarray, np.ndarray]:
        """Group one image's maps into persons: the keypoints and keypoint
        scores of :meth:`decode_instances`."""
        keypoints, scores, _ = self.decode_instances(heatmaps, pafs, offsets,
                                                     skeleton_links)
        return keypoints, scores

    def map_upsample_factor(self, map_stride: Optional[float]) -> int:
        """The upsampling that brings maps of ``map_stride`` input pixels
        per pixel where ``upsample_factor`` brings stride-fd maps (to input
        resolution by default)."""
        if map_stride is None:
            return self.upsample_factor
        return max(1, int(round(self.upsample_factor * map_stride /
                                self.scale_factor[0])))

    def find_peaks(self, heatmaps, map_stride: Optional[float] = None
                   ) -> list:
        """The keypoint candidates: peaks of the keypoint heatmaps upsampled
        by :meth:`map_upsample_factor`, in upsampled pixels.

        Args:
            heatmaps (np.ndarray | Tensor): (K, H, W) keypoint heatmaps (no
                background); a tensor is searched on its device
            map_stride (float, optional): as in :meth:`decode_instances`

        Returns:
            list[np.ndarray]: K arrays (M_k, 3) of x, y and peak value, in
            descending order of value
        """
        u = self.map_upsample_factor(map_stride)
        if self.dense_upsampling:
            if isinstance(heatmaps, torch.Tensor):
                heatmaps = heatmaps.detach().float().cpu().numpy()
            return find_heatmap_peaks(self.upsample(heatmaps, u),
                                      self.peak_threshold)
        if not isinstance(heatmaps, torch.Tensor):
            if u == 1:  # the stride maps themselves: no window to search
                return find_heatmap_peaks(heatmaps, self.peak_threshold)
            heatmaps = torch.from_numpy(
                np.ascontiguousarray(heatmaps, dtype=np.float32))
        keypoint, xy, values = find_upsampled_peaks(heatmaps.detach(), u,
                                                    self.peak_threshold)
        return peaks_per_keypoint(keypoint.cpu().numpy(), xy.cpu().numpy(),
                                  values.cpu().numpy(), heatmaps.shape[0])

    def decode_instances(self,
                         heatmaps: np.ndarray,
                         pafs: np.ndarray,
                         offsets: Optional[np.ndarray] = None,
                         skeleton_links: Optional[Sequence] = None,
                         map_stride: Optional[float] = None,
                         peaks: Optional[list] = None
                         ) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Group one image's maps into persons.

        Args:
            heatmaps (np.ndarray | None): (K + 1, H, W); the last
                (background) channel is not used; None with ``peaks``
            pafs (np.ndarray): (2L, H, W)
            offsets (np.ndarray, optional): (2K, H, W); used when the codec
                has ``with_block_offsets``
            skeleton_links (sequence, optional): from the dataset meta
            map_stride (float, optional): input pixels per map pixel when
                the maps are not at stride fd (multi-scale maps averaged at
                the largest scale's resolution); not with offsets
            peaks (list, optional): the K arrays of :meth:`find_peaks` of
                the heatmaps, when already found (on the maps' device)

        Returns:
            tuple:
            - keypoints (np.ndarray): (P, K, 2) in input pixels; missing
              parts are 0 with score 0
            - keypoint_scores (np.ndarray): (P, K) heatmap peak values
            - instance_scores (np.ndarray): (P,) by ``person_score``; the
              persons are in descending order of it
        """
        links = self.resolve_skeleton_links(skeleton_links)
        L = len(links)
        if pafs.shape[0] != 2 * L:
            raise ValueError(
                f'{self.__class__.__name__}.decode: {pafs.shape[0]} PAF '
                f'channels for {L} skeleton links (expected {2 * L})')
        if peaks is None and heatmaps is None:
            raise ValueError(f'{self.__class__.__name__}.decode: give the '
                             'heatmaps or their peaks')
        K = len(peaks) if peaks is not None else heatmaps.shape[0] - 1
        if offsets is not None and offsets.shape[0] != 2 * K:
            raise ValueError(
                f'{self.__class__.__name__}.decode: {offsets.shape[0]} offset '
                f'channels for {K} keypoints (expected {2 * K})')
        if map_stride is not None and offsets is not None:
            raise ValueError(f'{self.__class__.__name__}.decode: block '
                             'offsets are in cells of stride fd; decode '
                             'them at stride fd (no map_stride)')
        u = self.map_upsample_factor(map_stride)
        if peaks is None:
            peaks = self.find_peaks(heatmaps[:K], map_stride)
        # the PAFs are read at the limbs' sample points of the upsampled
        # field (or upsampled whole, the reference)
        paf_factor = u
        if self.dense_upsampling:
            pafs, paf_factor = self.upsample(pafs, u), 1
        elif u > 1:
            pafs = upsample_along_x(torch.from_numpy(np.ascontiguousarray(
                pafs, dtype=np.float32)), u).numpy()
        # CMU's distance prior: H, the image height in upsampled pixels
        prior_height = float(pafs.shape[-2] * paf_factor) if \
            self.limb_distance_prior else None
        coords = []
        for k, peak in enumerate(peaks):
            xy = peak[:, :2]
            if self.with_block_offsets and offsets is not None:
                xy = refine_peaks_with_block_offsets(
                    xy, offsets[2 * k:2 * k + 2])
            coords.append(xy.astype(np.float64))
        # limbs are scored between the refined positions: with RIE two parts
        # in one cell still have a direction
        connections = []
        for l, (ka, kb) in enumerate(links):
            if len(peaks[ka]) == 0 or len(peaks[kb]) == 0:
                connections.append(np.zeros((0, 3)))
                continue
            scores, keep = score_limb_candidates(
                pafs[2 * l:2 * l + 2], coords[ka], coords[kb],
                self.num_limb_samples, self.limb_sample_threshold,
                self.min_limb_sample_ratio, prior_height, paf_factor)
            connections.append(match_limb_candidates(scores, keep))
        parts, totals = assemble_persons(K, links, connections,
                                         [peak[:, 2] for peak in peaks],
                                         self.min_parts, self.min_mean_score,
                                         return_scores=True)
        P = len(parts)
        keypoints = np.zeros((P, K, 2), dtype=np.float32)
        scores = np.zeros((P, K), dtype=np.float32)
        for k in range(K):
            found = parts[:, k] >= 0
            idx = parts[found, k]
            keypoints[found, k] = self.heatmap_to_input(
                coords[k][idx], u, map_stride)
            scores[found, k] = peaks[k][idx, 2]
        if self.person_score == 'keypoints':
            instance_scores = scores.mean(axis=1) if K else np.zeros(P)
        elif self.person_score == 'keypoints_and_limbs':
            instance_scores = totals / np.maximum((parts >= 0).sum(1), 1)
        else:  # 'cmu_coco'
            counted = parts if self.counted_parts is None else \
                parts[:, self.counted_parts]
            instance_scores = totals * (counted >= 0).sum(1)
        order = np.argsort(-instance_scores, kind='stable')
        order = order[:self.max_instances]
        return (keypoints[order], scores[order],
                instance_scores[order].astype(np.float32))
