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
import json
import mimetypes
import os
import os.path as osp
import sys
import time

import cv2
import mmcv
import numpy as np


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


def input_type(path: str) -> str:
    if path == 'webcam':
        return 'webcam'
    if not osp.isfile(path):
        raise FileNotFoundError(f'--input {path!r}: no such file '
                                '(give an image, a video or "webcam")')
    kind = (mimetypes.guess_type(path)[0] or '').split('/')[0]
    if kind not in ('image', 'video'):
        raise ValueError(f'--input {path!r}: not an image or a video '
                         f'(mimetype {mimetypes.guess_type(path)[0]})')
    return kind


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
    kind = input_type(args.input)
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

    if args.output_root:
        os.makedirs(args.output_root, exist_ok=True)
    stem = 'webcam' if kind == 'webcam' else osp.splitext(
        osp.basename(args.input))[0]
    predictions = []

    if kind == 'image':
        frame = mmcv.imread(args.input)
        if frame is None:
            raise SystemExit(f'--input {args.input!r}: cannot read image')
        predictions.append(
            dict(frame_id=0, instances=predict_frame(model, frame,
                                                     visualizer, args)))
        vis = mmcv.rgb2bgr(visualizer.get_image())
        if args.output_root:
            mmcv.imwrite(vis, osp.join(args.output_root, f'{stem}.jpg'))
        if args.show:
            cv2.imshow('mmpose_ext bottom-up demo', vis)
            cv2.waitKey(0)
    else:
        cap = cv2.VideoCapture(0 if kind == 'webcam' else args.input)
        if not cap.isOpened():
            raise SystemExit(f'--input {args.input!r}: cannot open video '
                             '(empty, unreadable or no camera)')
        fps = cap.get(cv2.CAP_PROP_FPS) or 25
        writer = None
        frame_id = 0
        start = time.perf_counter()
        while True:
            ok, frame = cap.read()
            if not ok:
                break
            predictions.append(
                dict(frame_id=frame_id,
                     instances=predict_frame(model, frame, visualizer, args)))
            vis = mmcv.rgb2bgr(visualizer.get_image())
            if args.output_root:
                if writer is None:
                    writer = cv2.VideoWriter(
                        osp.join(args.output_root, f'{stem}.mp4'),
                        cv2.VideoWriter_fourcc(*'mp4v'), fps,
                        (vis.shape[1], vis.shape[0]))
                writer.write(vis)
            if args.show:
                cv2.imshow('mmpose_ext bottom-up demo', vis)
                if cv2.waitKey(1) & 0xFF in (27, ord('q')):
                    break
            frame_id += 1
            print(f'\rframe {frame_id} '
                  f'({frame_id / (time.perf_counter() - start):.1f} fps)',
                  end='', file=sys.stderr, flush=True)
            if args.max_frames and frame_id >= args.max_frames:
                break
        print(file=sys.stderr)
        cap.release()
        if writer is not None:
            writer.release()
        if frame_id == 0:
            raise SystemExit(f'--input {args.input!r}: the video has no '
                             'readable frame')

    if args.save_predictions and args.output_root:
        path = osp.join(args.output_root, f'results_{stem}.json')
        with open(path, 'w') as f:
            json.dump(
                dict(meta_info=model.dataset_meta.get('dataset_name', ''),
                     instance_info=predictions), f)
        print(f'predictions: {path}')
    if args.output_root:
        print(f'visualisation: {args.output_root}')


if __name__ == '__main__':
    main()
