# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""Train every tiny config on the bundled sample and publish its checkpoint.

These are pipeline checkpoints: each is trained from scratch on the 4 bundled
COCO images (12 persons) or the 5 bundled MPII persons and evaluated on those
same images, so it shows that training, evaluation, publishing and the demos
are wired together. It is not a pose model for unseen images. Nothing is
uploaded: the files stay on this machine.

    python tools/misc/build_sample_zoo.py [--configs GLOB ...]
        [--work-dir work_dirs/sample_zoo] [--cfg-options KEY=VALUE ...]

For each config: ``tools/train.py`` (evaluation at the end of training),
then ``publish_model`` (optimizer state dropped, SHA-256 in the file name)
into WORK_DIR/published/. Prints, and writes to WORK_DIR/index.json, the
config, the published file, its SHA-256, its size and the metric measured on
the sample. About 15 minutes for all tiny configs on 2 CPU cores.
"""
import argparse
import glob
import hashlib
import json
import os.path as osp
import subprocess
import sys
import time

from mmpose_ext.engine.publish_checkpoint import publish
from mmpose_ext.utils import final_metrics

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--configs', nargs='+',
                        default=['configs/**/*sample*.py'],
                        help='glob patterns, relative to the repository')
    parser.add_argument('--work-dir', default='work_dirs/sample_zoo')
    parser.add_argument('--cfg-options', nargs='+', default=[],
                        help='passed to tools/train.py for every config')
    args = parser.parse_args()
    configs = sorted({
        osp.relpath(p, REPO)
        for pattern in args.configs
        for p in glob.glob(osp.join(REPO, pattern), recursive=True)
    })
    if not configs:
        raise SystemExit(f'no config matches {args.configs}')
    index = []
    start = time.perf_counter()
    for i, config in enumerate(configs, 1):
        name = osp.splitext(osp.basename(config))[0]
        work_dir = osp.join(args.work_dir, name)
        print(f'[{i}/{len(configs)}] training {config} -> {work_dir} '
              f'({(time.perf_counter() - start) / 60:.1f} min so far)',
              flush=True)
        result = subprocess.run(
            [sys.executable, osp.join(REPO, 'tools', 'train.py'),
             osp.join(REPO, config), '--work-dir', work_dir] +
            (['--cfg-options', *args.cfg_options] if args.cfg_options else []),
            capture_output=True, text=True)
        if result.returncode != 0:
            raise SystemExit(f'training {config} failed:\n'
                             f'{result.stderr[-3000:]}')
        with open(osp.join(work_dir, 'last_checkpoint')) as f:
            checkpoint = f.read().strip()
        published = publish(
            checkpoint, osp.join(args.work_dir, 'published', f'{name}.pth'))
        with open(published, 'rb') as f:
            sha256 = hashlib.sha256(f.read()).hexdigest()
        entry = dict(
            config=config,
            checkpoint=osp.relpath(published),
            sha256=sha256,
            size_mib=round(osp.getsize(published) / 2**20, 1),
            metrics_on_its_training_images=final_metrics(work_dir),
            kind='pipeline checkpoint: trained and evaluated on the bundled '
            'sample; not a model for unseen images')
        index.append(entry)
        print(f'    {entry["checkpoint"]} ({entry["size_mib"]} MiB) '
              f'{entry["metrics_on_its_training_images"]}', flush=True)
    with open(osp.join(args.work_dir, 'index.json'), 'w') as f:
        json.dump(index, f, indent=1)
    print(f'\n{len(index)} pipeline checkpoints in '
          f'{osp.join(args.work_dir, "published")}; index: '
          f'{osp.join(args.work_dir, "index.json")} '
          f'({(time.perf_counter() - start) / 60:.1f} min)')


if __name__ == '__main__':
    main()
