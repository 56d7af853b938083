# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
from typing import Dict, Optional, Tuple

import numpy as np
from mmpose.datasets.transforms import BottomupRandomAffine
from mmpose.registry import TRANSFORMS


@TRANSFORMS.register_module()
class PersonCentredRandomAffine(BottomupRandomAffine):
    """CMU OpenPose's training augmentation (Cao et al.; the paper of Liu et
    al. keeps it): each sample is centred on one annotated person, the image
    scaled so that this person's height becomes ``target_height`` × the
    input height × u, u ~ U(``scale_factor``), rotated by up to
    ``rotate_factor`` degrees, and cropped to ``input_size`` around the
    person's centre jittered by up to ``center_jitter`` output pixels. Flip
    with MMPose's ``RandomFlip`` after it.

    MMPose's ``BottomupRandomAffine`` crops around the image centre, and its
    ``scale_factor`` is the size of the source window: (0.5, 1.1) zooms *in*
    up to 2×. Here u scales the person *down* as well as up, as CMU's
    ``scale_min``/``scale_max`` do. The person is drawn uniformly among those
    with at least ``min_keypoints`` labelled keypoints (CMU's main persons);
    an image without one is shown whole, as MMPose's transform would show it
    with no shift, scale or rotation. Everything else (the warp of the image,
    keypoints, boxes and areas; ``warp_mat`` for MMPose's
    ``BottomupGetHeatmapMask``) is MMPose's.

    The person's height is its box height (COCO ``bbox``), as CMU's
    ``scale_provided`` (box height / 368).

    Args:
        input_size (tuple): (w, h) of the crop. Defaults to (368, 368)
        target_height (float): the person's height at u = 1, as a fraction of
            the crop height. Defaults to 0.6 (CMU's ``target_dist``)
        scale_factor (tuple): range of u. Defaults to (0.5, 1.1)
        center_jitter (float): largest shift of the crop centre from the
            person's centre, output pixels, per axis of the image before the
            rotation, uniform. Defaults to 40 (CMU's ``center_perterb_max``)
        rotate_factor (float): largest rotation, degrees, uniform.
            Defaults to 45
        min_keypoints (int): labelled keypoints a person needs to be the
            centre of a sample. Defaults to 5
        pad_val (float): the fill outside the image. Defaults to 0
    """

    def __init__(self,
                 input_size: Tuple[int, int] = (368, 368),
                 target_height: float = 0.6,
                 scale_factor: Tuple[float, float] = (0.5, 1.1),
                 center_jitter: float = 40.,
                 rotate_factor: float = 45.,
                 min_keypoints: int = 5,
                 pad_val: float = 0) -> None:
        super().__init__(
            input_size=tuple(input_size),
            scale_factor=tuple(scale_factor),
            scale_type='long',
            rotate_factor=rotate_factor,
            shear_factor=0.,
            pad_val=pad_val,
            distribution='uniform')
        low, high = scale_factor
        if not 0 < low <= high:
            raise ValueError('PersonCentredRandomAffine: scale_factor must be '
                             f'0 < low <= high, got {scale_factor}')
        if target_height <= 0:
            raise ValueError('PersonCentredRandomAffine: target_height must '
                             f'be > 0, got {target_height}')
        self.target_height = target_height
        self.center_jitter = center_jitter
        self.min_keypoints = min_keypoints
        self._params = None

    def choose_person(self, results: Dict) -> Optional[int]:
        """Index of the person the sample is centred on: ``main_person``
        where the dataset set it (``CheckedCocoDataset(sample_per=
        'main_person')``: one sample per main person), else one drawn among those with
        ``min_keypoints`` labelled keypoints and a box (None: there is
        none)."""
        visible = results.get('keypoints_visible')
        bboxes = results.get('bbox')
        if bboxes is not None and results.get('main_person') is not None:
            person = int(results['main_person'])
            if not 0 <= person < len(bboxes):
                raise IndexError(
                    f'PersonCentredRandomAffine: main_person {person} of '
                    f'{results.get("img_path")} is not one of its '
                    f'{len(bboxes)} persons')
            return person
        if visible is None or bboxes is None or len(bboxes) == 0:
            return None
        labelled = (np.asarray(visible).reshape(len(bboxes), -1) > 0).sum(1)
        heights = bboxes[:, 3] - bboxes[:, 1]
        candidates = np.nonzero((labelled >= self.min_keypoints)
                                & (heights > 1))[0]
        if len(candidates) == 0:
            return None
        return int(np.random.choice(candidates))

    def transform(self, results: Dict) -> Optional[Dict]:
        """MMPose's transform with the window set by the chosen person:
        centre = the person's box centre + jitter, window side = box height
        / (target_height × u) (source pixels that fill the crop's height)."""
        img_h, img_w = results['img_shape'][:2]
        w, h = self.input_size
        person = self.choose_person(results)
        if person is None:  # the whole image, as MMPose shows it unchanged
            self._params = (np.zeros(2, np.float32), np.ones(1, np.float32),
                            0., np.zeros(2, np.float32))
            return super().transform(results)
        x1, y1, x2, y2 = results['bbox'][person]
        u = np.random.uniform(*self.scale_factor)
        window = (y2 - y1) / (self.target_height * u)  # source px over h
        jitter = np.random.uniform(-1, 1, size=2) * self.center_jitter
        centre = np.array([(x1 + x2) / 2, (y1 + y2) / 2]) + \
            jitter * window / h
        rotate = np.random.uniform(-1, 1) * self.rotate_factor
        # MMPose's parametrisation: centre = image centre + offset_rate ×
        # image size; window = scale_rate × image size, fixed to the crop's
        # aspect ratio by its long side
        offset_rate = (centre - np.array([img_w / 2, img_h / 2])) / np.array(
            [img_w, img_h])
        aspect = w / h
        scale_rate = np.array([window * aspect / max(img_w, img_h * aspect)])
        self._params = (offset_rate.astype(np.float32),
                        scale_rate.astype(np.float32), rotate,
                        np.zeros(2, np.float32))
        try:
            return super().transform(results)
        finally:
            self._params = None

    def _get_transform_params(self) -> Tuple:
        """The parameters :meth:`transform` chose for this sample."""
        return self._params
