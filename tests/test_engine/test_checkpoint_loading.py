# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""Checkpoints load with weights_only=True and the allow-list; anything else is
refused with an error naming the type; truncated files name the file."""
import os
import pickle

import pytest
import torch
from mmengine.logging import HistoryBuffer
from mmengine.runner import CheckpointLoader

from mmpose_ext.engine import UnsafeCheckpointError, safe_torch_load

from ..conftest import SAMPLE_CONFIG


class _RunsCommandOnLoad:
    """A pickled object that would run a shell command when unpickled."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (os.system, (f'touch {self.marker}', ))


class _ForeignClass:
    """A plain class from outside the allow-list."""

    def __init__(self):
        self.value = 1


def test_real_checkpoint_loads_with_weights_only(trained_run):
    path = str(trained_run / 'epoch_2.pth')
    ckpt = CheckpointLoader.load_checkpoint(path, map_location='cpu')
    assert ckpt['meta']['epoch'] == 2
    assert {'state_dict', 'optimizer', 'param_schedulers',
            'message_hub'} <= set(ckpt)
    # the types that make the allow-list necessary are really in the file
    scalars = ckpt['message_hub']['log_scalars']
    assert isinstance(scalars['train/loss'], HistoryBuffer)
    assert ckpt['meta']['dataset_meta']['num_keypoints'] == 17


def test_plain_weights_only_load_needs_the_allow_list(trained_run):
    path = str(trained_run / 'epoch_2.pth')
    with pytest.raises(pickle.UnpicklingError, match='HistoryBuffer|numpy'):
        torch.load(path, map_location='cpu', weights_only=True)


def test_code_executing_checkpoint_is_refused(tmp_path):
    marker = tmp_path / 'code_ran'
    path = tmp_path / 'evil.pth'
    torch.save({'state_dict': {}, 'meta': {'x': _RunsCommandOnLoad(marker)}},
               path)
    with pytest.raises(UnsafeCheckpointError) as err:
        CheckpointLoader.load_checkpoint(str(path), map_location='cpu')
    assert 'posix.system' in str(err.value) or 'os.system' in str(err.value)
    assert str(path) in str(err.value)
    assert not marker.exists()


def test_foreign_class_is_refused_and_named(tmp_path):
    path = tmp_path / 'foreign.pth'
    torch.save({'state_dict': {'w': torch.ones(2)}, 'extra': _ForeignClass()},
               path)
    with pytest.raises(UnsafeCheckpointError, match='_ForeignClass'):
        safe_torch_load(str(path))


def test_truncated_checkpoint_names_the_file(trained_run, tmp_path):
    data = (trained_run / 'epoch_2.pth').read_bytes()
    path = tmp_path / 'truncated.pth'
    path.write_bytes(data[:len(data) // 2])
    with pytest.raises(RuntimeError, match='truncated') as err:
        CheckpointLoader.load_checkpoint(str(path), map_location='cpu')
    assert str(path) in str(err.value)


def test_missing_checkpoint_names_the_file(tmp_path):
    with pytest.raises(FileNotFoundError, match='nothing_here.pth'):
        CheckpointLoader.load_checkpoint(str(tmp_path / 'nothing_here.pth'))


def test_init_model_loads_the_checkpoint(trained_run):
    from mmpose.apis import init_model
    path = str(trained_run / 'epoch_2.pth')
    model = init_model(SAMPLE_CONFIG, path, device='cpu')
    saved = safe_torch_load(path)['state_dict']
    for name, value in model.state_dict().items():
        assert torch.equal(value, saved[name]), name
    assert model.dataset_meta['dataset_name'] == 'coco'


def test_inferencer_loads_the_checkpoint(trained_run):
    from mmpose.apis import MMPoseInferencer

    from ..conftest import COCO_MINI
    path = str(trained_run / 'epoch_2.pth')
    inferencer = MMPoseInferencer(
        pose2d=SAMPLE_CONFIG,
        pose2d_weights=path,
        det_model='whole_image',
        device='cpu')
    saved = safe_torch_load(path)['state_dict']
    weight = inferencer.inferencer.model.state_dict()['head.final_layer.weight']
    assert torch.equal(weight, saved['head.final_layer.weight'])
    image = os.path.join(COCO_MINI, 'images', '000000000785.jpg')
    result = next(inferencer(image, show=False))
    keypoints = result['predictions'][0][0]['keypoints']
    assert len(keypoints) == 17


def _hostile_checkpoints(source, tmp_path):
    """A truncated copy of ``source`` and one that would run a command."""
    data = source.read_bytes()
    truncated = tmp_path / 'truncated.pth'
    truncated.write_bytes(data[:len(data) // 3])
    evil = tmp_path / 'evil.pth'
    torch.save({'state_dict': {}, 'meta': {
        'x': _RunsCommandOnLoad(tmp_path / 'code_ran')}}, evil)
    return {'truncated': (truncated, 'truncated'),
            'code-executing': (evil, 'system')}


@pytest.mark.parametrize('kind', ['truncated', 'code-executing'])
def test_inferencer_refuses_hostile_checkpoints(kind, trained_run, tmp_path):
    from mmpose.apis import MMPoseInferencer
    path, message = _hostile_checkpoints(trained_run / 'epoch_2.pth',
                                         tmp_path)[kind]
    with pytest.raises((RuntimeError, UnsafeCheckpointError)) as err:
        MMPoseInferencer(pose2d=SAMPLE_CONFIG, pose2d_weights=str(path),
                         det_model='whole_image', device='cpu')
    assert message in str(err.value) and str(path) in str(err.value)
    assert not (tmp_path / 'code_ran').exists()


@pytest.mark.parametrize('kind', ['truncated', 'code-executing'])
@pytest.mark.parametrize('demo', ['ours', 'mmpose'])
def test_bottomup_demos_refuse_hostile_checkpoints(kind, demo,
                                                   openpose_tiny_run,
                                                   tmp_path):
    import os.path as osp

    import mmpose

    from ..conftest import OPENPOSE_TINY_CONFIG, REPO, run_script
    path, message = _hostile_checkpoints(openpose_tiny_run / 'epoch_400.pth',
                                         tmp_path)[kind]
    image = osp.join(REPO, 'demo/resources/000000197388.jpg')
    if demo == 'ours':
        argv = [
            osp.join(REPO, 'demo/inferencer_demo.py'), image, '--pose2d',
            OPENPOSE_TINY_CONFIG, '--pose2d-weights',
            str(path), '--vis-out-dir',
            str(tmp_path / 'out')
        ]
    else:
        argv = [
            osp.join(osp.dirname(mmpose.__file__),
                     '.mim/demo/bottomup_demo.py'), OPENPOSE_TINY_CONFIG,
            str(path), '--input', image, '--output-root',
            str(tmp_path / 'out')
        ]
    result = run_script(argv)
    assert result.returncode != 0
    assert message in result.stderr and str(path) in result.stderr
    assert not (tmp_path / 'code_ran').exists()
