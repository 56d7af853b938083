# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
from typing import List

import numpy as np


def main_persons(data_info: dict, min_keypoints: int = 5,
                 min_area: float = 32 * 32,
                 min_centre_distance: float = 0.3) -> List[int]:
    """The main persons of one bottom-up data info, as CMU OpenPose's
    ``training/genJSON.m`` picks them, in annotation order: at least
    ``min_keypoints`` labelled keypoints (``num_keypoints``), a segment area
    of at least ``min_area``, not a crowd, and a box centre not within
    ``min_centre_distance`` × max(w, h) of an earlier main person's centre
    (that person's box).

    Args:
        data_info (dict): MMPose's bottom-up data info (``bbox`` (N, 4)
            x1y1x2y2, ``num_keypoints``, ``area``, ``iscrowd``)

    Returns:
        list[int]: indices into the data info's persons
    """
    bboxes = np.asarray(data_info.get('bbox', np.zeros((0, 4))),
                        np.float64).reshape(-1, 4)
    count = len(bboxes)
    labelled = np.asarray(data_info.get('num_keypoints', [0] * count))
    areas = np.asarray(data_info.get('area', [0.] * count), np.float64)
    crowd = np.asarray(data_info.get('iscrowd', [0] * count))
    chosen, centres, sizes = [], [], []
    for i in range(count):
        if labelled[i] < min_keypoints or areas[i] < min_area or crowd[i]:
            continue
        x1, y1, x2, y2 = bboxes[i]
        centre = np.array([(x1 + x2) / 2, (y1 + y2) / 2])
        if any(np.linalg.norm(centre - c) < min_centre_distance * s
               for c, s in zip(centres, sizes)):
            continue
        chosen.append(i)
        centres.append(centre)
        sizes.append(max(x2 - x1, y2 - y1))
    return chosen
