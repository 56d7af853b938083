# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""mmpose_ext.utils.training_log: a run's logged records and its last
evaluation, in the scalars.json layout MMEngine writes."""
import json

import pytest

from mmpose_ext.utils import final_metrics, last_evaluation, scalar_records


def write_run(work_dir, timestamp, records):
    log = work_dir / timestamp / 'vis_data' / 'scalars.json'
    log.parent.mkdir(parents=True)
    log.write_text(''.join(json.dumps(r) + '\n' for r in records))


def train(step, loss):
    return {'lr': 1e-3, 'data_time': .01, 'loss': loss, 'time': .3,
            'epoch': step, 'iter': step, 'step': step}


def test_last_evaluation_of_a_resumed_run(tmp_path):
    # first start: an evaluation at epoch 2, then a crash; the resumed run
    # (a later timestamp) evaluates again at epoch 4
    write_run(tmp_path, '20261121_101010', [
        train(1, 9.), train(2, 8.),
        {'coco/AP': .5, 'coco/AR': .6, 'data_time': .1, 'time': .2,
         'step': 2}])
    write_run(tmp_path, '20261121_111111', [
        train(3, 7.), train(4, 6.),
        {'coco/AP': .75, 'coco/AR': .8, 'data_time': .1, 'time': .2,
         'step': 4}])
    assert [r['loss'] for r in scalar_records(str(tmp_path))
            if 'loss' in r] == [9., 8., 7., 6.]
    assert final_metrics(str(tmp_path)) == {'coco/AP': .75, 'coco/AR': .8}
    assert last_evaluation(str(tmp_path))['step'] == 4


def test_metrics_without_a_prefix(tmp_path):
    # PCKAccuracy has no default prefix: its key is plain 'PCK'
    write_run(tmp_path, '20261121_101010', [
        train(1, 9.), {'PCK': .946, 'data_time': .1, 'time': .2, 'step': 1}])
    assert final_metrics(str(tmp_path)) == {'PCK': .946}


def test_errors_name_the_work_dir(tmp_path):
    with pytest.raises(FileNotFoundError, match='no .*scalars.json under'):
        scalar_records(str(tmp_path))
    write_run(tmp_path, '20261121_101010', [train(1, 9.)])
    with pytest.raises(RuntimeError, match='logged no evaluation'):
        final_metrics(str(tmp_path))
