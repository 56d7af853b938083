# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""BottomupResizeByHeight: CMU OpenPose's test resolution (height 368·s,
width by aspect ratio, padded to a multiple of fd) on the bundled images,
and MMPose's mapping back to the image stays exact."""
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
    # a white square drawn into a black copy of the image: after the
    # transform, its centroid in the input, mapped back to the image as
    # MMPose's BottomupPoseEstimator maps predictions (input_size,
    # input_center, input_scale), is the square's centre
    centre, scale = results['input_center'], results['input_scale']
    for point in ([img_w * 0.3, img_h * 0.7], [img_w * 0.8, img_h * 0.2]):
        marked = np.zeros((img_h, img_w, 3), np.uint8)
        x0, y0 = int(point[0]) - 10, int(point[1]) - 10
        marked[y0:y0 + 21, x0:x0 + 21] = 255
        square = np.array([x0 + 10, y0 + 10], float)
        warped = resize(dict(img=marked, img_shape=(img_h, img_w),
                             ori_shape=(img_h, img_w)))['img'][0]
        ys, xs = np.nonzero(warped[..., 0] > 127)
        in_input = np.array([xs.mean(), ys.mean()])
        back = in_input / np.array([w, h]) * scale + centre - scale / 2
        # one input pixel is img_h / 368 image pixels
        np.testing.assert_allclose(back, square, atol=0.5 * img_h / 368)
