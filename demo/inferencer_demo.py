# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""MMPose's ``demo/inferencer_demo.py`` for 2D pose (its image, folder and
video inputs, its drawing and output arguments, its outputs), with two
additions: top-down configs take their person boxes from a COCO results file
when no detector is given, the bundled
``tests/data/coco_mini/person_detections.json`` by default, so the demo runs
offline (MMPose's inferencer would build its default RTMDet person detector
and download its weights); and an image that cannot be read is named and
skipped while the others are processed. It requires ``--pose2d`` and
``--pose2d-weights`` (local files) and has no webcam, 3D or tracking options.

    # top-down, bundled boxes, no detector
    python demo/inferencer_demo.py demo/resources/000000197388.jpg \\
        --pose2d CONFIG --pose2d-weights CHECKPOINT \\
        --vis-out-dir outputs --pred-out-dir outputs
    # top-down with an MMDetection detector, or bottom-up; image, folder or
    # video
    python demo/inferencer_demo.py demo/resources/street.mp4 \\
        --pose2d CONFIG --pose2d-weights CHECKPOINT \\
        --det-model DET_CONFIG --det-weights DET_CHECKPOINT \\
        --vis-out-dir outputs --pred-out-dir outputs --draw-heatmap

Everything else is ``MMPoseInferencer``: visualisations in ``--vis-out-dir``,
MMPose's predictions JSON in ``--pred-out-dir``, the config's visualizer
(PAF arrows with ``--draw-heatmap`` for the bottom-up OpenPose configs).
"""
import mimetypes
import os
import os.path as osp
import sys
from argparse import ArgumentParser

import cv2

from mmpose_ext.utils import ConfigError, check_types, load_config

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
BUNDLED_BOXES = osp.join(REPO, 'tests/data/coco_mini/person_detections.json')
INIT_ARGS = ('pose2d', 'pose2d_weights', 'det_model', 'det_weights',
             'det_cat_ids', 'device', 'show_progress')


def parse_args(argv=None):
    """MMPose's inferencer_demo arguments for 2D pose, plus ``--bboxes``."""
    parser = ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('inputs', help='image, folder of images or video')
    parser.add_argument('--pose2d', required=True, help='pose config file')
    parser.add_argument('--pose2d-weights', required=True,
                        help='pose checkpoint file')
    parser.add_argument('--det-model', help='MMDetection config file, or '
                        '"whole_image" (the image is the person box)')
    parser.add_argument('--det-weights', help='MMDetection checkpoint file')
    parser.add_argument('--det-cat-ids', type=int, nargs='+', default=0,
                        help='detector labels of persons')
    parser.add_argument(
        '--bboxes', default=BUNDLED_BOXES,
        help='top-down configs without --det-model: a COCO results file of '
        'person boxes, matched to images by the COCO id of the file name '
        '(default: the bundled detections); "" for none')
    parser.add_argument('--device', default=None, help='cpu, cuda:0, ...')
    parser.add_argument('--show-progress', action='store_true')
    parser.add_argument('--show', action='store_true',
                        help='show the results in a window')
    parser.add_argument('--draw-bbox', action='store_true')
    parser.add_argument('--draw-heatmap', action='store_true',
                        help='draw the predicted maps (and PAFs)')
    parser.add_argument('--bbox-thr', type=float, default=0.3)
    parser.add_argument('--nms-thr', type=float, default=0.3)
    parser.add_argument('--kpt-thr', type=float, default=0.3)
    parser.add_argument('--radius', type=int, default=3)
    parser.add_argument('--thickness', type=int, default=1)
    parser.add_argument('--skeleton-style', default='mmpose',
                        choices=['mmpose', 'openpose'])
    parser.add_argument('--black-background', action='store_true')
    parser.add_argument('--vis-out-dir', default='',
                        help='folder for the visualisations')
    parser.add_argument('--pred-out-dir', default='',
                        help='folder for the predictions (MMPose JSON)')
    call_args = vars(parser.parse_args(argv))
    init_args = {key: call_args.pop(key) for key in INIT_ARGS}
    return init_args, call_args


def check_inputs(init_args: dict, call_args: dict) -> bool:
    """Errors that name the fix before any model is built; returns whether
    the config is top-down and takes boxes from ``--bboxes``.

    Raises:
        ConfigError: a missing input or file, or a top-down config with
            neither a detector nor person boxes
    """
    if not osp.exists(call_args['inputs']):
        raise ConfigError(f'{call_args["inputs"]}: no such file or folder')
    cfg = load_config(init_args['pose2d'])
    check_types(cfg)
    if not osp.isfile(init_args['pose2d_weights']):
        raise ConfigError(f'--pose2d-weights {init_args["pose2d_weights"]}: '
                          'no such file')
    if cfg.get('data_mode') != 'topdown' or init_args['det_model']:
        return False
    if not call_args['bboxes']:
        raise ConfigError(
            f'{init_args["pose2d"]} is a top-down config: it needs person '
            'boxes. Pass --det-model DET_CONFIG --det-weights DET_CHECKPOINT '
            '(an MMDetection person detector), --bboxes COCO_RESULTS.json, '
            'or --det-model whole_image')
    return True


def readable_inputs(inputs: str):
    """The inputs as MMPose's inferencer takes them, without the images it
    cannot read: a video path is returned as it is; an image, or a folder's
    images (files whose type is an image's, sorted, as MMPose lists a
    folder), as the list of those OpenCV decodes. Each unreadable image is
    named on stderr and skipped.

    Raises:
        ConfigError: no readable image is left
    """
    if osp.isdir(inputs):
        files = sorted(
            osp.join(inputs, name) for name in os.listdir(inputs)
            if osp.isfile(osp.join(inputs, name)) and (
                mimetypes.guess_type(name)[0] or '').startswith('image/'))
    elif (mimetypes.guess_type(inputs)[0] or '').startswith('image/'):
        files = [inputs]
    else:
        return inputs  # a video: MMPose's inferencer reads it frame by frame
    readable = []
    for path in files:
        # a reduced decode is enough to know OpenCV reads the file
        if cv2.imread(path, cv2.IMREAD_REDUCED_GRAYSCALE_8) is None:
            print(f'{path}: not a readable image, skipped', file=sys.stderr)
        else:
            readable.append(path)
    if not readable:
        raise ConfigError(f'{inputs}: no readable image')
    return readable


def main(argv=None):
    init_args, call_args = parse_args(argv)
    boxes_from_file = check_inputs(init_args, call_args)
    bboxes = call_args.pop('bboxes')
    call_args['inputs'] = readable_inputs(call_args['inputs'])

    from mmpose.apis import MMPoseInferencer

    from mmpose_ext.apis import use_coco_results_boxes
    if boxes_from_file:
        init_args['det_model'] = 'whole_image'
    inferencer = MMPoseInferencer(**init_args)
    if boxes_from_file:
        use_coco_results_boxes(inferencer, bboxes)
    for _ in inferencer(**call_args):
        pass
    for key in ('vis_out_dir', 'pred_out_dir'):
        if call_args[key]:
            print(f'{key}: {call_args[key]}')


if __name__ == '__main__':
    from mmpose_ext.utils import run_tool
    run_tool(main, 'inferencer_demo.py')
