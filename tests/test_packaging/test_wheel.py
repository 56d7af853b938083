# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""The wheel `pip install .` builds: the package and its mim files, no test
packages; the sample configs and the demo's default person boxes find the
bundled data inside it; every module the tools and the demo import is the
standard library's or declared by the wheel (a requirement or an extra)."""
import ast
import importlib.metadata as metadata
import os
import os.path as osp
import re
import shutil
import subprocess
import sys
import zipfile

import pytest
from mmengine.config import Config

from ..conftest import REPO


@pytest.fixture(scope='module')
def wheel(tmp_path_factory):
    """The wheel built from a copy of the tracked files (building in the
    working tree would replace the editable install's .mim symlinks)."""
    root = tmp_path_factory.mktemp('wheel')
    source = root / 'source'
    tracked = subprocess.run(['git', 'ls-files', '-z', '--cached', '--others',
                              '--exclude-standard'], cwd=REPO, check=True,
                             capture_output=True).stdout.decode().split('\0')
    for name in filter(None, tracked):
        if osp.isfile(osp.join(REPO, name)):
            os.makedirs(source / osp.dirname(name), exist_ok=True)
            shutil.copy2(osp.join(REPO, name), source / name)
    result = subprocess.run(
        [sys.executable, '-m', 'pip', 'wheel', '--no-deps',
         '--no-build-isolation', '-q', '-w', str(root / 'dist'), str(source)],
        capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    [built] = (root / 'dist').glob('mmpose_ext-*.whl')
    unpacked = root / 'site-packages'
    with zipfile.ZipFile(built) as archive:
        archive.extractall(unpacked)
    return unpacked


def test_the_wheel_holds_no_test_packages(wheel):
    top = sorted(p for p in os.listdir(wheel) if not p.endswith('.dist-info'))
    assert top == ['mmpose_ext']
    python_under_tests = [
        osp.relpath(osp.join(d, f), wheel)
        for d, _, files in os.walk(wheel / 'mmpose_ext/.mim/tests')
        for f in files if f.endswith('.py')]
    assert python_under_tests == []
    assert osp.isfile(wheel / 'mmpose_ext/.mim/tools/train.py')


def _sample_configs(mim):
    return sorted(
        osp.join(d, f) for d, _, files in os.walk(mim / 'configs')
        for f in files if f.endswith('.py') and 'sample' in f
        and '_base_' not in d)


def test_sample_configs_find_their_data_in_the_wheel(wheel):
    mim = wheel / 'mmpose_ext/.mim'
    configs = _sample_configs(mim)
    from pathlib import Path
    in_repo = [osp.relpath(p, REPO) for p in _sample_configs(Path(REPO))]
    assert [osp.relpath(p, mim) for p in configs] == in_repo
    assert len(configs) >= 8
    for path in configs:
        cfg = Config.fromfile(path)
        for split in ('train_dataloader', 'val_dataloader'):
            dataset = cfg[split].dataset
            ann_file = osp.join(dataset.data_root, dataset.ann_file)
            images = osp.join(dataset.data_root, dataset.data_prefix['img'])
            assert osp.isfile(ann_file), (path, ann_file)
            assert os.listdir(images), (path, images)
            assert osp.realpath(ann_file).startswith(
                osp.realpath(mim)), (path, ann_file)


def test_the_demo_default_boxes_are_in_the_wheel(wheel):
    demo = (wheel / 'mmpose_ext/.mim/demo/inferencer_demo.py').read_text()
    relative = re.search(r"BUNDLED_BOXES = osp.join\(REPO, '([^']+)'\)",
                         demo).group(1)
    assert osp.isfile(wheel / 'mmpose_ext/.mim' / relative)


def _imported_top_modules(path):
    tree = ast.parse(open(path).read(), path)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name.split('.')[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            yield node.module.split('.')[0]


def test_every_import_of_the_tools_is_declared(wheel):
    """Each top-level module the tools and the demo import comes from the
    standard library, mmpose_ext, or a distribution the wheel declares
    (plain requirement or any extra)."""
    info = next(wheel.glob('mmpose_ext-*.dist-info'))
    declared = {
        re.split(r'[<>=!~; \[]', line.split(':', 1)[1].strip())[0].lower()
        .replace('_', '-')
        for line in (info / 'METADATA').read_text().splitlines()
        if line.startswith('Requires-Dist:')}
    providers = metadata.packages_distributions()
    mim = wheel / 'mmpose_ext/.mim'
    scripts = [osp.join(d, f) for folder in ('tools', 'demo')
               for d, _, files in os.walk(mim / folder)
               for f in files if f.endswith('.py')]
    undeclared = {}
    for script in scripts:
        for module in set(_imported_top_modules(script)):
            if module in sys.stdlib_module_names or module == 'mmpose_ext':
                continue
            names = {n.lower().replace('_', '-')
                     for n in providers.get(module, [module])}
            if not names & declared:
                undeclared.setdefault(module, []).append(
                    osp.relpath(script, mim))
    assert undeclared == {}
