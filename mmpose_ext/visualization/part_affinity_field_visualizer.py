# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
import colorsys
import warnings
from typing import Optional, Sequence

import cv2
import numpy as np
import torch
from mmengine.structures import PixelData
from mmpose.datasets.datasets.utils import parse_pose_metainfo
from mmpose.registry import VISUALIZERS
from mmpose.structures import PoseDataSample
from mmpose.visualization import PoseLocalVisualizer

from ..codecs.utils.map_cells import (cells_to_original_image,
                                      cells_to_pixels)

#: the field maps the visualizer draws, in drawing order
SCALAR_FIELDS = ('heatmaps', 'limb_attention')
VECTOR_FIELDS = ('pafs', 'offsets')


@VISUALIZERS.register_module()
class PartAffinityFieldVisualizer(PoseLocalVisualizer):
    """MMPose's ``PoseLocalVisualizer`` that also draws the maps of
    bottom-up OpenPose: keypoint heatmaps without the background channel,
    Part Affinity Fields as arrows coloured by limb, and optionally
    block-inside (or any per-keypoint) offsets.

    MMPose's visualizer takes the maximum over every heatmap channel, which
    for a PAF codec includes the background channel (1 − max over keypoints)
    and washes over the whole image; it never draws a PAF. Here, wherever
    MMPose draws a heatmap (``tools/misc/browse_dataset.py``,
    ``tools/test.py --show-dir``, ``MMPoseInferencer(draw_heatmap=True)``,
    the demos' ``--draw-heatmap``), the panel shows the keypoint maps with
    the PAF arrows over them. A data sample without PAFs gives keypoint maps
    only, as MMPose's visualizer does.

    Each PAF arrow takes its own limb's colour (``limbs``, ``limbs_meta``).
    Keypoints in another layout than the dataset meta's (OpenPose-18
    targets of COCO-17 data) are not drawn; their maps are. With MMPose's
    ``--skeleton-style openpose`` the COCO-17 predictions are drawn as
    MMPose draws them (with the neck it adds).

    Fields of ``gt_fields`` cover the image they are drawn on (the network
    input, as ``browse_dataset`` shows it); fields of ``pred_fields`` cover
    the network input and are mapped back to the original image with the
    sample's ``input_size``, ``input_center`` and ``input_scale``, as MMPose
    maps the predicted keypoints.

    Args:
        name (str): the instance name (MMEngine's ManagerMixin)
        paf_threshold (float): draw a PAF arrow where the vector's length
            exceeds this. Defaults to 0.3
        draw_offsets (bool): also draw ``offsets`` (2K, h, w) as arrows from
            each cell centre, in heatmap cells. Defaults to False
        offset_threshold (float): without ``offset_weights`` in the fields,
            draw keypoint k's offsets where its heatmap exceeds this.
            Defaults to 0.4 (RIE's threshold of eq. (7))
        limbs (sequence of (int, int), optional): the limb of each PAF
            channel pair, as the codec's ``skeleton_links`` (the paper
            configs: CMU's 19 limbs of the OpenPose-18 layout). Defaults to
            the dataset meta's skeleton links, which the codec uses by
            default
        limbs_meta (dict, optional): a pose metainfo in the keypoint layout
            of ``limbs`` (e.g. ``dict(from_file='configs/_base_/datasets/
            coco_openpose.py')``), whose link colours colour the arrows.
            Defaults to the dataset meta
        **kwargs: the arguments of ``PoseLocalVisualizer``
    """

    def __init__(self,
                 name: str = 'visualizer',
                 paf_threshold: float = 0.3,
                 draw_offsets: bool = False,
                 offset_threshold: float = 0.4,
                 limbs: Optional[Sequence[Sequence[int]]] = None,
                 limbs_meta: Optional[dict] = None,
                 **kwargs) -> None:
        super().__init__(name=name, **kwargs)
        self.limbs = None if limbs is None else [
            tuple(int(i) for i in limb) for limb in limbs]
        self._limbs_meta = None if limbs_meta is None else \
            parse_pose_metainfo(dict(limbs_meta))
        self.paf_threshold = paf_threshold
        self.draw_offsets = draw_offsets
        self.offset_threshold = offset_threshold
        self._pred_fields_to_image = None

    # fields ------------------------------------------------------------
    @staticmethod
    def keypoint_maps(heatmaps: np.ndarray) -> np.ndarray:
        """(K, h, w): ``heatmaps`` without the PAF codec's background
        channel, recognised as a last channel equal to 1 − max over the
        others (the codec's definition), whatever the keypoint layout."""
        if len(heatmaps) > 1 and np.allclose(
                heatmaps[-1], 1 - heatmaps[:-1].max(axis=0), atol=1e-3):
            return heatmaps[:-1]
        return heatmaps

    def set_dataset_meta(self, dataset_meta: dict,
                         skeleton_style: str = 'mmpose') -> None:
        """MMPose's, keeping the dataset's own meta: with
        ``skeleton_style='openpose'`` MMPose swaps in its 18-keypoint meta,
        while the PAF channels follow the dataset's limbs."""
        self._source_meta = dataset_meta
        super().set_dataset_meta(dataset_meta, skeleton_style)

    def limb_colours(self, num_limbs: int) -> list:
        """RGB colour per PAF channel pair: each limb's own colour, i.e. the
        colour that ``limbs_meta`` (by default the dataset's meta) gives the
        link between the same two keypoints; a limb without such a link (or
        beyond the known limbs) gets a colour of its own from a fixed
        palette."""
        meta = self._limbs_meta or getattr(self, '_source_meta', None) or \
            self.dataset_meta or {}
        limbs = self.limbs if self.limbs is not None else \
            (getattr(self, '_source_meta', None) or self.dataset_meta or
             {}).get('skeleton_links')
        links = meta.get('skeleton_links') or []
        colours = meta.get('skeleton_link_colors')
        colours = [] if colours is None else colours
        by_link = {frozenset(map(int, link)): tuple(int(c) for c in colour)
                   for link, colour in zip(links, colours)}
        result = []
        for i in range(num_limbs):
            colour = None
            if limbs is not None and i < len(limbs):
                colour = by_link.get(frozenset(map(int, limbs[i])))
            if colour is None:
                hue = (i * 0.6180339887) % 1.0
                colour = tuple(
                    int(round(255 * c))
                    for c in colorsys.hsv_to_rgb(hue, 0.85, 1.0))
            result.append(colour)
        return result

    def draw_field_maps(self,
                        fields: PixelData,
                        image: np.ndarray,
                        cells_to_image: Optional[np.ndarray] = None,
                        keys: Sequence[str] = SCALAR_FIELDS[:1] +
                        VECTOR_FIELDS) -> Optional[np.ndarray]:
        """Draw the field maps named in ``keys`` over a copy of ``image``.

        Scalar maps (``heatmaps``, ``limb_attention``: (C, h, w)) are drawn
        as their maximum over channels, blended as MMPose's
        ``draw_featmap``; vector maps (``pafs`` (2L, h, w), ``offsets``
        (2K, h, w)) as arrows one cell long per unit.

        Args:
            fields (PixelData): maps at one resolution (h, w)
            image (np.ndarray): (H, W, 3) RGB
            cells_to_image (np.ndarray, optional): (2, 3) affine from map
                cells to ``image`` pixels; by default the map covers the
                image exactly
            keys (sequence of str): the fields to draw (absent ones are
                skipped); ``offsets`` only with ``draw_offsets`` unless
                named alone

        Returns:
            np.ndarray | None: (H, W, 3) RGB, None if no field was drawn
        """
        present = [key for key in keys if key in fields]
        if 'offsets' in present and not self.draw_offsets and \
                list(keys) != ['offsets']:
            present.remove('offsets')
        if not present:
            return None
        maps = {key: self._to_numpy(fields.get(key)) for key in present}
        h, w = next(iter(maps.values())).shape[-2:]
        H, W = image.shape[:2]
        if cells_to_image is None:
            cells_to_image = cells_to_pixels((w, h), (W, H))

        canvas = image.copy()
        scalar = [key for key in present if key in SCALAR_FIELDS]
        if scalar:
            values = maps[scalar[0]]
            if scalar[0] == 'heatmaps':
                values = self.keypoint_maps(values)
            peak = np.nan_to_num(values).max(axis=0).astype(np.float32)
            peak = cv2.warpAffine(peak, cells_to_image, (W, H),
                                  flags=cv2.INTER_LINEAR)
            canvas = self.draw_featmap(torch.from_numpy(peak)[None], canvas)
        if 'pafs' in maps:
            pafs = maps['pafs']
            vectors = pafs.reshape(-1, 2, h, w)
            self._draw_arrows(canvas, vectors, cells_to_image,
                              self.limb_colours(len(vectors)),
                              self.paf_threshold)
        if 'offsets' in maps:
            offsets = maps['offsets'].reshape(-1, 2, h, w)
            if 'offset_weights' in fields:
                where = self._to_numpy(fields.offset_weights) > 0
            elif 'heatmaps' in fields:
                where = self.keypoint_maps(self._to_numpy(
                    fields.heatmaps))[:len(offsets)] > self.offset_threshold
            else:
                where = np.ones(offsets[:, 0].shape, dtype=bool)
            self._draw_arrows(canvas, offsets * where[:, None],
                              cells_to_image, [(255, 255, 255)] *
                              len(offsets), 1e-3)
        return canvas

    def _draw_arrows(self, canvas: np.ndarray, vectors: np.ndarray,
                     cells_to_image: np.ndarray, colours: list,
                     threshold: float) -> None:
        """Arrows of ``vectors`` (C, 2, h, w) from each cell centre, in
        place; a unit vector is one cell long."""
        linear = cells_to_image[:, :2]
        thickness = max(1, int(round(self.line_width)))
        for colour, (vx, vy) in zip(colours, vectors):
            ys, xs = np.nonzero(np.hypot(vx, vy) > threshold)
            if len(xs) == 0:
                continue
            starts = np.stack([xs, ys, np.ones_like(xs)], 1) @ \
                cells_to_image.T
            ends = starts + np.stack([vx[ys, xs], vy[ys, xs]], 1) @ linear.T
            for start, end in zip(np.round(starts).astype(int),
                                  np.round(ends).astype(int)):
                cv2.arrowedLine(canvas, tuple(map(int, start)),
                                tuple(map(int, end)), colour, thickness,
                                tipLength=0.3)

    @staticmethod
    def _to_numpy(values) -> np.ndarray:
        if isinstance(values, torch.Tensor):
            values = values.detach().float().cpu().numpy()
        return np.asarray(values, dtype=np.float32)

    # MMPose's hooks --------------------------------------------------------
    def _draw_instances_kpts(self,
                             image: np.ndarray,
                             instances,
                             kpt_thr: float = 0.3,
                             show_kpt_idx: bool = False,
                             skeleton_style: str = 'mmpose'):
        """MMPose's drawing, except for instances in another keypoint
        layout than the dataset meta's (the OpenPose-18 training targets of
        COCO-17 data, as ``browse_dataset`` shows them): those are skipped
        with a warning instead of MMPose's error. In the openpose style the
        meta is MMPose's 18-keypoint one and the instances are in the
        dataset's layout, which MMPose converts (adding the neck)."""
        keypoints = instances.get('keypoints') if 'keypoints' in instances \
            else None
        source = getattr(self, '_source_meta', None) \
            if skeleton_style == 'openpose' else None
        num_keypoints = (source or self.dataset_meta).get('num_keypoints')
        if keypoints is not None and num_keypoints and \
                np.shape(keypoints)[-2] != num_keypoints:
            warnings.warn(
                f'{type(self).__name__}: instances of '
                f'{np.shape(keypoints)[-2]} keypoints, the dataset meta has '
                f'{num_keypoints}: drawing their maps only')
            return image
        return super()._draw_instances_kpts(image, instances, kpt_thr,
                                            show_kpt_idx, skeleton_style)

    def _draw_instance_heatmap(self, fields: PixelData,
                               overlaid_image: Optional[np.ndarray] = None):
        """Called by ``add_datasample`` for ``gt_fields`` and
        ``pred_fields``."""
        cells_to_image = None
        if self._pred_fields_to_image is not None and \
                fields is self._pred_fields_to_image[0]:
            cells_to_image = self._pred_fields_to_image[1]
        return self.draw_field_maps(fields, overlaid_image, cells_to_image)

    def add_datasample(self, name: str, image: np.ndarray,
                       data_sample: PoseDataSample, *args, **kwargs):
        """MMPose's ``add_datasample``; predicted maps are mapped back to the
        original image first (see the class docstring)."""
        self._pred_fields_to_image = None
        metainfo = data_sample.metainfo
        if 'pred_fields' in data_sample and all(
                key in metainfo
                for key in ('input_size', 'input_center', 'input_scale')):
            fields = data_sample.pred_fields
            some_map = next(iter(fields.values()), None)
            if some_map is not None:
                h, w = some_map.shape[-2:]
                self._pred_fields_to_image = (
                    fields, cells_to_original_image((w, h), metainfo))
        try:
            return super().add_datasample(name, image, data_sample, *args,
                                          **kwargs)
        finally:
            self._pred_fields_to_image = None
