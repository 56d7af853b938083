# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""The benchmark table: every config of the package beside MMPose's baselines.

For every config under ``configs/`` (and MMPose's SimpleBaseline-R50,
HRNet-W32, UDP and DARK at the same input sizes): parameters and GFLOPs from
MMEngine's complexity analysis (``mmengine.analysis``), the CPU latency of the
network's tensor-mode forward (``model._forward``; no flip test, no decoding)
at batch 1 and batch 32, and the accuracy the paper (or MMPose's model zoo)
reports for it, read from the metafiles. Configs whose inference network is
the same (they differ only in losses, codecs or schedules) are measured once
and share the numbers; UDP and DARK change MMPose's codec, not HRNet-W32, so
they share HRNet-W32's numbers too.

    python tools/analysis_tools/benchmark_table.py [--output docs/benchmark.md]
        [--configs 'configs/cal/**/*.py' ...] [--batch-sizes 1 32]
        [--repeats 3] [--no-baselines]

The full table measures about 50 networks; on 2 CPU cores it takes about
30 minutes (progress and an estimate of the time left are printed).
"""
import argparse
import copy
import glob
import json
import logging
import os
import os.path as osp
import platform
import sys
import time
from functools import partial

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
MMPOSE_TOPDOWN = 'body_2d_keypoint/topdown_heatmap'

# (label, MMPose config at each size it ships, MMPose metafile); the network
# of a size MMPose has no config for is the first config's network.
COCO_BASELINES = [
    ('SimpleBaseline-R50', 'td-hm_res50_8xb64-210e_coco-{size}.py',
     'resnet_coco.yml'),
    ('HRNet-W32', 'td-hm_hrnet-w32_8xb64-210e_coco-{size}.py',
     'hrnet_coco.yml'),
    ('HRNet-W32 + UDP', 'td-hm_hrnet-w32_udp-8xb64-210e_coco-{size}.py',
     'hrnet_udp_coco.yml'),
    ('HRNet-W32 + DARK', 'td-hm_hrnet-w32_dark-8xb64-210e_coco-{size}.py',
     'hrnet_dark_coco.yml'),
]
MPII_BASELINES = [
    ('SimpleBaseline-R50', 'td-hm_res50_8xb64-210e_mpii-{size}.py',
     'resnet_mpii.yml'),
    ('HRNet-W32', 'td-hm_hrnet-w32_8xb64-210e_mpii-{size}.py',
     'hrnet_mpii.yml'),
    ('HRNet-W32 + DARK', 'td-hm_hrnet-w32_dark-8xb64-210e_mpii-{size}.py',
     'hrnet_dark_mpii.yml'),
]
# keys of a model config that do not change the inference network (the KL
# self-supervision's translation net only runs in training)
NOT_NETWORK = ('init_cfg', 'decoder', 'train_cfg', 'test_cfg',
               'data_preprocessor', 'self_supervision')


def mmpose_config_dir():
    import mmpose
    return osp.join(osp.dirname(mmpose.__file__), '.mim', 'configs')


def network_key(model_cfg, input_size):
    """What decides the inference network: the model config without its
    losses, decoders, init and train/test settings, plus the input size."""

    def strip(node):
        if isinstance(node, dict):
            return {
                k: strip(v)
                for k, v in sorted(node.items())
                if k not in NOT_NETWORK and 'loss' not in k
            }
        if isinstance(node, (list, tuple)):
            return [strip(v) for v in node]
        return node

    return json.dumps([strip(model_cfg.to_dict() if hasattr(
        model_cfg, 'to_dict') else model_cfg), list(input_size)],
                      sort_keys=True, default=str)


class Entry:
    """One row: a config (ours or MMPose's) at one input size."""

    def __init__(self, name, method, config, model_cfg, input_size, dataset,
                 bottom_up, reported):
        self.name = name
        self.method = method
        self.config = config
        self.model_cfg = model_cfg
        self.input_size = tuple(input_size)  # (w, h)
        self.dataset = dataset
        self.bottom_up = bottom_up
        self.reported = reported
        self.key = network_key(model_cfg, input_size)
        self.params = parameter_count(model_cfg)


def build_model(model_cfg):
    from mmengine.registry import init_default_scope
    from mmpose.registry import MODELS
    init_default_scope('mmpose')
    return MODELS.build(copy.deepcopy(model_cfg))


def parameter_count(model_cfg):
    """All parameters of the model, as MMEngine's complexity analysis counts
    them (training-only modules included)."""
    from mmengine.analysis import parameter_count as count
    return count(build_model(model_cfg))['']


def pipeline_input_size(cfg, config):
    """The val pipeline's ``input_size`` (a bottom-up resize measures a
    square image: ``BottomupResizeByHeight`` gives it that size too; a
    pipeline that makes the largest test scale, ``test_cfg.input_scale``,
    is measured at scale 1) and whether the config is bottom-up."""
    from mmengine.registry import init_default_scope
    from mmpose.datasets.transforms import BottomupResize, TopdownAffine
    from mmpose.registry import TRANSFORMS
    init_default_scope('mmpose')
    for transform in cfg.val_dataloader.dataset.pipeline:
        transform_type = TRANSFORMS.get(transform['type'])
        if isinstance(transform_type, type) and issubclass(
                transform_type, (TopdownAffine, BottomupResize)):
            bottom_up = issubclass(transform_type, BottomupResize)
            scale = float((cfg.model.get('test_cfg') or {}).get(
                'input_scale', 1.0)) if bottom_up else 1.0
            return (tuple(int(round(v / scale))
                          for v in transform['input_size']), bottom_up)
    raise ValueError(f'{config}: the val pipeline has neither TopdownAffine '
                     'nor BottomupResize (or a subclass), so its input size '
                     'is unknown')


def dataset_name(cfg):
    return 'MPII' if 'mpii' in cfg.val_dataloader.dataset.type.lower() \
        else 'COCO'


def main_result(model, authors=None):
    """'AP 0.584 (COCO val2017, reported by Wang et al.)': the first result
    of a model-index ``Model``, its main metric, where it comes from
    (``Metadata``: ``Reported In`` for a paper's number, ``Measured`` for a
    pipeline checkpoint; neither: MMPose's model zoo).

    Args:
        model (modelindex Model): a metafile model
        authors (str, optional): the authors of its collection's paper
    """
    for result in model.results:
        metrics = result.metrics
        metric = next((m for m in ('AP', 'PCKh', 'Mean') if m in metrics),
                      next(iter(metrics)))
        metadata = model.metadata.data if model.metadata else {}
        if 'Reported In' in metadata:
            origin = 'reported by ' + (authors or 'the paper')
        elif 'Measured' in metadata:
            origin = 'measured here'
        else:
            origin = 'MMPose model zoo'
        dataset = result.dataset.split(' (')[0]
        label = 'PCKh' if metric == 'Mean' else metric
        return f'{label} {metrics[metric]} ({dataset}, {origin})'
    return '-'


def first_author(paper):
    """'Wang et al.' from a collection's Paper (``Authors``: 'A B, C D')."""
    names = [n.strip() for n in paper.get('Authors', '').split(',')]
    if not names[0]:
        return None
    surname = names[0].split()[-1]
    return surname if len(names) == 1 else f'{surname} et al.'


def our_entries(patterns):
    from mmengine.config import Config

    from modelindex.load_model_index import load
    index = load(osp.join(REPO, 'model-index.yml'))
    authors = {c.name: first_author(c.paper) for c in index.collections}
    models = [*index.models, *load(osp.join(REPO, 'sample-index.yml')).models]
    results = {m.config: main_result(m, authors.get(m.in_collection))
               for m in models}
    collections = {m.config: m.in_collection for m in models}
    configs = sorted({
        osp.relpath(path, REPO)
        for pattern in patterns
        for path in glob.glob(osp.join(REPO, pattern), recursive=True)
        if '_base_' not in path
    })
    if not configs:
        raise SystemExit(f'no config matches {patterns}')
    entries = []
    for config in configs:
        cfg = Config.fromfile(osp.join(REPO, config))
        input_size, bottom_up = pipeline_input_size(cfg, config)
        method = collections.get(config, config.split('/')[1])
        entries.append(
            Entry(osp.splitext(osp.basename(config))[0], method, config,
                  cfg.model, input_size, dataset_name(cfg), bottom_up,
                  results.get(config, '-')))
    return entries


def baseline_entries(entries):
    from mmengine.config import Config

    from modelindex.load_model_index import load
    root = osp.join(mmpose_config_dir(), MMPOSE_TOPDOWN)
    groups = sorted({(e.dataset, e.input_size)
                     for e in entries if not e.bottom_up})
    baselines = []
    for dataset, (w, h) in groups:
        folder = dataset.lower()
        table = COCO_BASELINES if dataset == 'COCO' else MPII_BASELINES
        for label, pattern, metafile in table:
            config = osp.join(root, folder, pattern.format(size=f'{h}x{w}'))
            shipped = osp.isfile(config)
            if not shipped:  # the same network at another size
                config = osp.join(
                    root, folder,
                    pattern.format(size='256x192' if dataset == 'COCO' else
                                   '256x256'))
            cfg = Config.fromfile(config)
            reported = '-'
            if shipped:
                for model in load(osp.join(root, folder, metafile)).models:
                    if osp.basename(model.config) == osp.basename(config):
                        reported = main_result(model)
            else:
                reported = f'- (MMPose ships no {h}x{w} checkpoint)'
            baselines.append(
                Entry(f'MMPose {label}', 'MMPose baseline',
                      osp.relpath(config, osp.dirname(mmpose_config_dir())),
                      cfg.model, (w, h), dataset, False, reported))
    return baselines


def measure(entry, batch_sizes, repeats):
    """{'flops', batch: seconds} of one network (best of the runs; one run
    fewer above batch 1)."""
    import torch
    from mmpose_ext.utils import complexity, time_calls
    model = build_model(entry.model_cfg).eval()
    w, h = entry.input_size
    _, flops = complexity(model, (torch.randn(1, 3, h, w), ))
    numbers = {'flops': flops}
    with torch.no_grad():
        for i, batch in enumerate(batch_sizes):
            x = torch.randn(batch, 3, h, w)
            runs = repeats if batch == 1 else max(1, repeats - 1)
            times = time_calls({'forward': partial(model._forward, x)},
                               runs, warmup=int(i == 0))
            numbers[batch] = float(times['forward'].min())
    return numbers


def markdown(entries, numbers, batch_sizes, repeats, elapsed, output_dir):
    import torch
    cpu = platform.processor() or platform.machine()
    try:
        with open('/proc/cpuinfo') as f:
            cpu = next(line.split(':', 1)[1].strip() for line in f
                       if line.startswith('model name'))
    except (OSError, StopIteration):
        pass
    lines = [
        '# Benchmark table',
        '',
        'Generated by `python tools/analysis_tools/benchmark_table.py` '
        f'({len(entries)} rows, {len({e.key for e in entries})} distinct '
        f'networks, {elapsed / 60:.0f} min).',
        '',
        f'Machine: {cpu}, {torch.get_num_threads()} threads, torch '
        f'{torch.__version__}, Python {platform.python_version()}.',
        '',
        '- **params / GFLOPs**: MMEngine\'s complexity analysis of the '
        'tensor-mode forward at batch 1 (GFLOPs as MMEngine counts them: one '
        'multiply-add is one FLOP). Params are all parameters of the model, '
        'training-only parts included (the KL translation net, 0.19M, never '
        'runs at inference).',
        '- **CPU latency**: best of '
        f'{repeats} (batch 1) / {max(1, repeats - 1)} (larger batches) '
        'tensor-mode forwards after one warm-up at the first batch size, '
        'random input; the network '
        'only: no flip test, no decoding, no grouping.',
        '- **reported**: the accuracy the paper reports for the config '
        '(Reported In in the metafile; not reproduced here), MMPose\'s model zoo '
        'for its baselines, or what was measured here for the tiny configs '
        'trained on the bundled sample (their own training images: a '
        'pipeline check, not accuracy).',
        '- Rows marked `=` share the GFLOPs and latency of the row named: the '
        'same inference network (they differ in losses, codecs, schedules or '
        'training-only modules).',
        '',
    ]
    groups = []
    for e in entries:
        group = (e.dataset, 'bottom-up' if e.bottom_up else 'top-down',
                 e.input_size)
        if group not in groups:
            groups.append(group)
    batch_headers = ' | '.join(f'CPU b{b} (ms)' for b in batch_sizes)
    for dataset, kind, (w, h) in sorted(groups,
                                        key=lambda g: (g[0], g[1], g[2][1],
                                                       g[2][0])):
        lines += [
            f'## {dataset}, {kind}, input {h}x{w} (h x w)', '',
            f'| config | method | params (M) | GFLOPs | {batch_headers} | '
            'reported |',
            '|---|---|---|---|' + '---|' * len(batch_sizes) + '---|'
        ]
        first = {}
        for e in entries:
            if (e.dataset, 'bottom-up' if e.bottom_up else 'top-down',
                    e.input_size) != (dataset, kind, (w, h)):
                continue
            n = numbers[e.key]
            first.setdefault(e.key, e.name)
            same = '' if first[e.key] == e.name else \
                f' (= {first[e.key]})'
            link = osp.relpath(osp.join(REPO, e.config), output_dir)
            name = f'[{e.name}]({link})' \
                if not e.config.startswith('configs/body_2d') else \
                f'{e.name} (`mmpose::{e.config.split("configs/", 1)[1]}`)'
            if 'error' in n:
                cells = ' | '.join(['-'] * (1 + len(batch_sizes)))
                lines.append(
                    f'| {name}{same} | {e.method} | {e.params / 1e6:.2f} | '
                    f'{cells} | does not run at {h}x{w}: {n["error"]} |')
                continue
            times = ' | '.join(f'{1000 * n[b]:.0f}' for b in batch_sizes)
            lines.append(
                f'| {name}{same} | {e.method} | {e.params / 1e6:.2f} | '
                f'{n["flops"] / 1e9:.2f} | {times} | {e.reported} |')
        lines.append('')
    return '\n'.join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--configs', nargs='+', default=['configs/**/*.py'],
                        help='glob patterns, relative to the repository')
    parser.add_argument('--batch-sizes', type=int, nargs='+',
                        default=[1, 32])
    parser.add_argument('--repeats', type=int, default=3)
    parser.add_argument('--no-baselines', action='store_true',
                        help='only the configs of this package')
    parser.add_argument('--output', default=osp.join(REPO, 'docs',
                                                      'benchmark.md'))
    args = parser.parse_args()
    if args.repeats < 1 or min(args.batch_sizes) < 1:
        parser.error('--repeats and --batch-sizes must be >= 1')

    from mmengine.logging import MMLogger

    import mmpose_ext  # noqa: F401  (registers the package's modules)
    # the complexity analysis warns about every operator it does not count
    # (batch norm, additions, ...): the table states what GFLOPs count
    MMLogger.get_current_instance().setLevel(logging.ERROR)
    start = time.perf_counter()
    entries = our_entries(args.configs)
    if not args.no_baselines:
        entries = baseline_entries(entries) + entries
    networks = {}
    for e in entries:
        networks.setdefault(e.key, e)
    print(f'{len(entries)} rows, {len(networks)} distinct networks; '
          f'batch sizes {args.batch_sizes}', flush=True)
    numbers = {}
    for i, (key, e) in enumerate(networks.items(), 1):
        elapsed = time.perf_counter() - start
        left = '' if i == 1 else \
            f', about {elapsed / (i - 1) * (len(networks) - i + 1) / 60:.0f}' \
            ' min left'
        print(f'[{i}/{len(networks)}] {e.name} at {e.input_size[1]}x'
              f'{e.input_size[0]} ({elapsed / 60:.1f} min{left})',
              flush=True)
        try:
            numbers[key] = measure(e, args.batch_sizes, args.repeats)
        except RuntimeError as error:  # e.g. HRNet's fusion at 64x48
            numbers[key] = dict(error=str(error).splitlines()[0])
            print(f'    does not run at this input size: {error}', flush=True)
    table = markdown(entries, numbers, args.batch_sizes, args.repeats,
                     time.perf_counter() - start,
                     osp.dirname(osp.abspath(args.output)))
    os.makedirs(osp.dirname(osp.abspath(args.output)), exist_ok=True)
    with open(args.output, 'w') as f:
        f.write(table + '\n')
    print(table)
    print(f'written to {args.output}')


if __name__ == '__main__':
    sys.exit(main())
