# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""Test (and evaluate) a checkpoint with MMEngine's runner, as MMPose's
``tools/test.py`` does. The checkpoint is loaded with ``weights_only=True``
(:mod:`mmpose_ext.engine.checkpoint_loading`)."""
import argparse
import os
import os.path as osp

from mmengine.config import DictAction


def parse_args():
    parser = argparse.ArgumentParser(
        description='MMPose (mmpose_ext) test (and eval) a model')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument(
        '--work-dir', help='the directory to save evaluation results')
    parser.add_argument('--out', help='a file to save the metrics to (json)')
    parser.add_argument(
        '--dump',
        type=str,
        help='dump predictions to a pickle file for offline evaluation')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        default={},
        help='override config settings, key=value')
    parser.add_argument(
        '--show-dir', help='directory where visualisations are saved')
    parser.add_argument(
        '--interval', type=int, default=1, help='visualise every n samples')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return args


def merge_args(cfg, args):
    """Merge command-line arguments into the config."""
    cfg.launcher = args.launcher
    cfg.load_from = args.checkpoint
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])
    if args.show_dir is not None:
        cfg.default_hooks.visualization.enable = True
        cfg.default_hooks.visualization.out_dir = args.show_dir
        cfg.default_hooks.visualization.interval = args.interval
    if args.dump is not None:
        if not args.dump.endswith(('.pkl', '.pickle')):
            from mmpose_ext.utils import ConfigError
            raise ConfigError(f'--dump {args.dump}: the file must end in .pkl')
        dump_metric = dict(type='DumpResults', out_file_path=args.dump)
        if isinstance(cfg.test_evaluator, (list, tuple)):
            cfg.test_evaluator = [*cfg.test_evaluator, dump_metric]
        else:
            cfg.test_evaluator = [cfg.test_evaluator, dump_metric]
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    return cfg


def main():
    import mmengine
    from mmengine.hooks import Hook
    from mmengine.runner import Runner

    from mmpose_ext.engine import setup_cpu_distributed
    from mmpose_ext.utils import ConfigError, check_config, load_config

    args = parse_args()
    if not osp.isfile(args.checkpoint):
        raise ConfigError(
            f'Checkpoint file not found: {osp.abspath(args.checkpoint)}')
    cfg = merge_args(load_config(args.config), args)
    check_config(cfg, splits=('test', ))
    setup_cpu_distributed(cfg)
    runner = Runner.from_cfg(cfg)

    if args.out:

        class SaveMetricHook(Hook):

            def after_test_epoch(self, _, metrics=None):
                if metrics is not None:
                    mmengine.dump(metrics, args.out)

        runner.register_hook(SaveMetricHook(), 'LOWEST')

    runner.test()


if __name__ == '__main__':
    from mmpose_ext.utils import run_tool
    run_tool(main, 'test.py')
