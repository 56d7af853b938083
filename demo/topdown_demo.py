# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""Top-down pose estimation on an image, a video or a webcam with any top-down
config of mmpose_ext (or MMPose): persons found by an MMDetection detector,
or, without one, taken from a COCO results file of person boxes (the bundled
tests/data/coco_mini/person_detections.json by default).

    # bundled default: boxes of the bundled detections, no detector
    python demo/topdown_demo.py POSE_CONFIG POSE_CHECKPOINT --input demo/resources/000000197388.jpg --output-root outputs/
    # with a detector, image or video
    python demo/topdown_demo.py POSE_CONFIG POSE_CHECKPOINT --det-config DET_CONFIG --det-checkpoint DET_CHECKPOINT \
        --input demo/resources/street.mp4 --output-root outputs/ --save-predictions

Without a detector, an image whose COCO id is not in the box file, and every
video frame, use the whole frame as one person box. Writes the visualisation
(image or mp4) and, with --save-predictions, the keypoints and boxes as JSON
(one entry per frame, MMPose's format) under --output-root. MMPose's own
demo/topdown_demo_with_mmdet.py works with these configs too.
"""
import argparse
import os.path as osp
import sys

import mmcv
import numpy as np

from mmpose_ext.apis import (boxes_from_coco_results, detect_persons,
                             input_type, person_class_id, run_on_input,
                             save_predictions)
from mmpose_ext.utils import ConfigError, check_types, load_config

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
BUNDLED_BOXES = osp.join(REPO, 'tests/data/coco_mini/person_detections.json')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('pose_config', help='top-down pose config')
    parser.add_argument('pose_checkpoint', help='pose checkpoint file')
    parser.add_argument('--input', required=True,
                        help='image, video or "webcam"')
    parser.add_argument('--det-config', help='MMDetection config')
    parser.add_argument('--det-checkpoint', help='MMDetection checkpoint')
    parser.add_argument('--det-cat-id', type=int,
                        help='detector label of persons (default: the class '
                        'named "person")')
    parser.add_argument('--bbox-thr', type=float, default=0.3,
                        help='minimum detection score of a person box')
    parser.add_argument('--boxes', default=BUNDLED_BOXES,
                        help='COCO results file of person boxes, used when '
                        'there is no detector')
    parser.add_argument('--output-root', default='',
                        help='where visualisations and predictions go')
    parser.add_argument('--save-predictions', action='store_true',
                        help='write results_<input>.json')
    parser.add_argument('--show', action='store_true', help='show frames')
    parser.add_argument('--device', default='cpu', help='cpu or cuda:0')
    parser.add_argument('--kpt-thr', type=float, default=0.3,
                        help='draw keypoints above this score')
    parser.add_argument('--max-frames', type=int, default=0,
                        help='stop after this many frames (0: all)')
    return parser.parse_args(argv)


def check_pose_config(path: str) -> None:
    """A top-down config whose types resolve (mmpose_ext imported)."""
    cfg = load_config(path)
    check_types(cfg)
    if cfg.model.type != 'TopdownPoseEstimator':
        raise ConfigError(f'{path} is not a top-down config (model type '
                          f'{cfg.model.type}); use demo/bottomup_demo.py')


def build_detector(args):
    if args.det_config is None and args.det_checkpoint is None:
        return None, None
    if args.det_config is None or args.det_checkpoint is None:
        raise ConfigError('give both --det-config and --det-checkpoint, or '
                          'neither (boxes from --boxes)')
    for path, flag in ((args.det_config, '--det-config'),
                       (args.det_checkpoint, '--det-checkpoint')):
        if not osp.isfile(path):
            raise ConfigError(f'{flag} {path}: no such file')
    try:
        from mmdet.apis import init_detector
    except ImportError as err:
        raise ConfigError('a detector needs MMDetection: pip install '
                          f'mmdet==3.3.0 ({err})')
    from mmpose.utils import adapt_mmdet_pipeline
    detector = init_detector(args.det_config, args.det_checkpoint,
                             device=args.device)
    # the detector's test pipeline runs in MMPose's default scope
    detector.cfg = adapt_mmdet_pipeline(detector.cfg)
    return detector, person_class_id(detector, args.det_config,
                                     args.det_cat_id)


def main(argv=None):
    args = parse_args(argv)
    kind = input_type(args.input)
    if not (args.output_root or args.show):
        raise SystemExit('nothing to do: give --output-root or --show')
    check_pose_config(args.pose_config)
    detector, cat_id = build_detector(args)

    from mmpose.apis import inference_topdown, init_model
    from mmpose.registry import VISUALIZERS
    from mmpose.structures import merge_data_samples
    model = init_model(args.pose_config, args.pose_checkpoint,
                       device=args.device)
    visualizer = VISUALIZERS.build(model.cfg.visualizer)
    visualizer.set_dataset_meta(model.dataset_meta)

    fixed_boxes = None
    if detector is None:
        if kind == 'image':
            try:
                fixed_boxes = boxes_from_coco_results(args.boxes, args.input,
                                                      args.bbox_thr)
            except ConfigError as err:
                print(f'no detector and {err}: the whole image is the box',
                      file=sys.stderr)
        else:
            print('no detector: every frame is one person box',
                  file=sys.stderr)

    def predict_frame(frame, frame_id):
        if detector is not None:
            boxes = detect_persons(detector, frame, cat_id, args.bbox_thr)
        elif fixed_boxes is not None:
            boxes = fixed_boxes
        else:
            h, w = frame.shape[:2]
            boxes = np.array([[0, 0, w, h]], dtype=np.float32)
        if len(boxes) == 0:  # nobody found: the frame as it is
            visualizer.set_image(mmcv.bgr2rgb(frame))
            return []
        sample = merge_data_samples(inference_topdown(model, frame, boxes))
        visualizer.add_datasample(
            'result',
            mmcv.bgr2rgb(frame),
            data_sample=sample,
            draw_gt=False,
            draw_bbox=True,
            show=False,
            kpt_thr=args.kpt_thr)
        pred = sample.pred_instances
        return [
            dict(keypoints=k.tolist(), keypoint_scores=s.tolist(),
                 bbox=b.tolist())
            for k, s, b in zip(
                np.asarray(pred.keypoints), np.asarray(pred.keypoint_scores),
                np.asarray(pred.bboxes))
        ]

    predictions = run_on_input(args.input, predict_frame, visualizer,
                               args.output_root, args.show, args.max_frames,
                               'mmpose_ext top-down demo')
    if args.save_predictions and args.output_root:
        path = save_predictions(args.output_root, args.input,
                                model.dataset_meta, predictions)
        print(f'predictions: {path}')
    if args.output_root:
        print(f'visualisation: {args.output_root}')


if __name__ == '__main__':
    try:
        main()
    except ConfigError as err:
        sys.exit(f'topdown_demo: error: {err}')
