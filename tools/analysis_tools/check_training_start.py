# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""Does a config survive its first iterations at its learning rate?

Runs any training config for a few dozen iterations through MMEngine's
Runner, as ``tools/train.py`` would, on the bundled COCO sample (or any
COCO-format file with ``--ann-file/--img-root``), from randomly initialised
weights (no pretrained download), with the config's optimizer, learning
rates, losses, batch size and train pipeline, and prints, per config, whether
every logged loss term stayed finite and whether the total loss fell (the
mean of the last fifth of the iterations against the first fifth):

    python tools/analysis_tools/check_training_start.py CONFIG [CONFIG ...]
        [--iters 30] [--batch-size N] [--cfg-options k=v ...]

The last line per config reads
``<config>: finite <yes|no at iteration i>, loss <first> -> <last> (<ratio>),
<falls|does not fall>``. Exit status 1 if any config diverged or did not
fall.
"""
import argparse
import math
import os.path as osp
import sys
import tempfile

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
SAMPLE = osp.join(REPO, 'tests/data/coco_mini')


def parse_args(argv=None):
    from mmengine.config import DictAction
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('configs', nargs='+')
    parser.add_argument('--iters', type=int, default=30)
    parser.add_argument('--batch-size', type=int, default=None,
                        help="default: the config's train batch size")
    parser.add_argument('--ann-file',
                        default=osp.join(SAMPLE, 'person_keypoints.json'))
    parser.add_argument('--img-root', default=osp.join(SAMPLE, 'images'))
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    return parser.parse_args(argv)


def prepare(path, args, work_dir):
    """The config as a short iteration-based run on the given data."""
    from mmpose_ext.utils import load_config
    cfg = load_config(path)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    dataset = cfg.train_dataloader.dataset
    dataset.update(data_root='', ann_file=args.ann_file,
                   data_prefix=dict(img=args.img_root + '/'))
    if args.batch_size:
        cfg.train_dataloader.batch_size = args.batch_size
    cfg.train_dataloader.num_workers = 0
    cfg.train_dataloader.persistent_workers = False
    cfg.train_dataloader.sampler = dict(type='InfiniteSampler', shuffle=True)
    backbone = cfg.model.get('backbone', {})
    if backbone.get('init_cfg'):
        backbone.init_cfg = None  # random weights: nothing is downloaded
    cfg.train_cfg = dict(by_epoch=False, max_iters=args.iters,
                         val_interval=args.iters + 1)
    cfg.val_dataloader = cfg.val_evaluator = cfg.val_cfg = None
    cfg.test_dataloader = cfg.test_evaluator = cfg.test_cfg = None
    cfg.param_scheduler = []
    cfg.default_hooks.logger = dict(type='LoggerHook', interval=1)
    cfg.default_hooks.checkpoint = dict(
        type='CheckpointHook', interval=args.iters + 1, save_last=False)
    cfg.default_hooks.pop('visualization', None)
    cfg.log_processor = dict(by_epoch=False, window_size=1)
    # FiniteLossHook would stop at the first non-finite loss: report instead
    cfg.custom_hooks = [h for h in cfg.get('custom_hooks', [])
                        if h['type'] not in ('FiniteLossHook',)]
    cfg.randomness = dict(seed=args.seed)
    # a visualizer of its own per run (MMEngine reuses an instance by name,
    # with the save folder of the run that made it)
    cfg.visualizer = dict(cfg.get('visualizer') or {},
                          name=f'check_training_start_{osp.basename(path)}'
                          f'_{id(cfg)}', vis_backends=[])
    cfg.work_dir = work_dir
    cfg.launcher = 'none'
    return cfg


def loss_history(runner):
    """{term: [value per iteration]} from the runner's message hub."""
    history = {}
    for key, buffer in runner.message_hub.log_scalars.items():
        if key.startswith('train/') and 'loss' in key:
            history[key[len('train/'):]] = [float(v) for v in buffer.data[0]]
    return history


def check(path, args):
    from mmengine.runner import Runner
    with tempfile.TemporaryDirectory() as work_dir:
        runner = Runner.from_cfg(prepare(path, args, work_dir))
        try:
            runner.train()
        except FloatingPointError:
            pass
        history = loss_history(runner)
    total = history.get('loss', [])
    bad = next((i + 1 for i in range(len(total))
                if not all(math.isfinite(v[i]) for v in history.values()
                           if i < len(v))), None)
    fifth = max(1, len(total) // 5)
    first = sum(total[:fifth]) / fifth
    last = sum(total[-fifth:]) / fifth
    falls = bad is None and len(total) >= 2 and last < first
    ratio = last / first if first and math.isfinite(last) else float('nan')
    print(f'{osp.basename(path)}: finite '
          f'{"yes" if bad is None else f"no at iteration {bad}"}, loss '
          f'{first:.4g} -> {last:.4g} ({ratio:.3f}), '
          f'{"falls" if falls else "does not fall"} '
          f'({len(total)} iterations)')
    return falls


def main(argv=None):
    args = parse_args(argv)
    import mmpose_ext  # noqa: F401
    from mmpose.utils import register_all_modules
    register_all_modules()
    results = [check(path, args) for path in args.configs]
    if not all(results):
        sys.exit(1)


if __name__ == '__main__':
    main()
