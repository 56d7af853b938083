# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""A hand-placed standing person in COCO's 17-keypoint layout, for codec
tests and benchmarks that need well-separated limbs at a known scale."""
import numpy as np

# nose, eyes, ears, shoulders, elbows, wrists, hips, knees, ankles (left
# before right); 175 px from nose to ankles at scale 1
STANDING_PERSON = np.array(
    [[0, 0], [-4, -3], [4, -3], [-8, 0], [8, 0], [-16, 20], [16, 20],
     [-22, 50], [22, 50], [-24, 78], [24, 78], [-10, 85], [10, 85],
     [-11, 130], [11, 130], [-12, 175], [12, 175]],
    dtype=np.float64)


def standing_person(x0: float, y0: float, scale: float = 1.) -> np.ndarray:
    """(17, 2) keypoints in input pixels, the nose at (x0, y0)."""
    return STANDING_PERSON * scale + [x0, y0]
