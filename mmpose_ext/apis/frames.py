# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""The input/output loop the demos share: an image, a video or the webcam in;
per frame, a prediction function that draws on a visualizer; visualisations
(image or mp4) and JSON predictions out, with progress on stderr."""
import json
import mimetypes
import os
import os.path as osp
import sys
import time
from typing import Callable, List

import cv2
import mmcv


def input_type(path: str) -> str:
    """``'image'``, ``'video'`` or ``'webcam'``.

    Raises:
        FileNotFoundError: no such file
        ValueError: the file is neither an image nor a video
    """
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


def run_on_input(path: str,
                 predict_frame: Callable,
                 visualizer,
                 output_root: str = '',
                 show: bool = False,
                 max_frames: int = 0,
                 title: str = 'mmpose_ext demo') -> List[dict]:
    """Run ``predict_frame(frame_bgr, frame_id)`` (which returns the frame's
    instances as JSON-ready dicts and draws on ``visualizer``) on every frame
    of ``path``; write ``<stem>.jpg`` or ``<stem>.mp4`` under
    ``output_root``.

    Returns:
        list[dict]: ``frame_id`` and ``instances`` per frame

    Raises:
        SystemExit: an unreadable image, an empty or unreadable video
    """
    kind = input_type(path)
    stem = 'webcam' if kind == 'webcam' else osp.splitext(
        osp.basename(path))[0]
    if output_root:
        os.makedirs(output_root, exist_ok=True)
    predictions = []
    if kind == 'image':
        frame = mmcv.imread(path)
        if frame is None:
            raise SystemExit(f'--input {path!r}: cannot read image')
        predictions.append(
            dict(frame_id=0, instances=predict_frame(frame, 0)))
        vis = mmcv.rgb2bgr(visualizer.get_image())
        if output_root:
            mmcv.imwrite(vis, osp.join(output_root, f'{stem}.jpg'))
        if show:
            cv2.imshow(title, vis)
            cv2.waitKey(0)
        return predictions

    cap = cv2.VideoCapture(0 if kind == 'webcam' else path)
    if not cap.isOpened():
        raise SystemExit(f'--input {path!r}: cannot open video (empty, '
                         'unreadable or no camera)')
    fps = cap.get(cv2.CAP_PROP_FPS) or 25
    writer = None
    frame_id = 0
    start = time.perf_counter()
    try:
        while True:
            ok, frame = cap.read()
            if not ok:
                break
            predictions.append(
                dict(frame_id=frame_id,
                     instances=predict_frame(frame, frame_id)))
            vis = mmcv.rgb2bgr(visualizer.get_image())
            if output_root:
                if writer is None:
                    writer = cv2.VideoWriter(
                        osp.join(output_root, f'{stem}.mp4'),
                        cv2.VideoWriter_fourcc(*'mp4v'), fps,
                        (vis.shape[1], vis.shape[0]))
                writer.write(vis)
            if show:
                cv2.imshow(title, vis)
                if cv2.waitKey(1) & 0xFF in (27, ord('q')):
                    break
            frame_id += 1
            print(f'\rframe {frame_id} '
                  f'({frame_id / (time.perf_counter() - start):.1f} fps)',
                  end='', file=sys.stderr, flush=True)
            if max_frames and frame_id >= max_frames:
                break
    finally:
        print(file=sys.stderr)
        cap.release()
        if writer is not None:
            writer.release()
    if frame_id == 0:
        raise SystemExit(f'--input {path!r}: the video has no readable '
                         'frame')
    return predictions


def save_predictions(output_root: str, path: str, dataset_meta: dict,
                     predictions: List[dict]) -> str:
    """``results_<stem>.json`` in MMPose's demo format; returns its path."""
    stem = 'webcam' if path == 'webcam' else osp.splitext(
        osp.basename(path))[0]
    out = osp.join(output_root, f'results_{stem}.json')
    with open(out, 'w') as f:
        json.dump(
            dict(meta_info=dataset_meta.get('dataset_name', ''),
                 instance_info=predictions), f)
    return out
