# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""Person boxes for top-down inference: from a COCO results file (the bundled
detections) or from an MMDetection detector."""
import json
import os.path as osp
from typing import Optional

import numpy as np

from ..utils import ConfigError


def boxes_from_coco_results(path: str, image: str,
                            threshold: float) -> np.ndarray:
    """(N, 4) xyxy person boxes for ``image`` from a COCO results file,
    matched by the COCO image id of the file name.

    Raises:
        ConfigError: no file, a file name that is not an id, or no box
    """
    if not osp.isfile(path):
        raise ConfigError(f'Person box file not found: {osp.abspath(path)}')
    stem = osp.splitext(osp.basename(image))[0]
    if not stem.isdigit():
        raise ConfigError(
            f'--image {image}: boxes are matched by COCO image id, so the file '
            'name must be the id (e.g. 000000197388.jpg)')
    with open(path) as f:
        detections = json.load(f)
    boxes = [
        d['bbox'] for d in detections
        if d['image_id'] == int(stem) and d.get('score', 1.0) >= threshold
        and d.get('category_id', 1) == 1
    ]
    if not boxes:
        raise ConfigError(f'No person box with score >= {threshold} for image '
                          f'id {int(stem)} in {path}')
    xywh = np.array(boxes, dtype=np.float32)
    return np.concatenate([xywh[:, :2], xywh[:, :2] + xywh[:, 2:]], axis=1)


def person_class_id(detector, det_config: str,
                    cat_id: Optional[int] = None) -> int:
    """The detector's label of 'person' (or ``cat_id`` when given).

    Raises:
        ConfigError: the detector has no person class
    """
    classes = list((getattr(detector, 'dataset_meta', None)
                    or {}).get('classes', ()))
    if cat_id is not None:
        if not 0 <= cat_id < max(len(classes), 1):
            raise ConfigError(f'--det-cat-id {cat_id}: the detector of '
                              f'{det_config} has classes {classes}')
        return cat_id
    names = [str(c).lower() for c in classes]
    if 'person' not in names:
        raise ConfigError(
            f'The detector of {det_config} has no "person" class (classes: '
            f'{classes}). Use a COCO or person detector config, e.g. '
            'rtmdet_tiny_8xb32-300e_coco.py, or name the class with '
            '--det-cat-id')
    return names.index('person')


def detect_persons(detector, image: np.ndarray, cat_id: int,
                   score_thr: float, nms_thr: float = 0.3) -> np.ndarray:
    """(N, 4) xyxy boxes of class ``cat_id`` above ``score_thr`` after NMS,
    as MMPose's top-down demo filters MMDetection's results."""
    from mmdet.apis import inference_detector
    from mmpose.evaluation.functional import nms
    pred = inference_detector(detector, image).pred_instances.cpu().numpy()
    boxes = np.concatenate([pred.bboxes, pred.scores[:, None]], axis=1)
    boxes = boxes[(pred.labels == cat_id) & (pred.scores > score_thr)]
    if len(boxes) == 0:
        return np.zeros((0, 4), dtype=np.float32)
    return boxes[nms(boxes, nms_thr), :4]
