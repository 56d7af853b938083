# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""Where the cells of a map lie in the image it covers: the convention of
this package's codecs (cell i of a map over an image with s pixels per cell
covers pixels [i·s, (i + 1)·s), centred on pixel (i + 0.5)·s − 0.5) and
MMPose's bottom-up mapping from the network input back to the image."""
from typing import Sequence

import numpy as np


def cells_to_pixels(map_size: Sequence[int],
                    image_size: Sequence[int]) -> np.ndarray:
    """(2, 3) affine from map cells to the pixels of an image the map covers
    exactly: cell i is centred on pixel (i + 0.5)·s − 0.5.

    Args:
        map_size: (w, h) of the map
        image_size: (W, H) of the image
    """
    sx, sy = (image_size[0] / map_size[0], image_size[1] / map_size[1])
    return np.array([[sx, 0, 0.5 * sx - 0.5], [0, sy, 0.5 * sy - 0.5]])


def cells_to_original_image(map_size: Sequence[int],
                            metainfo: dict) -> np.ndarray:
    """(2, 3) affine from the cells of a map over the network input to the
    original image, through MMPose's bottom-up mapping
    ``x / input_size · input_scale + input_center − input_scale / 2``.

    Args:
        map_size: (w, h) of the map
        metainfo (dict): a sample's ``input_size`` (w, h), ``input_center``
            and ``input_scale``
    """
    input_size = np.asarray(metainfo['input_size'], dtype=np.float64)
    scale = np.asarray(metainfo['input_scale'], dtype=np.float64)
    to_input = cells_to_pixels(map_size, input_size)
    to_image = to_input * (scale / input_size)[:, None]
    to_image[:, 2] += np.asarray(metainfo['input_center'],
                                 dtype=np.float64) - 0.5 * scale
    return to_image
