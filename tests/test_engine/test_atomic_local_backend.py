# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""Checkpoint writes are atomic: a file under its final name is complete."""
import os
from unittest import mock

import pytest
import torch
from mmengine.fileio import get_file_backend
from mmengine.runner import save_checkpoint

from mmpose_ext.engine import AtomicLocalBackend, safe_torch_load


def test_mmengine_uses_the_atomic_backend_for_local_paths(tmp_path):
    backend = get_file_backend(str(tmp_path / 'x.pth'),
                               backend_args=dict(backend='local'))
    assert isinstance(backend, AtomicLocalBackend)
    path = tmp_path / 'sub' / 'epoch_1.pth'
    save_checkpoint({'state_dict': {'w': torch.arange(3.)}}, str(path))
    assert torch.equal(safe_torch_load(str(path))['state_dict']['w'],
                       torch.arange(3.))
    assert os.listdir(tmp_path / 'sub') == ['epoch_1.pth']  # no leftovers


def test_interrupted_write_keeps_the_old_file(tmp_path):
    path = tmp_path / 'epoch_2.pth'
    path.write_bytes(b'complete old checkpoint')
    backend = AtomicLocalBackend()
    with mock.patch('os.fsync', side_effect=KeyboardInterrupt):
        with pytest.raises(KeyboardInterrupt):
            backend.put(b'new but cut short', path)
    assert path.read_bytes() == b'complete old checkpoint'
    assert os.listdir(tmp_path) == ['epoch_2.pth']


def test_text_is_written_whole(tmp_path):
    AtomicLocalBackend().put_text('ünïcode', tmp_path / 'a.txt')
    assert (tmp_path / 'a.txt').read_text(encoding='utf-8') == 'ünïcode'
