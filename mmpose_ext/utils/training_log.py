# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""Reading what a finished MMEngine run logged: the records of its
``<timestamp>/vis_data/scalars.json`` files (one per start of the run; a
resumed run writes a new one)."""
import glob
import json
import os.path as osp
from typing import Dict, List

#: keys MMEngine writes into every record, evaluation records included
RECORD_KEYS = ('data_time', 'time', 'step')


def scalar_records(work_dir: str) -> List[dict]:
    """Every record of every ``scalars.json`` under ``work_dir``, oldest run
    first (timestamped folder names sort in time)."""
    logs = sorted(
        glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json')))
    if not logs:
        raise FileNotFoundError(f'no */vis_data/scalars.json under '
                                f'{work_dir}: is it the work_dir of a run?')
    records = []
    for log in logs:
        with open(log) as f:
            records += [json.loads(line) for line in f if line.strip()]
    return records


def last_evaluation(work_dir: str) -> dict:
    """The record of the run's last evaluation, ``step`` (the epoch or
    iteration it was made at) included: training records carry the learning
    rate ``lr``, evaluation records do not."""
    evaluations = [r for r in scalar_records(work_dir) if 'lr' not in r]
    if not evaluations:
        raise RuntimeError(f'the run in {work_dir} logged no evaluation: is '
                           'train_cfg.val_interval within max_epochs?')
    return evaluations[-1]


def final_metrics(work_dir: str) -> Dict[str, float]:
    """The metrics of the run's last evaluation ('coco/AP', 'PCK', ...),
    without MMEngine's timing keys."""
    return {
        k: v
        for k, v in last_evaluation(work_dir).items() if k not in RECORD_KEYS
    }
