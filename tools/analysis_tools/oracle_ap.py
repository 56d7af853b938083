# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""Oracle AP of a config: what its codec, input size and mapping back to the
image lose on a COCO-format file, before any network is involved.

Each sample goes through the config's own test pipeline; the network's output
is replaced by the codec's encoding of the sample's ground truth (MMPose's
``GenerateTarget``, as in training); the head decodes it and the pose estimator
maps it back to the image; the config's test evaluator scores it. Top-down
configs use the ground-truth boxes. Flip test plays no part.

    python tools/analysis_tools/oracle_ap.py CONFIG [--ann-file ANN --img-root DIR]
        [--cfg-options k=v ...]

Without ``--ann-file`` / ``--img-root`` the config's test set is used. The last
line printed is ``oracle AP <value> (<images> images, <persons> persons)``.
"""
import argparse

from mmengine.config import DictAction


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', help='config file')
    parser.add_argument('--ann-file', help='COCO-format keypoint annotations')
    parser.add_argument('--img-root', help='folder of the images of ANN')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        default={}, help='override config settings, k=v')
    return parser.parse_args()


def main():
    args = parse_args()
    import mmpose_ext  # noqa: F401  (registers the package's parts)
    from mmpose_ext.evaluation import oracle_evaluate
    from mmpose_ext.utils.config_check import check_config, load_config

    cfg = load_config(args.config)
    cfg.merge_from_dict(args.cfg_options)
    if args.ann_file is None and args.img_root is None:
        check_config(cfg, splits=('test', ))
    metrics = oracle_evaluate(cfg, args.ann_file, args.img_root)
    for name, value in metrics.items():
        if name not in ('images', 'persons'):
            print(f'{name}: {value:.4f}')
    ap = next((v for k, v in metrics.items() if k.endswith('/AP')), None)
    if ap is None:
        raise SystemExit(f'oracle_ap: the evaluator gave no AP metric: '
                         f'{sorted(metrics)}')
    print(f'oracle AP {ap:.4f} ({metrics["images"]} images, '
          f'{metrics["persons"]} persons)')


if __name__ == '__main__':
    from mmpose_ext.utils.cli import run_tool
    run_tool(main, 'oracle_ap')
