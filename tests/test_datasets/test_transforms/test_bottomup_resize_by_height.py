# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""BottomupResizeByHeight: CMU OpenPose's test resolution (height 368·s,
width by aspect ratio, padded to a multiple of fd) on the bundled images,
and MMPose's mapping back to the image stays exact."""
import cv2
import numpy as np
import pytest
from mmpose.datasets.transforms import LoadImage

from mmpose_ext.datasets.transforms import BottomupResizeByHeight

from ...conftest import COCO_MINI

IMAGES = ['000000000785.jpg', '000000040083.jpg', '000000196141.jpg',
          '000000197388.jpg']


@pytest.mark.parametrize('name', IMAGES)
@pytest.mark.parametrize('fd', [8, 16])
def test_height_is_368_and_the_mapping_back_is_exact(name, fd):
    results = LoadImage()(dict(img_path=f'{COCO_MINI}/images/{name}'))
    img_h, img_w = results['ori_shape']
    resize = BottomupResizeByHeight(input_size=(368, 368), size_factor=fd,
                                    aug_scales=[0.5, 2.0])
    results = resize(dict(results))
    main, half, double = results['img']
    w, h = results['input_size']
    assert main.shape[:2] == (h, w) and h == 368 and w % fd == 0
    assert w - fd < 368 * img_w / img_h <= w  # the width by aspect ratio
    # each scale: height 368·s, padded to a multiple of fd
    assert half.shape[0] == -(-184 // fd) * fd and double.shape[0] == 736
    # an image point drawn into the input lands where MMPose's bottom-up
    # mapping (input -> image) sends it back
    point = np.array([img_w * 0.3, img_h * 0.7])
    centre, scale = results['input_center'], results['input_scale']
    in_input = (point - centre + scale / 2) / scale * np.array([w, h])
    back = in_input / np.array([w, h]) * scale + centre - scale / 2
    np.testing.assert_allclose(back, point, atol=1e-4)
    # and the pixels agree: the input at that point is the image's
    original = cv2.imread(f'{COCO_MINI}/images/{name}').astype(float)
    x, y = np.round(in_input).astype(int)
    ox, oy = np.round(point).astype(int)
    assert np.abs(main[y, x] - original[oy, ox]).max() < 40
