# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""Bottom-up pose estimation on an image, a video or a webcam, with any
bottom-up config of mmpose_ext (or MMPose): every person of every frame at
once, no detector.

    python demo/bottomup_demo.py CONFIG CHECKPOINT --input demo/resources/000000197388.jpg --output-root outputs/
    python demo/bottomup_demo.py CONFIG CHECKPOINT --input video.mp4 --output-root outputs/ --save-predictions
    python demo/bottomup_demo.py CONFIG CHECKPOINT --input webcam --show

Writes the visualisation (image or video) and, with --save-predictions, the
keypoints as JSON (one entry per frame, MMPose's format) under --output-root.
Checkpoints load with torch's weights_only=True (mmpose_ext's loader).
"""
import argparse

import mmcv
import numpy as np

from mmpose_ext.apis import input_type, run_on_input, save_predictions


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', help='bottom-up pose config')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--input', required=True,
                        help='image, video, or "webcam"')
    parser.add_argument('--output-root', default='',
                        help='folder for the visualisation and predictions')
    parser.add_argument('--save-predictions', action='store_true',
                        help='also write the predictions as JSON')
    parser.add_argument('--show', action='store_true',
                        help='show each frame in a window')
    parser.add_argument('--device', default='cpu', help='cpu or cuda:0')
    parser.add_argument('--kpt-thr', type=float, default=0.1,
                        help='keypoint score threshold for drawing')
    parser.add_argument('--radius', type=int, default=3)
    parser.add_argument('--thickness', type=int, default=1)
    parser.add_argument('--max-frames', type=int, default=0,
                        help='stop after this many frames (0: all)')
    return parser.parse_args(argv)


def predict_frame(model, frame_bgr, visualizer, args):
    """Pose of every person in one BGR frame; draws on the visualizer."""
    from mmpose.apis import inference_bottomup
    (result, ) = inference_bottomup(model, frame_bgr)
    visualizer.add_datasample(
        'result',
        mmcv.bgr2rgb(frame_bgr),
        data_sample=result,
        draw_gt=False,
        draw_bbox=False,
        draw_heatmap=False,
        show=False,
        kpt_thr=args.kpt_thr)
    instances = result.pred_instances
    return [
        dict(keypoints=kpts.tolist(), keypoint_scores=scores.tolist())
        for kpts, scores in zip(
            np.asarray(instances.keypoints),
            np.asarray(instances.keypoint_scores))
    ]


def main(argv=None):
    args = parse_args(argv)
    input_type(args.input)
    if not (args.output_root or args.show):
        raise SystemExit('nothing to do: give --output-root or --show')

    from mmpose.apis import init_model
    from mmpose.registry import VISUALIZERS
    model = init_model(args.config, args.checkpoint, device=args.device)
    if model.cfg.model.type not in ('BottomupPoseEstimator',
                                    'MultiScaleBottomupPoseEstimator'):
        raise SystemExit(f'{args.config} is not a bottom-up config (model '
                         f'type {model.cfg.model.type}); use a top-down demo')
    model.cfg.visualizer.radius = args.radius
    model.cfg.visualizer.line_width = args.thickness
    visualizer = VISUALIZERS.build(model.cfg.visualizer)
    visualizer.set_dataset_meta(model.dataset_meta)

    predictions = run_on_input(
        args.input, lambda frame, _: predict_frame(model, frame, visualizer,
                                                   args), visualizer,
        args.output_root, args.show, args.max_frames,
        'mmpose_ext bottom-up demo')
    if args.save_predictions and args.output_root:
        path = save_predictions(args.output_root, args.input,
                                model.dataset_meta, predictions)
        print(f'predictions: {path}')
    if args.output_root:
        print(f'visualisation: {args.output_root}')


if __name__ == '__main__':
    main()
