# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""Shared fixtures: paths to the repo's tools and configs, and one short real
training run on the bundled COCO sample whose checkpoints several tests load."""
import contextlib
import io
import os
import os.path as osp
import runpy
import socket
import subprocess
import sys
import traceback

import pytest
from hypothesis import HealthCheck, settings
from mmpose.utils import register_all_modules

import mmpose_ext  # noqa: F401  (registers the package, as configs do)

# build from MMPose's registries in the 'mmpose' scope, as its configs do
register_all_modules(init_default_scope=True)

# hypothesis profiles of the codec fuzz tests: 'ci' (the default, bounded) and
# 'full' (python -m pytest -m fuzz tests/test_codecs --hypothesis-profile=full)
settings.register_profile(
    'ci', max_examples=300, deadline=None,
    suppress_health_check=[HealthCheck.too_slow])
settings.register_profile(
    'full', max_examples=10000, deadline=None,
    suppress_health_check=[HealthCheck.too_slow])
settings.load_profile('ci')

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
SAMPLE_CONFIG = osp.join(
    REPO, 'configs/baselines/coco/td-hm_res18_1xb16-300e_coco-sample-128x96.py')
CAL_TINY_CONFIG = osp.join(
    REPO, 'configs/cal/coco/td-cal_hrnet-tiny_1xb16-300e_coco-sample-128x96.py')
COCO_MINI = osp.join(REPO, 'tests/data/coco_mini')


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free now, for torchrun rendezvous."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def run_tool(args, cwd=REPO, env=None, timeout=600):
    """Run a repo tool in a subprocess as a user would; returns the result."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run([sys.executable, *args] if args[0].endswith('.py')
                          else args,
                          cwd=cwd,
                          env=full_env,
                          capture_output=True,
                          text=True,
                          timeout=timeout)


def run_script(args, cwd=REPO):
    """Run a repo script in this process as ``python SCRIPT ARGS`` would
    (``runpy`` with ``sys.argv``), for checks where a new interpreter adds
    only its ~5 s of imports: bad input that a tool must refuse with a
    sentence. Returns a CompletedProcess: returncode (a ``sys.exit`` message
    gives 1, as Python does; an uncaught exception 1 with its traceback),
    and what the script printed to stdout and stderr."""
    args = [str(a) for a in args]
    out, err = io.StringIO(), io.StringIO()
    saved_argv, saved_path, saved_cwd = sys.argv, sys.path[:], os.getcwd()
    sys.argv = args
    sys.path.insert(0, osp.dirname(osp.abspath(args[0])))
    os.chdir(cwd)
    code = 0
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                runpy.run_path(args[0], run_name='__main__')
            except SystemExit as stop:
                if isinstance(stop.code, int) or stop.code is None:
                    code = stop.code or 0
                else:
                    print(stop.code, file=sys.stderr)
                    code = 1
            except Exception:  # noqa: BLE001  (as an interpreter would)
                traceback.print_exc()
                code = 1
    finally:
        sys.argv, sys.path[:] = saved_argv, saved_path
        os.chdir(saved_cwd)
    return subprocess.CompletedProcess(args, code, out.getvalue(),
                                       err.getvalue())


def train_args(work_dir, max_epochs, *extra):
    """tools/train.py on the sample config: a checkpoint every epoch, no
    validation during training (the tests that need AP run tools/test.py)."""
    return [
        osp.join(REPO, 'tools/train.py'), SAMPLE_CONFIG, '--work-dir',
        str(work_dir), '--no-validate', *extra, '--cfg-options',
        f'train_cfg.max_epochs={max_epochs}',
        'default_hooks.checkpoint.interval=1',
        'default_hooks.checkpoint.max_keep_ckpts=5', 'randomness.seed=0'
    ]


@pytest.fixture(scope='session')
def trained_run(tmp_path_factory):
    """Work dir of a 2-epoch training run of the sample config (CPU)."""
    work_dir = tmp_path_factory.mktemp('trained_run')
    result = run_tool(train_args(work_dir, 2))
    assert result.returncode == 0, result.stderr[-4000:]
    assert osp.isfile(work_dir / 'epoch_2.pth'), os.listdir(work_dir)
    return work_dir


OPENPOSE_RIE_CONFIG = osp.join(
    REPO, 'configs/openpose/coco/'
    'openpose-rie_vgg-tiny_1xb4-500e_coco-sample-256x256.py')
OPENPOSE_ALL_LOSSES_CONFIG = osp.join(
    REPO, 'configs/openpose/coco/'
    'openpose-rie-kl-salm-pdd_vgg-tiny_1xb4-500e_coco-sample-256x256.py')
# the config of the suite's one trained bottom-up run
OPENPOSE_TINY_CONFIG = OPENPOSE_ALL_LOSSES_CONFIG


@pytest.fixture(scope='session')
def openpose_tiny_run(tmp_path_factory):
    """Work dir of the one trained bottom-up run of the suite: the tiny
    OpenPose config with RIE offsets, KL self-supervision, SALM and PDD on the
    bundled sample, on a shorter schedule than the config's 500 one-step
    epochs: 400, the learning rate divided by 10 at 320 and 376 (COCO AP 0.806
    on its training images here; 500 steps 0.85; about 2.7 min on 2 CPU
    cores), evaluated at the end; holds epoch_400.pth. Its learning is checked
    in test_openpose_configs.py; the demos, the inferencer, the publishing
    tool and the COCO-AP exactness check run on its checkpoint."""
    work_dir = tmp_path_factory.mktemp('openpose_tiny_run')
    result = run_tool([
        osp.join(REPO, 'tools/train.py'), OPENPOSE_TINY_CONFIG, '--work-dir',
        str(work_dir), '--cfg-options', 'train_cfg.max_epochs=400',
        'train_cfg.val_interval=400', 'param_scheduler.1.end=400',
        'param_scheduler.1.milestones=[320,376]'
    ], timeout=1800)
    assert result.returncode == 0, result.stderr[-4000:]
    assert osp.isfile(work_dir / 'epoch_400.pth'), os.listdir(work_dir)
    return work_dir
