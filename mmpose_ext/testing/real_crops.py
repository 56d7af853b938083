# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""Real top-down crops for tests and benchmarks: COCO-style annotations cut
with MMPose's own transforms, so that codecs are checked on real poses."""
import os.path as osp
from typing import Dict, List, Tuple


def topdown_crops(data_root: str,
                  input_size: Tuple[int, int],
                  ann_file: str = 'person_keypoints.json',
                  image_dir: str = 'images/',
                  use_udp: bool = True) -> List[Dict]:
    """Every annotated person of a COCO-style folder, cut by MMPose's
    ``GetBBoxCenterScale`` + ``TopdownAffine`` at ``input_size`` ([w, h]).

    Returns:
        list[dict]: per person, ``keypoints`` (1, K, 2) in crop pixels,
        ``keypoints_visible`` (1, K), ``img`` (h, w, 3) and ``id``
        (annotation id).
    """
    from mmpose.datasets import CocoDataset
    from mmpose.datasets.transforms import (GetBBoxCenterScale, LoadImage,
                                            TopdownAffine)

    dataset = CocoDataset(
        data_root=data_root,
        ann_file=ann_file,
        data_prefix=dict(img=image_dir),
        data_mode='topdown',
        pipeline=[],
        test_mode=False)
    transforms = [
        LoadImage(),
        GetBBoxCenterScale(),
        TopdownAffine(input_size=input_size, use_udp=use_udp)
    ]
    crops = []
    for index in range(len(dataset)):
        results = dataset.get_data_info(index)
        for transform in transforms:
            results = transform(results)
        crops.append(
            dict(
                keypoints=results['transformed_keypoints'][..., :2],
                keypoints_visible=results['keypoints_visible'],
                img=results['img'],
                id=results['id']))
    if not crops:
        raise ValueError(f'No annotated person in '
                         f'{osp.join(data_root, ann_file)}')
    return crops
