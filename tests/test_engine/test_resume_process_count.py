# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""A 2-process (gloo) run resumed from its epoch-1 checkpoint: with 2
processes it logs the losses of the uninterrupted run; with 1 it continues
to the end (RandomStateHook restores each rank's own generators)."""
import os
import os.path as osp
import re

from ..conftest import REPO, free_port, run_tool, train_args

LOSS = re.compile(
    r'Epoch\(train\)\s+\[(\d+)\]\[(\d+)/\d+\].*? loss: ([0-9.e+-]+)')
DIST_TRAIN = osp.join(REPO, 'tools/dist_train.sh')


def _run(work_dir, processes, *extra):
    args = train_args(work_dir, 2, *extra)
    # each rank its own seed, as diff_rank_seed runs: rank 1's generators
    # differ from rank 0's and must be restored as its own
    args += ['train_dataloader.batch_size=3', 'default_hooks.logger.interval=1',
             'randomness.diff_rank_seed=True']
    env = dict(PYTHONUNBUFFERED='1', PORT=str(free_port()))
    if processes == 1:
        return run_tool(args, env=env)
    return run_tool(['bash', DIST_TRAIN, args[1], str(processes), *args[2:]],
                    env=env)


def _losses(result):
    return {(int(e), int(i)): float(v)
            for e, i, v in LOSS.findall(result.stdout + result.stderr)}


def test_resume_with_the_same_and_fewer_processes(tmp_path):
    whole = _run(tmp_path / 'whole', 2)
    assert whole.returncode == 0, whole.stderr[-3000:]
    reference = _losses(whole)
    assert len(reference) == 4  # 2 epochs x 2 iterations (6 persons a rank)
    checkpoint = str(tmp_path / 'whole' / 'epoch_1.pth')

    same = _run(tmp_path / 'same', 2, '--resume', checkpoint)
    assert same.returncode == 0, same.stderr[-3000:]
    resumed = _losses(same)
    assert sorted(resumed) == [(2, 1), (2, 2)]
    for key, value in resumed.items():
        assert value == reference[key], (key, value, reference[key])

    fewer = _run(tmp_path / 'fewer', 1, '--resume', checkpoint)
    assert fewer.returncode == 0, fewer.stderr[-3000:]
    assert 'epoch_2.pth' in os.listdir(tmp_path / 'fewer')
    assert sorted(_losses(fewer)) == [(2, 1), (2, 2), (2, 3), (2, 4)]
