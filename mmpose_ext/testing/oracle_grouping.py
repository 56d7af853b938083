# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""Oracle grouping on real annotations: the ground truth of a COCO-style
folder, encoded by a bottom-up codec at the test input size, decoded again and
scored with MMPose's ``CocoMetric``. It measures what encoding, decoding and
grouping lose before any network is involved."""
import os.path as osp
from typing import Dict, List, Tuple

from ..codecs.utils.map_cells import image_to_input, input_to_image


def bottomup_test_inputs(data_root: str,
                         input_size: Tuple[int, int],
                         ann_file: str = 'person_keypoints.json',
                         image_dir: str = 'images/',
                         size_factor: int = 8) -> List[Dict]:
    """Every image of a COCO-style folder through MMPose's bottom-up test
    transforms (``LoadImage``, ``BottomupResize`` in 'fit' mode), with its
    annotated keypoints mapped into input pixels.

    Returns:
        list[dict]: per image, the data info plus ``input_keypoints``
        (N, K, 2), ``input_size``, ``input_center`` and ``input_scale``.
    """
    from mmpose.datasets import CocoDataset
    from mmpose.datasets.transforms import BottomupResize, LoadImage

    dataset = CocoDataset(
        data_root=data_root,
        ann_file=ann_file,
        data_prefix=dict(img=image_dir),
        data_mode='bottomup',
        pipeline=[],
        test_mode=False)
    transforms = [
        LoadImage(),
        BottomupResize(
            input_size=input_size, size_factor=size_factor, resize_mode='fit')
    ]
    samples = []
    for index in range(len(dataset)):
        results = dataset.get_data_info(index)
        for transform in transforms:
            results = transform(results)
        results['input_keypoints'] = image_to_input(results['keypoints'],
                                                    results)
        samples.append(results)
    return samples


def oracle_coco_ap(codec,
                   data_root: str,
                   ann_file: str = 'person_keypoints.json',
                   image_dir: str = 'images/',
                   outfile_prefix: str = None) -> Dict[str, float]:
    """COCO keypoint AP of decode(encode(ground truth)) with ``codec`` (a
    built bottom-up codec such as ``PartAffinityFields``).

    Returns:
        dict: CocoMetric's results (``coco/AP``, ``coco/AR``, ...)
    """
    from mmpose.datasets import CocoDataset
    from mmpose.datasets.datasets.utils import parse_pose_metainfo
    from mmpose.evaluation.metrics import CocoMetric

    metric = CocoMetric(
        ann_file=osp.join(data_root, ann_file),
        score_mode='keypoint',
        nms_mode='none',
        outfile_prefix=outfile_prefix)
    samples = bottomup_test_inputs(data_root, codec.input_size, ann_file,
                                   image_dir)
    metric.dataset_meta = parse_pose_metainfo(CocoDataset.METAINFO)
    for results in samples:
        encoded = codec.encode(
            results['input_keypoints'],
            results['keypoints_visible'],
            skeleton_links=results['skeleton_links'])
        keypoints, scores = codec.decode(
            encoded['heatmaps'],
            encoded['pafs'],
            encoded.get('offsets'),
            skeleton_links=results['skeleton_links'])
        keypoints = input_to_image(keypoints, results)
        metric.process([], [
            dict(
                id=results['id'],
                img_id=results['img_id'],
                pred_instances=dict(
                    keypoints=keypoints, keypoint_scores=scores),
                gt_instances=dict())
        ])
    return metric.evaluate(size=len(samples))
