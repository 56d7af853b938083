# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
from typing import Tuple

from mmpose.datasets.transforms import BottomupResize
from mmpose.registry import TRANSFORMS


@TRANSFORMS.register_module()
class BottomupResizeByHeight(BottomupResize):
    """CMU OpenPose's test resolution: the image is resized so that its
    height is ``input_size[1]`` (368 for OpenPose; times s for a scale s of
    ``aug_scales``), its width by its aspect ratio, and padded to a multiple
    of ``size_factor`` (the network stride fd).

    MMPose's ``BottomupResize`` fits the image into ``input_size`` by its
    long side (``'fit'``) or covers it by its short side (``'expand'``); for
    a landscape COCO image ``'fit'`` gives a height below 368 and for a
    portrait one ``'expand'`` a height above it. Everything else (centred
    padding, ``input_center``/``input_scale`` for the mapping back to the
    image, ``aug_scales``) is MMPose's.

    Args:
        input_size (tuple): (w, h); h is the target height, w is not used
        **kwargs: the other arguments of ``BottomupResize`` (``resize_mode``
            is not used)
    """

    def _get_input_size(self, img_size: Tuple[int, int],
                        input_size: Tuple[int, int]) -> Tuple:
        """(resized size, padded size), both (w, h)."""
        img_w, img_h = img_size
        height = input_size[1]
        actual_input_size = (height * img_w / img_h, height)
        padded_input_size = self._ceil_to_multiple(actual_input_size,
                                                   self.size_factor)
        return actual_input_size, padded_input_size
