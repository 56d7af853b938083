# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""A training run killed mid-epoch resumes from its last checkpoint and, with
fixed seeds, continues exactly as the uninterrupted run."""
import os
import re
import signal
import subprocess
import sys

import torch

from mmpose_ext.engine import safe_torch_load

from ..conftest import REPO, train_args

LOSS = re.compile(r'Epoch\(train\)\s+\[(\d+)\]\[(\d+)/\d+\].*? loss: ([0-9.e+-]+)')


def _args(work_dir, *extra):
    args = train_args(work_dir, 3, *extra)
    return args + ['train_dataloader.batch_size=4',
                   'default_hooks.logger.interval=1']


def _losses(text):
    return {(int(e), int(i)): float(v) for e, i, v in LOSS.findall(text)}


def test_killed_run_resumes_and_matches_the_uninterrupted_run(tmp_path):
    env = dict(os.environ, PYTHONUNBUFFERED='1')
    whole = subprocess.run([sys.executable, *_args(tmp_path / 'whole')],
                           cwd=REPO, env=env, capture_output=True, text=True,
                           timeout=600)
    assert whole.returncode == 0, whole.stderr[-3000:]
    reference = _losses(whole.stdout + whole.stderr)
    assert len(reference) == 9  # 3 epochs x 3 iterations

    # the same run, killed during epoch 2 (after its first iteration)
    work_dir = tmp_path / 'killed'
    process = subprocess.Popen([sys.executable, *_args(work_dir)], cwd=REPO,
                               env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    seen = []
    for line in process.stdout:
        seen.append(line)
        if LOSS.search(line) and LOSS.search(line).group(1, 2) == ('2', '1'):
            process.send_signal(signal.SIGKILL)
            break
    process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL, ''.join(seen)[-3000:]
    assert (work_dir / 'epoch_1.pth').exists()
    assert not (work_dir / 'epoch_2.pth').exists()
    assert not [n for n in os.listdir(work_dir) if n.endswith('.part')]

    resumed = subprocess.run([sys.executable, *_args(work_dir, '--resume')],
                             cwd=REPO, env=env, capture_output=True,
                             text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    log = resumed.stdout + resumed.stderr
    assert 'resumed epoch: 1, iter: 3' in log.lower().replace(
        'resumed epoch=', 'resumed epoch: ')
    after = _losses(log)
    assert sorted(after) == [(e, i) for e in (2, 3) for i in (1, 2, 3)]
    for key, value in after.items():
        assert abs(value - reference[key]) <= 1e-6 * max(1.0, reference[key]), \
            (key, value, reference[key])

    final = safe_torch_load(str(work_dir / 'epoch_3.pth'))
    expected = safe_torch_load(str(tmp_path / 'whole' / 'epoch_3.pth'))
    assert final['meta']['iter'] == expected['meta']['iter'] == 9
    for name, value in expected['state_dict'].items():
        torch.testing.assert_close(final['state_dict'][name], value,
                                   rtol=1e-5, atol=1e-6, msg=name)
    step = next(iter(final['optimizer']['state'].values()))['step']
    assert float(step) == 9
