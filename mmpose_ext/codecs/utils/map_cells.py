# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""Where the cells of a map lie in the image it covers: the convention of
this package's codecs (cell i of a map over an image with s pixels per cell
covers pixels [i·s, (i + 1)·s), centred on pixel (i + 0.5)·s − 0.5) and
MMPose's bottom-up mapping from the network input back to the image
(``x / input_size · input_scale + input_center − input_scale / 2``).

Every conversion between map cells, network input pixels and image pixels
of the bottom-up codecs, heads, oracles and visualizer is one of these."""
from typing import Sequence, Union

import numpy as np

Stride = Union[float, Sequence[float], np.ndarray]


def cells_to_pixel_coords(cells: np.ndarray, stride: Stride) -> np.ndarray:
    """Cell coordinates (cell centres at integers) → pixel coordinates of
    the image the map covers with ``stride`` pixels per cell (per axis)."""
    return (np.asarray(cells, dtype=np.float64) + 0.5) * stride - 0.5


def pixel_to_cell_coords(pixels: np.ndarray, stride: Stride) -> np.ndarray:
    """Inverse of :func:`cells_to_pixel_coords`."""
    return (np.asarray(pixels, dtype=np.float64) + 0.5) / stride - 0.5


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


def _input_geometry(metainfo: dict):
    return (np.asarray(metainfo['input_size'], dtype=np.float64),
            np.asarray(metainfo['input_center'], dtype=np.float64),
            np.asarray(metainfo['input_scale'], dtype=np.float64))


def input_to_image(points: np.ndarray, metainfo: dict) -> np.ndarray:
    """Network input pixels → original image pixels, MMPose's bottom-up
    mapping (``BottomupPoseEstimator.add_pred_to_datasample``).

    Args:
        points (np.ndarray): (..., 2)
        metainfo (dict): a sample's ``input_size`` (w, h), ``input_center``
            and ``input_scale`` (the input's extent in image pixels)
    """
    size, center, scale = _input_geometry(metainfo)
    return np.asarray(points, np.float64) / size * scale + center - \
        0.5 * scale


def image_to_input(points: np.ndarray, metainfo: dict) -> np.ndarray:
    """Inverse of :func:`input_to_image`: where a test pipeline puts image
    points in the network input."""
    size, center, scale = _input_geometry(metainfo)
    return (np.asarray(points, np.float64) - center + 0.5 * scale) * \
        size / scale


def cells_to_original_image(map_size: Sequence[int],
                            metainfo: dict) -> np.ndarray:
    """(2, 3) affine from the cells of a map over the network input to the
    original image, through MMPose's bottom-up mapping
    (:func:`input_to_image`).

    Args:
        map_size: (w, h) of the map
        metainfo (dict): a sample's ``input_size`` (w, h), ``input_center``
            and ``input_scale``
    """
    size, center, scale = _input_geometry(metainfo)
    to_input = cells_to_pixels(map_size, size)
    to_image = to_input * (scale / size)[:, None]
    to_image[:, 2] += center - 0.5 * scale
    return to_image


def cells_on_image(map_size: Sequence[int], metainfo: dict) -> np.ndarray:
    """Which cells of a map covering the network input lie (at least partly)
    on the image, not on the padding a bottom-up resize adds.

    Args:
        map_size: (w, h) of the map
        metainfo (dict): a sample's ``input_size``, ``input_center``,
            ``input_scale`` and ``ori_shape`` (h, w)

    Returns:
        np.ndarray: bool (h, w), True on the image
    """
    w, h = map_size
    to_image = cells_to_original_image((w, h), metainfo)
    image_size = metainfo['ori_shape'][:2][::-1]  # (w, h)
    inside = []
    for axis, cells in enumerate((w, h)):
        # axis-aligned: cell j's extent [j − 0.5, j + 0.5] in image pixels
        edges = (np.arange(cells + 1) - 0.5) * to_image[axis, axis] + \
            to_image[axis, 2]
        inside.append((edges[:-1] < image_size[axis] - 0.5)
                      & (edges[1:] > -0.5))
    return inside[1][:, None] & inside[0][None, :]
