# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""The test-time steps of :class:`PartAffinityFieldHead`, in the order
``predict`` runs them, each on the device of the maps:

1. :func:`flip_back` and :func:`average_maps`: a flipped input's maps
   mirrored back (MMPose's ``flip_heatmaps``) and averaged with the
   original's;
2. :func:`aggregate_scales`: the scales' heatmaps and PAFs averaged at one
   resolution (MMPose's ``aggregate_heatmaps``);
3. :func:`zero_padding`: no keypoint on the padding of a bottom-up resize;
4. :func:`decode_maps`: each sample's peaks found on the device
   (:meth:`PartAffinityFields.find_peaks`), only they and the stride maps
   the grouping reads moved to the CPU and grouped there.

The maps travel as :class:`PafMaps` (heatmaps, PAFs, offsets), the order of
the codec's ``decode``.
"""
from typing import List, NamedTuple, Optional, Sequence, Tuple

import numpy as np
import torch
from mmpose.models.utils.tta import aggregate_heatmaps, flip_heatmaps
from torch import Tensor

from ...codecs.utils.map_cells import cells_on_image


class PafMaps(NamedTuple):
    """One stage's maps of a batch, in the codec's order.

    - heatmaps (Tensor): (B, K + 1, h, w), the background last
    - pafs (Tensor): (B, 2L, h, w), channels (x_0, y_0, x_1, ...)
    - offsets (Tensor | None): (B, 2K, h, w) with RIE
    """
    heatmaps: Tensor
    pafs: Tensor
    offsets: Optional[Tensor] = None


def limb_flip_permutation(skeleton_links: Sequence[Sequence[int]],
                          flip_indices: Sequence[int]
                          ) -> Tuple[np.ndarray, np.ndarray]:
    """For every limb (a, b), the limb that shows it in a mirrored image,
    (flip(a), flip(b)), and the sign of its field: −1 when the skeleton lists
    the mirror limb the other way round.

    Raises:
        ValueError: a limb whose mirror image is not among the links
    """
    lookup = {tuple(map(int, link)): i for i, link in enumerate(skeleton_links)}
    order, signs = [], []
    for a, b in skeleton_links:
        fa, fb = int(flip_indices[a]), int(flip_indices[b])
        if (fa, fb) in lookup:
            order.append(lookup[(fa, fb)])
            signs.append(1.)
        elif (fb, fa) in lookup:
            order.append(lookup[(fb, fa)])
            signs.append(-1.)
        else:
            raise ValueError(f'flip test: limb ({a}, {b}) mirrors to ({fa}, '
                             f'{fb}), which is not a skeleton link')
    return np.asarray(order), np.asarray(signs, dtype=np.float32)


def flip_back(maps: PafMaps, flip_indices: Sequence[int],
              skeleton_links: Sequence[Sequence[int]]) -> PafMaps:
    """Maps predicted on a horizontally flipped input, mapped back to the
    original image with MMPose's ``flip_heatmaps`` (channels mirrored, x
    components negated; no shift, as the codec's cells are centred).

    Heatmap channels follow ``flip_indices`` (the background stays last),
    offsets too with x negated; PAFs follow the mirrored limb, x negated,
    and change sign where the skeleton lists the mirror limb the other way
    round.
    """
    flip_indices = [int(i) for i in flip_indices]
    order, signs = limb_flip_permutation(skeleton_links, flip_indices)
    pafs = flip_heatmaps(maps.pafs, flip_mode='offset',
                         flip_indices=order.tolist(), shift_heatmap=False)
    pafs = pafs * pafs.new_tensor(signs).repeat_interleave(2)[None, :, None,
                                                              None]
    heatmaps = flip_heatmaps(maps.heatmaps, flip_mode='heatmap',
                             flip_indices=flip_indices + [len(flip_indices)],
                             shift_heatmap=False)
    offsets = None
    if maps.offsets is not None:
        offsets = flip_heatmaps(maps.offsets, flip_mode='offset',
                                flip_indices=flip_indices,
                                shift_heatmap=False)
    return PafMaps(heatmaps, pafs, offsets)


def average_maps(first: PafMaps, second: PafMaps) -> PafMaps:
    """The mean of two sets of maps of the same size (flip test)."""
    return PafMaps(*(None if a is None else (a + b) / 2
                     for a, b in zip(first, second)))


def aggregate_scales(per_scale: List[PafMaps],
                     with_offsets: bool) -> Tuple[PafMaps, float]:
    """Average the scales' heatmaps and PAFs (MMPose's
    ``aggregate_heatmaps``: bilinear, ``align_corners=False``) at the
    largest scale's resolution, as CMU OpenPose does; with RIE at the
    first scale's (the offsets are in cells of the reference scale, the
    first).

    Args:
        per_scale (list[PafMaps]): the reference scale first
        with_offsets (bool): RIE

    Returns:
        tuple: the averaged maps (offsets of the first scale) and their
        stride relative to the first scale's (1 for the same size, 0.5 for
        twice its resolution)
    """
    reference = per_scale[0]
    if len(per_scale) == 1:
        return reference, 1.
    h, w = reference.heatmaps.shape[-2:]
    if not with_offsets:
        h, w = max((m.heatmaps.shape[-2:] for m in per_scale),
                   key=lambda hw: hw[0] * hw[1])
    maps = PafMaps(
        aggregate_heatmaps([m.heatmaps for m in per_scale], (w, h)),
        aggregate_heatmaps([m.pafs for m in per_scale], (w, h)),
        reference.offsets)
    return maps, reference.heatmaps.shape[-1] / w


def zero_padding(heatmaps: Tensor, num_keypoints: int,
                 metainfos: Sequence[dict]) -> Tensor:
    """The keypoint heatmaps of cells off the image (the padding of a
    bottom-up resize, :func:`~mmpose_ext.codecs.utils.map_cells.cells_on_image`)
    set to 0, as CMU OpenPose crops the padding off its maps; samples
    without the geometry keys are left as they are.

    Args:
        heatmaps (Tensor): (B, K + 1, h, w)
        metainfos (sequence of dict): the samples' metainfo

    Returns:
        Tensor: (B, K + 1, h, w), a new tensor where anything was zeroed
    """
    keys = ('input_size', 'input_center', 'input_scale', 'ori_shape')
    h, w = heatmaps.shape[-2:]
    masks = [
        torch.from_numpy(cells_on_image((w, h), meta)) if all(
            key in meta for key in keys) else None for meta in metainfos
    ]
    if all(mask is None or bool(mask.all()) for mask in masks):
        return heatmaps
    inside = torch.stack([
        torch.ones(h, w, dtype=torch.bool) if mask is None else mask
        for mask in masks
    ]).to(heatmaps.device)
    heatmaps = heatmaps.clone()
    heatmaps[:, :num_keypoints] *= inside[:, None]
    return heatmaps


def decode_maps(maps: PafMaps, decoder, skeleton_links: Sequence,
                map_stride: Optional[float] = None) -> list:
    """Group each sample's maps into persons: the peaks found where the
    maps are (:meth:`PartAffinityFields.find_peaks`), the grouping on the
    CPU from the stride maps (float32: numpy has no bfloat16).

    Args:
        maps (PafMaps): (B, ...) tensors
        decoder: the ``PartAffinityFields`` codec
        skeleton_links (sequence): the limbs
        map_stride (float, optional): input pixels per map pixel when the
            maps are not at the codec's stride (multi-scale)

    Returns:
        list[tuple]: per sample, ``decoder.decode_instances``'s keypoints
        (P, K, 2) in input pixels, keypoint scores (P, K) and person scores
        (P,)
    """
    num_keypoints = maps.heatmaps.shape[1] - 1
    results = []
    for i in range(maps.heatmaps.shape[0]):
        heatmaps = maps.heatmaps[i].detach()
        peaks = decoder.find_peaks(heatmaps[:num_keypoints], map_stride)
        offsets = None if maps.offsets is None else \
            maps.offsets[i].detach().float().cpu().numpy()
        results.append(decoder.decode_instances(
            None, maps.pafs[i].detach().float().cpu().numpy(), offsets,
            skeleton_links=skeleton_links, map_stride=map_stride,
            peaks=peaks))
    return results
