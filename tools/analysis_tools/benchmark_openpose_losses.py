# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""What section III of Liu et al. (KL self-supervision, SALM, PDD) costs and
what it brings, measured on this machine.

1. Training step time (forward, all losses, backward, SGD step) of the COCO
   OpenPose model at 368x368 with plain L2 and with all three losses (KL p2h,
   SALM, PDD), same batch of real samples (the bundled COCO sample through the
   config's train pipeline), timed alternately in one run. Target: <= 1.10x.
2. Inference: latency of the tensor-mode forward and the parameters it uses
   (forward hooks), and MMEngine's complexity analysis (GFLOPs, all params,
   the training-only translation net included) of both models. Target:
   identical.
3. Learning: the tiny sample config with all losses and the same config with
   plain L2, trained for the same iterations on the bundled COCO sample,
   COCO AP of each, mean over seeds (``--train``; or give the work dirs of
   runs you made). The configs' 500 iterations by default; ``--epochs``
   stretches both schedules alike (LR decays at the same fractions).
   ``--root`` keeps the runs in a folder of your choice and reuses those
   already finished there: an interrupted comparison goes on, and more seeds
   add to the earlier ones.

    python tools/analysis_tools/benchmark_openpose_losses.py [--batch-size 2]
        [--repeats 5] [--train [--seeds 0 1 2] [--epochs 500] [--root DIR]
        | --work-dirs PLAIN ALL]
        [--skip-timing]
"""
import argparse
import os.path as osp
import subprocess
import sys
import tempfile
from functools import partial

import numpy as np

from mmpose_ext.utils import complexity, time_calls

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIGS = osp.join(REPO, 'configs/openpose/coco/')
PLAIN = 'openpose_vgg19_2xb5-600kit_coco-368x368.py'
ALL_LOSSES = 'openpose-kl-salm-pdd_vgg19_2xb5-600kit_coco-368x368.py'
TINY_PLAIN = 'openpose-rie_vgg-tiny_1xb4-500e_coco-sample-256x256.py'
TINY_ALL = 'openpose-rie-kl-salm-pdd_vgg-tiny_1xb4-500e_coco-sample-256x256.py'


def build(name):
    from mmengine.config import Config
    from mmpose.registry import MODELS
    cfg = Config.fromfile(CONFIGS + name)
    cfg.model.backbone.init_cfg = None  # no download; timing only
    return cfg, MODELS.build(cfg.model)


def real_batch(cfg, batch_size):
    """``batch_size`` samples of the bundled COCO sample through the
    config's train pipeline (the sample's 4 images, repeated)."""
    from mmengine.config import Config
    from mmengine.dataset import pseudo_collate
    from mmpose.registry import DATASETS
    dataset_cfg = Config.fromfile(CONFIGS +
                                  TINY_PLAIN).train_dataloader.dataset
    dataset_cfg.pipeline = cfg.train_pipeline
    dataset = DATASETS.build(dataset_cfg)
    return pseudo_collate(
        [dataset[i % len(dataset)] for i in range(batch_size)])


def step_time(batch_size, repeats):
    import torch
    (plain_cfg, plain), (_, ours) = build(PLAIN), build(ALL_LOSSES)
    ours.load_state_dict(plain.state_dict(), strict=False)
    data = real_batch(plain_cfg, batch_size)
    models = dict(plain=plain.train(), all=ours.train())
    optims = {k: torch.optim.SGD(m.parameters(), lr=1e-12, momentum=0.9)
              for k, m in models.items()}
    batches = {k: m.data_preprocessor(data, training=True)
               for k, m in models.items()}

    def step(key):
        batch = batches[key]
        losses = models[key].loss(batch['inputs'], batch['data_samples'])
        sum(losses.values()).backward()
        optims[key].step()
        optims[key].zero_grad()

    times = time_calls({key: partial(step, key) for key in models}, repeats)
    best = {k: v.min() for k, v in times.items()}
    print(f'Training step, COCO OpenPose at 368x368, batch {batch_size}, '
          f'{torch.get_num_threads()} CPU threads, best of {repeats}:')
    print(f'  plain L2: {best["plain"]:.2f} s; KL + SALM + PDD: '
          f'{best["all"]:.2f} s -> {best["all"] / best["plain"]:.3f}x '
          '(target <= 1.10x)')


def inference_params(model, inputs):
    """Parameters of the modules that run in the tensor-mode forward."""
    import torch
    seen, handles = set(), []
    for module in model.modules():
        if not list(module.children()):
            handles.append(module.register_forward_hook(
                lambda m, i, o: seen.add(m)))
    with torch.no_grad():
        model._forward(inputs)
    for handle in handles:
        handle.remove()
    return sum(p.numel() for m in seen for p in m.parameters())


def inference_table(repeats):
    import torch
    x = torch.randn(1, 3, 368, 368)
    models = {}
    for label, name in (('plain L2', PLAIN), ('KL + SALM + PDD', ALL_LOSSES)):
        _, models[label] = build(name)
        models[label].eval()
    with torch.no_grad():
        times = time_calls({label: partial(model._forward, x)
                            for label, model in models.items()}, repeats)
    print('\nInference at 368x368, one image (tensor-mode forward):\n')
    print('| model | latency (ms, best of %d) | params used (M) | '
          'GFLOPs | all params (M) |' % repeats)
    print('|---|---|---|---|---|')
    rows = {}
    for label, model in models.items():
        used = inference_params(model, x)
        _, flops = complexity(model, (x, ))
        total = sum(p.numel() for p in model.parameters())
        rows[label] = (used, flops)
        print(f'| {label} | {1000 * times[label].min():.0f} | '
              f'{used / 1e6:.3f} | {flops / 1e9:.2f} | '
              f'{total / 1e6:.3f} |')
    same = len(set(rows.values())) == 1
    print(f'\nInference params and GFLOPs identical: {same} (the translation '
          'net of the KL self-supervision is in the checkpoint but never runs '
          'at inference)')


def schedule_options(epochs):
    """``--cfg-options`` that stretch the tiny configs' schedule (500
    one-step epochs, decays at 400 and 470) to ``epochs``, decays at the
    same fractions."""
    milestones = [round(epochs * 400 / 500), round(epochs * 470 / 500)]
    return [
        f'train_cfg.max_epochs={epochs}', f'train_cfg.val_interval={epochs}',
        f'param_scheduler.1.end={epochs}',
        f'param_scheduler.1.milestones=[{milestones[0]},{milestones[1]}]'
    ]


def run_dir(root, name, epochs, seed):
    """Where the ``--train`` run of config ``name`` goes."""
    return osp.join(root, f'{name[:-3]}_{epochs}it_seed{seed}')


def finished(work_dir, epochs):
    """Whether ``work_dir`` holds a run evaluated after ``epochs`` epochs
    (then ``--train`` reuses it instead of training again)."""
    from mmpose_ext.utils import last_evaluation
    try:
        return last_evaluation(work_dir)['step'] == epochs
    except (FileNotFoundError, RuntimeError):
        return False


def train_runs(root, seeds, epochs):
    """Train both tiny configs for every seed into ``root``; runs already
    finished there are kept and an interrupted one resumes from its last
    checkpoint, so an interrupted comparison goes on where it stopped.
    Returns the work dirs per config, in the order of ``seeds``."""
    work_dirs = {name: [] for name in (TINY_PLAIN, TINY_ALL)}
    total = len(seeds) * len(work_dirs)
    done = 0
    for seed in seeds:
        for name in work_dirs:
            work_dir = run_dir(root, name, epochs, seed)
            work_dirs[name].append(work_dir)
            done += 1
            if finished(work_dir, epochs):
                print(f'[{done}/{total}] {name} seed {seed}: finished run in '
                      f'{work_dir}', flush=True)
                continue
            print(f'[{done}/{total}] training {name} seed {seed} -> '
                  f'{work_dir} (about {epochs * 0.45 / 60:.0f} min)',
                  flush=True)
            subprocess.run([
                sys.executable,
                osp.join(REPO, 'tools/train.py'), CONFIGS + name,
                '--work-dir', work_dir, '--resume', '--cfg-options',
                f'randomness.seed={seed}', *schedule_options(epochs)
            ], check=True, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL)
    return work_dirs


def learning(seeds, work_dirs=None, epochs=500, root=None):
    """Final AP of the two tiny configs per seed (or of given runs), and
    their means: one seed's AP on 4 images moves by several points, so the
    seeds are paired (same seed, same initial backbone draw and data order)
    and the mean of the paired differences is printed with its standard
    error. Each run is ``epochs`` one-step epochs (the configs have 500)."""
    from mmpose_ext.utils import final_metrics
    if work_dirs is None:
        root = root or tempfile.mkdtemp(prefix='openpose_losses_')
        work_dirs = train_runs(root, seeds, epochs)
    else:
        seeds = ['given']
        work_dirs = {TINY_PLAIN: [work_dirs[0]], TINY_ALL: [work_dirs[1]]}
    plain = np.array([final_metrics(w)['coco/AP']
                      for w in work_dirs[TINY_PLAIN]])
    ours = np.array([final_metrics(w)['coco/AP']
                     for w in work_dirs[TINY_ALL]])
    print('\nLearning on the bundled COCO sample (tiny configs, the same '
          'iterations each, evaluated on the images they train on):\n')
    print('| seed | plain L2 AP | KL + SALM + PDD AP | difference |')
    print('|---|---|---|---|')
    for seed, a, b in zip(seeds, plain, ours):
        print(f'| {seed} | {a:.3f} | {b:.3f} | {b - a:+.3f} |')
    difference = ours - plain
    error = (difference.std(ddof=1) / np.sqrt(len(difference))
             if len(difference) > 1 else float('nan'))
    print(f'| mean of {len(plain)} | {plain.mean():.3f} | {ours.mean():.3f} '
          f'| {difference.mean():+.3f} (standard error {error:.3f}) |')
    verdict = 'at least' if ours.mean() >= plain.mean() else 'below'
    print(f'\n  -> all losses {verdict} plain L2 on the mean; ahead or '
          f'level in {int((difference >= 0).sum())} of {len(difference)} '
          'seeds')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--batch-size', type=int, default=2)
    parser.add_argument('--repeats', type=int, default=5)
    group = parser.add_mutually_exclusive_group()
    group.add_argument('--train', action='store_true',
                       help='train both tiny configs and compare their AP')
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2],
                        help='seeds of the --train runs')
    group.add_argument('--work-dirs', nargs=2, metavar=('PLAIN', 'ALL'),
                       help='work dirs of finished runs of the two tiny '
                       'configs')
    parser.add_argument('--epochs', type=int, default=500,
                        help='one-step epochs of the --train runs (the '
                        'configs: 500); the LR decays stay at 80%% and 94%%')
    parser.add_argument('--root',
                        help='folder of the --train runs (default: a new '
                        'temporary one); finished runs there are reused')
    parser.add_argument('--skip-timing', action='store_true',
                        help='only the learning comparison')
    args = parser.parse_args()
    from mmengine.logging import MMLogger
    from mmpose.utils import register_all_modules
    register_all_modules()
    MMLogger.get_current_instance().setLevel('ERROR')
    if not args.skip_timing:
        step_time(args.batch_size, args.repeats)
        inference_table(args.repeats)
    if args.train or args.work_dirs:
        learning(args.seeds, args.work_dirs, args.epochs, args.root)


if __name__ == '__main__':
    main()
