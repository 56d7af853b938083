# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""Importing mmpose_ext patches MMEngine's checkpoint loaders and local
backend; MMPOSE_EXT_PATCH_MMENGINE=0 and restore_mmengine() keep MMEngine's."""
import os
import subprocess
import sys

from mmengine.fileio import get_file_backend
from mmengine.fileio.backends import LocalBackend
from mmengine.runner import CheckpointLoader
from mmengine.runner.checkpoint import load_from_local

from mmpose_ext.engine import (AtomicLocalBackend, PATCH_MMENGINE_ENV,
                               patch_mmengine, restore_mmengine)

REPORT = ('import mmpose_ext; '
          'from mmengine.runner import CheckpointLoader; '
          'from mmengine.fileio import get_file_backend; '
          "print(CheckpointLoader._schemes[''].__module__, "
          "CheckpointLoader._schemes['https://'].__module__, "
          "type(get_file_backend('a/b.pth')).__name__)")


def imported_with(env_value):
    env = {PATCH_MMENGINE_ENV: env_value} if env_value is not None else {}
    result = subprocess.run([sys.executable, '-c', REPORT],
                            env={**_base_env(), **env},
                            capture_output=True,
                            text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.split()


def _base_env():
    return {k: v for k, v in os.environ.items() if k != PATCH_MMENGINE_ENV}


def test_import_patches_and_the_switch_turns_it_off():
    # this process imported mmpose_ext without the switch (conftest)
    assert CheckpointLoader._schemes[''].__module__ == \
        'mmpose_ext.engine.checkpoint_loading'
    assert CheckpointLoader._schemes['https://'].__module__ == \
        'mmpose_ext.engine.checkpoint_loading'
    assert type(get_file_backend('a/b.pth')) is AtomicLocalBackend
    assert imported_with('0') == [
        'mmengine.runner.checkpoint', 'mmengine.runner.checkpoint',
        'LocalBackend'
    ]


def test_restore_and_patch_again_in_process():
    backend = get_file_backend('work_dirs/x.pth')  # cached by MMEngine
    assert type(backend) is AtomicLocalBackend
    try:
        restore_mmengine()
        assert CheckpointLoader._schemes[''] is load_from_local
        assert type(get_file_backend('work_dirs/x.pth')) is LocalBackend
    finally:
        patch_mmengine()
    assert CheckpointLoader._schemes[''] is not load_from_local
    assert type(get_file_backend('work_dirs/x.pth')) is AtomicLocalBackend
