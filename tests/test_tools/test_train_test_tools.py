# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""tools/train.py, tools/test.py, --resume, load_from, dist_train.sh and
`mim train/test mmpose_ext` on the bundled COCO sample, as a user runs them."""
import json
import os.path as osp
import shutil
import sys

from mmpose_ext.engine import safe_torch_load

from ..conftest import REPO, SAMPLE_CONFIG, free_port, run_tool, train_args


def test_resume_continues_from_the_latest_checkpoint(trained_run, tmp_path):
    work_dir = tmp_path / 'resumed'
    shutil.copytree(trained_run, work_dir)
    result = run_tool(train_args(work_dir, 3, '--resume'))
    assert result.returncode == 0, result.stderr[-3000:]
    assert 'resumed epoch: 2' in (result.stdout + result.stderr).lower() \
        .replace('resumed epoch=', 'resumed epoch: ')
    before = safe_torch_load(str(work_dir / 'epoch_2.pth'))
    after = safe_torch_load(str(work_dir / 'epoch_3.pth'))
    assert after['meta']['epoch'] == 3
    iters_per_epoch = before['meta']['iter'] // 2
    assert after['meta']['iter'] == before['meta']['iter'] + iters_per_epoch
    # Adam's step count went on from the resumed state instead of restarting
    step_before = next(iter(before['optimizer']['state'].values()))['step']
    step_after = next(iter(after['optimizer']['state'].values()))['step']
    assert float(step_after) == float(step_before) + iters_per_epoch


def test_load_from_starts_with_the_checkpoint_weights(trained_run, tmp_path):
    ckpt = str(trained_run / 'epoch_2.pth')
    args = train_args(tmp_path, 1)
    args += [f'load_from={ckpt}', 'optim_wrapper.optimizer.lr=0.0',
             'param_scheduler=[]']
    result = run_tool(args)
    assert result.returncode == 0, result.stderr[-3000:]
    assert f'Load checkpoint from {ckpt}' in result.stdout + result.stderr
    start = safe_torch_load(ckpt)['state_dict']
    end = safe_torch_load(str(tmp_path / 'epoch_1.pth'))['state_dict']
    # with lr 0 only the BatchNorm running statistics may change
    for name, value in start.items():
        if 'running' not in name and 'num_batches' not in name:
            assert (value == end[name]).all(), name


def test_test_tool_reports_coco_ap(trained_run, tmp_path):
    out = tmp_path / 'metrics.json'
    result = run_tool([
        osp.join(REPO, 'tools/test.py'), SAMPLE_CONFIG,
        str(trained_run / 'epoch_2.pth'), '--work-dir',
        str(tmp_path), '--out',
        str(out)
    ])
    assert result.returncode == 0, result.stderr[-3000:]
    metrics = json.loads(out.read_text())
    assert 0.0 <= metrics['coco/AP'] <= 1.0
    assert 'coco/AR' in metrics


def test_dist_train_two_cpu_processes(tmp_path):
    result = run_tool([
        'bash',
        osp.join(REPO, 'tools/dist_train.sh'), SAMPLE_CONFIG, '2',
        '--work-dir',
        str(tmp_path), '--no-validate', '--cfg-options',
        'train_cfg.max_epochs=1', 'train_dataloader.batch_size=4'
    ],
                      env={'PORT': str(free_port())})
    assert result.returncode == 0, result.stderr[-3000:]
    log = result.stdout + result.stderr
    assert 'Distributed training: True' in log
    assert "'backend': 'gloo'" in log
    ckpt = safe_torch_load(str(tmp_path / 'epoch_1.pth'))
    # 12 persons, 4 per process and step, 2 processes: 2 iterations
    assert ckpt['meta']['iter'] == 2


def test_mim_train_and_test_mmpose_ext(tmp_path):
    """OpenMMLab's mim finds the package's configs and tools (mim extension):
    the config by file name alone, as `mim train mmpose CONFIG` does."""
    name = osp.basename(SAMPLE_CONFIG)
    mim = [sys.executable, '-m', 'mim']
    result = run_tool([
        *mim, 'train', 'mmpose_ext', name, '--work-dir',
        str(tmp_path), '--cfg-options', 'train_cfg.max_epochs=1'
    ])
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    assert osp.isfile(tmp_path / 'epoch_1.pth')
    assert safe_torch_load(str(tmp_path / 'epoch_1.pth'))['meta']['epoch'] == 1
    result = run_tool([
        *mim, 'test', 'mmpose_ext', name, '--checkpoint',
        str(tmp_path / 'epoch_1.pth'), '--work-dir',
        str(tmp_path / 'test')
    ])
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    assert 'coco/AP:' in result.stdout + result.stderr
