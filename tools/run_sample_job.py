# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""The main job on the bundled sample data, end to end on the CPU.

1. trains a small model on the bundled COCO sample (tests/data/coco_mini) with
   MMEngine's runner,
2. evaluates COCO keypoint AP with MMPose's CocoMetric,
3. loads the checkpoint it wrote (``weights_only=True``) into MMPose's
   ``MMPoseInferencer`` and runs top-down inference on the bundled demo
   image with the bundled person boxes,
4. writes the inferencer's visualisation and predictions (MMPose's JSON),

and prints where everything went.

    python tools/run_sample_job.py [--config CONFIG] [--work-dir DIR]
"""
import argparse
import os.path as osp

from mmengine.config import DictAction

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
DEFAULT_CONFIG = osp.join(
    REPO, 'configs/cal/coco/td-cal_hrnet-tiny_1xb16-300e_coco-sample-128x96.py')
DEFAULT_IMAGE = osp.join(REPO, 'demo/resources/000000197388.jpg')
DEFAULT_BOXES = osp.join(REPO, 'tests/data/coco_mini/person_detections.json')


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--config', default=DEFAULT_CONFIG,
                        help='top-down pose config to train')
    parser.add_argument('--work-dir', default='work_dirs/sample_job',
                        help='where the logs, checkpoints and outputs go')
    parser.add_argument('--image', default=DEFAULT_IMAGE,
                        help='image to run inference on')
    parser.add_argument(
        '--boxes', default=DEFAULT_BOXES,
        help='person boxes for the image: COCO results json, matched to the '
        'image by its COCO id (the file name)')
    parser.add_argument('--box-thr', type=float, default=0.5,
                        help='minimum detector score of a box')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config settings, key=value')
    return parser.parse_args()


def main():
    from mmengine.runner import Runner
    from mmpose.apis import MMPoseInferencer

    from mmpose_ext.apis import use_coco_results_boxes
    from mmpose_ext.utils import ConfigError, check_config, load_config

    args = parse_args()
    if not osp.isfile(args.image):
        raise ConfigError(f'Image not found: {osp.abspath(args.image)}')
    cfg = load_config(args.config)
    cfg.work_dir = osp.abspath(args.work_dir)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    check_config(cfg)

    # 1-2. train, then evaluate with CocoMetric
    runner = Runner.from_cfg(cfg)
    runner.train()
    metrics = runner.test()
    with open(osp.join(cfg.work_dir, 'last_checkpoint')) as f:
        checkpoint = f.read().strip()

    # 3-4. reload the checkpoint as a user would: MMPose's inferencer, with
    # the bundled person boxes in the place of its detector; MMPose's
    # visualisation and predictions JSON
    out_dir = osp.join(cfg.work_dir, 'outputs')
    inferencer = MMPoseInferencer(pose2d=args.config, pose2d_weights=checkpoint,
                                  det_model='whole_image', device='cpu')
    use_coco_results_boxes(inferencer, args.boxes)
    (result, ) = inferencer(args.image, bbox_thr=args.box_thr, draw_bbox=True,
                            vis_out_dir=out_dir, pred_out_dir=out_dir)
    stem = osp.splitext(osp.basename(args.image))[0]
    vis_file = osp.join(out_dir, osp.basename(args.image))
    pred_file = osp.join(out_dir, f'{stem}.json')
    persons = len(result['predictions'][0])

    ap = metrics.get('coco/AP')
    print('\n=== sample job done ===')
    print(f'config:          {osp.abspath(args.config)}')
    print(f'work dir:        {cfg.work_dir}')
    print(f'log:             {runner.log_dir}')
    print(f'checkpoint:      {checkpoint}')
    print(f'COCO AP:         {ap:.4f} (CocoMetric on the bundled sample, '
          f'{len(runner.test_dataloader.dataset)} instances)')
    print('all metrics:     ' +
          ', '.join(f'{k}={v:.4f}' for k, v in metrics.items()))
    print(f'visualisation:   {vis_file} ({persons} persons)')
    print(f'predictions:     {pred_file}')


if __name__ == '__main__':
    from mmpose_ext.utils import run_tool
    run_tool(main, 'run_sample_job.py')
