# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""Person boxes from a COCO results file in the place of
``MMPoseInferencer``'s detector: top-down inference with no detector and
nothing to download (the bundled ``person_detections.json`` by default)."""
import json
import os.path as osp
import warnings
from typing import Union

import numpy as np
from mmengine.structures import BaseDataElement, InstanceData

from ..utils import ConfigError


class CocoResultsPersonBoxes:
    """The boxes of a COCO results file (``[{"image_id", "bbox" (x, y, w,
    h), "score", "category_id"}, ...]``), served as MMDetection's
    ``DetInferencer`` serves its predictions, so MMPose's
    ``Pose2DInferencer`` applies its own ``bbox_thr`` and NMS to them.

    An image is matched by its COCO id, the stem of its file name
    (``000000197388.jpg`` → 197388). An image that is not in the file, and
    every video frame (which has no file name), gets no box, and MMPose's
    inferencer then takes the whole image as the person box.

    Args:
        path (str): the COCO results file
        category_id (int): the COCO category of persons. Defaults to 1

    Raises:
        ConfigError: no such file, not a list, or an entry without
            ``image_id`` or a 4-number ``bbox`` (named by its index)
    """

    def __init__(self, path: str, category_id: int = 1) -> None:
        if not osp.isfile(path):
            raise ConfigError(f'--bboxes {path}: no such file (a COCO results '
                              'file of person boxes)')
        with open(path) as f:
            detections = json.load(f)
        if not isinstance(detections, list):
            raise ConfigError(f'--bboxes {path}: a COCO results file is a '
                              f'list of detections, got a '
                              f'{type(detections).__name__}')
        self.path = path
        self.boxes_by_image = {}
        for index, det in enumerate(detections):
            bbox = det.get('bbox') if isinstance(det, dict) else None
            if bbox is None or 'image_id' not in det or len(bbox) != 4:
                raise ConfigError(f'--bboxes {path}: detection {index} needs '
                                  f'"image_id" and a 4-number "bbox" (x, y, '
                                  f'w, h), got {det!r}')
            if det.get('category_id', category_id) != category_id:
                continue
            x, y, w, h = map(float, bbox)
            self.boxes_by_image.setdefault(int(det['image_id']), []).append(
                [x, y, x + w, y + h, float(det.get('score', 1.))])

    def boxes_of(self, image: Union[str, np.ndarray]) -> np.ndarray:
        """(N, 5) boxes (x1, y1, x2, y2, score) of an image path; (0, 5)
        for an array or an image the file does not list (with a warning)."""
        boxes = None
        if isinstance(image, str):
            stem = osp.splitext(osp.basename(image))[0]
            boxes = self.boxes_by_image.get(int(stem)) if stem.isdigit() \
                else None
            if boxes is None:
                warnings.warn(f'{self.path} has no person box for {image} '
                              '(matched by the COCO id of the file name): '
                              'the whole image is the person box')
        return np.array(boxes or [], dtype=np.float32).reshape(-1, 5)

    def __call__(self, inputs, **kwargs) -> dict:
        """``DetInferencer``'s interface, as ``Pose2DInferencer`` calls it:
        ``{'predictions': [sample]}`` with ``pred_instances`` (``bboxes``,
        ``scores``, ``labels`` all 0)."""
        boxes = self.boxes_of(inputs)
        instances = InstanceData(
            bboxes=boxes[:, :4], scores=boxes[:, 4],
            labels=np.zeros(len(boxes), dtype=np.int64))
        return dict(predictions=[BaseDataElement(pred_instances=instances)])


def use_coco_results_boxes(inferencer, path: str) -> CocoResultsPersonBoxes:
    """Make an ``MMPoseInferencer`` (or ``Pose2DInferencer``) built with
    ``det_model='whole_image'`` take its person boxes from a COCO results
    file; returns the box source.

    Raises:
        ConfigError: the inferencer's model is not top-down, or the file is
            not a COCO results file
    """
    pose2d = getattr(inferencer, 'inferencer', inferencer)
    if pose2d.cfg.get('data_mode') != 'topdown':
        raise ConfigError('--bboxes gives person boxes to top-down configs; '
                          f'this config is {pose2d.cfg.get("data_mode")}')
    pose2d.detector = CocoResultsPersonBoxes(path)
    pose2d.det_cat_ids = (0, )
    return pose2d.detector
