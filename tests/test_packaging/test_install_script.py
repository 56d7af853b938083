# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""tools/install.sh stops on bad environments with one sentence naming the
fix, before it installs or builds anything (real interpreters of this machine:
an old pyenv Python, the distribution's externally managed python3)."""
import os
import os.path as osp
import subprocess
import sys
import venv

import pytest

from ..conftest import REPO

INSTALL = osp.join(REPO, 'tools/install.sh')
OLD_PYTHON = '/root/.pyenv/versions/3.9.18/bin/python'
SYSTEM_PYTHON = '/usr/bin/python3'


def install(python, **env):
    environment = {
        k: v
        for k, v in os.environ.items() if k != 'MMPOSE_EXT_ALLOW_SYSTEM_PYTHON'
    }
    environment.update(PYTHON=python, **env)
    return subprocess.run(['bash', INSTALL],
                          env=environment,
                          capture_output=True,
                          text=True,
                          timeout=120)


def assert_stopped_before_installing(result, *words):
    assert result.returncode == 1
    message = result.stderr.strip().splitlines()[-1]
    assert message.startswith('[install] error: ')
    for word in words:
        assert word in message, message
    assert 'build tools' not in result.stdout  # nothing was installed


@pytest.mark.skipif(not osp.exists(OLD_PYTHON), reason='no Python 3.9 here')
def test_old_python_is_refused():
    assert_stopped_before_installing(
        install(OLD_PYTHON), '3.9', 'Python >= 3.10', 'venv')


@pytest.mark.skipif(
    not osp.exists(SYSTEM_PYTHON) or not osp.exists(
        '/usr/lib/python3.11/EXTERNALLY-MANAGED'),
    reason='no externally managed system Python here')
def test_system_interpreter_outside_a_venv_is_refused():
    assert_stopped_before_installing(
        install(SYSTEM_PYTHON), "system's interpreter", 'EXTERNALLY-MANAGED',
        'venv', 'MMPOSE_EXT_ALLOW_SYSTEM_PYTHON=1')


def test_missing_compiler_is_named_before_the_mmcv_build(tmp_path):
    # a fresh environment has no mmcv, so mmcv would have to be built
    venv.create(tmp_path / 'env', with_pip=False)
    python = str(tmp_path / 'env/bin/python')
    assert_stopped_before_installing(
        install(python, CXX=str(tmp_path / 'no-such-c++')), 'no C++ compiler',
        'no-such-c++', 'g++')


def test_unknown_torch_version_lists_the_supported_ones():
    assert_stopped_before_installing(
        install(sys.executable, TORCH_VERSION='9.9.0'), 'TORCH_VERSION=9.9.0',
        '2.13.0', '2.15.0')


def test_gpu_without_nvcc_is_named_before_anything_is_installed(tmp_path):
    # torch is made to see a GPU (sitecustomize), CUDA_HOME names no toolkit:
    # mmcv's build would compile CUDA ops and need nvcc
    fake = tmp_path / 'fake_gpu'
    fake.mkdir()
    (fake / 'sitecustomize.py').write_text(
        'import torch\ntorch.cuda.is_available = lambda: True\n')
    result = install(sys.executable,
                     PYTHONPATH=str(fake),
                     CUDA_HOME=str(tmp_path / 'no-cuda'))
    assert_stopped_before_installing(result, 'torch sees a CUDA GPU',
                                     'needs nvcc', 'CUDA_HOME',
                                     'CUDA_VISIBLE_DEVICES=')


def _fake_torch(folder, version):
    """A stand-in ``torch`` package of ``version`` (no GPU), on PYTHONPATH
    ahead of the real one: what install.sh reads of an installed torch."""
    package = folder / 'torch'
    (package / 'utils').mkdir(parents=True)
    (package / '__init__.py').write_text(
        f'__version__ = {version!r}\nfrom . import cuda, utils\n')
    (package / 'cuda.py').write_text('def is_available():\n    return False\n')
    (package / 'utils/__init__.py').write_text('')
    (package / 'utils/cpp_extension.py').write_text('CUDA_HOME = None\n')
    return str(folder)


def test_a_supported_installed_torch_is_kept(tmp_path):
    """A researcher's CUDA build in the supported range is kept (checked with
    --check, which installs nothing)."""
    result = subprocess.run(
        ['bash', INSTALL, '--check'],
        env=dict(os.environ, PYTHON=sys.executable,
                 PYTHONPATH=_fake_torch(tmp_path, '2.9.1+cu126')),
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert 'keeping the installed torch 2.9.1+cu126 (supported: 2.4 to ' \
        '2.15)' in result.stdout
    assert 'nothing installed (--check)' in result.stdout


@pytest.mark.parametrize('version', ['1.13.1+cu117', '2.16.0'])
def test_a_torch_outside_the_range_is_named_with_the_fix(tmp_path, version):
    result = install(sys.executable,
                     PYTHONPATH=_fake_torch(tmp_path, version))
    assert_stopped_before_installing(result, f'torch {version}',
                                     '2.4 to 2.15',
                                     'TORCH_VERSION=2.13.0 bash tools/install.sh')


def test_torch_version_given_installs_the_pinned_pair(tmp_path):
    """TORCH_VERSION asks for the pinned pair even where a supported torch
    is installed (--check shows the plan)."""
    result = subprocess.run(
        ['bash', INSTALL, '--check'],
        env=dict(os.environ, PYTHON=sys.executable, TORCH_VERSION='2.15.0',
                 PYTHONPATH=_fake_torch(tmp_path, '2.9.1+cu126')),
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert 'torch 2.15.0 (requirements: requirements/torch-2.15.0.txt)' in \
        result.stdout
