# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""Convert a COCO-format keypoint file of another layout to COCO-17, so that
COCO-17 configs (and ``oracle_ap.py``) can be scored on it with MMPose's
``CocoMetric``. COCO-17 keypoints the layout lacks stay unlabelled.

Layouts (source index -> COCO-17 index):

- ``crowdpose`` (also ExLPose): 14 keypoints, the 12 body joints map to COCO
  5..16; head top and neck have no COCO counterpart.
- ``mpii`` (also MHP): 16 keypoints, the 12 limb joints map to COCO 5..16;
  pelvis, thorax, upper neck and head top are dropped.
- ``coco+`` (Human-Art and other COCO-17-first layouts): the first 17.

    python tools/dataset_converters/to_coco17.py IN.json OUT.json --layout crowdpose
        [--strip-prefix HumanArt/images/]
"""
import argparse
import json

import numpy as np

MAPPINGS = {
    'crowdpose': {i: 5 + i for i in range(12)},
    'mpii': {0: 16, 1: 14, 2: 12, 3: 11, 4: 13, 5: 15, 10: 10, 11: 8, 12: 6,
             13: 5, 14: 7, 15: 9},
    'coco+': {i: i for i in range(17)},
}


def coco_category() -> dict:
    """COCO's person category (keypoint names, 1-based skeleton), from
    MMPose's COCO dataset meta."""
    from mmpose.datasets.datasets.utils import parse_pose_metainfo
    meta = parse_pose_metainfo(
        dict(from_file='configs/_base_/datasets/coco.py'))
    return dict(
        id=1, name='person', supercategory='person',
        keypoints=[meta['keypoint_id2name'][i]
                   for i in range(meta['num_keypoints'])],
        skeleton=[[a + 1, b + 1] for a, b in meta['skeleton_links']])


def convert(data: dict, layout: str, strip_prefix: str = '') -> dict:
    """The COCO-17 version of a COCO-format keypoint dict.

    Raises:
        ValueError: an unknown layout, or an annotation (named by id) with
            fewer keypoints than the layout maps
    """
    if layout not in MAPPINGS:
        raise ValueError(f'--layout {layout!r}: one of {sorted(MAPPINGS)}')
    mapping = MAPPINGS[layout]
    annotations = []
    for ann in data['annotations']:
        source = np.asarray(ann['keypoints'], dtype=np.float64).reshape(-1, 3)
        if len(source) <= max(mapping):
            raise ValueError(
                f'annotation {ann.get("id")}: {len(source)} keypoints, but '
                f'layout {layout!r} reads index {max(mapping)}')
        target = np.zeros((17, 3))
        target[list(mapping.values())] = source[list(mapping.keys())]
        ann = dict(ann, keypoints=target.reshape(-1).tolist(),
                   num_keypoints=int((target[:, 2] > 0).sum()))
        if 'area' not in ann:
            ann['area'] = float(ann['bbox'][2] * ann['bbox'][3])
        annotations.append(ann)
    images = []
    for image in data['images']:
        name = image['file_name']
        if strip_prefix and name.startswith(strip_prefix):
            name = name[len(strip_prefix):]
        images.append(dict(image, file_name=name))
    return dict(images=images, annotations=annotations,
                categories=[coco_category()])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('input')
    parser.add_argument('output')
    parser.add_argument('--layout', required=True, choices=sorted(MAPPINGS))
    parser.add_argument('--strip-prefix', default='',
                        help='removed from the front of each file_name')
    args = parser.parse_args()
    with open(args.input) as f:
        data = json.load(f)
    converted = convert(data, args.layout, args.strip_prefix)
    with open(args.output, 'w') as f:
        json.dump(converted, f)
    labelled = sum(a['num_keypoints'] > 0 for a in converted['annotations'])
    print(f'{args.output}: {len(converted["images"])} images, '
          f'{labelled} persons with keypoints (COCO-17)')


if __name__ == '__main__':
    main()
