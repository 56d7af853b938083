# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""The installed package as OpenMMLab's mim and pip see it: mim finds every
model of the model index, OpenMMLab packages are an extra, not requirements."""
import importlib.metadata as metadata
import os.path as osp
import re
import subprocess
import sys

from modelindex.load_model_index import load

from ..conftest import REPO


def test_mim_search_lists_every_model_of_the_index():
    result = subprocess.run([sys.executable, '-m', 'mim', 'search', 'mmpose_ext'],
                            cwd='/',
                            capture_output=True,
                            text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    listed = re.findall(r'^config id: (\S+)$', result.stdout, re.M)
    models = load(osp.join(REPO, 'model-index.yml')).models
    assert len(models) > 40
    assert sorted(listed) == sorted(m.name for m in models)


def test_mim_extension_points_at_this_tree():
    import mmpose_ext
    mim_dir = osp.join(osp.dirname(mmpose_ext.__file__), '.mim')
    for name in ('configs', 'tools', 'demo', 'model-index.yml',
                 'sample-index.yml'):
        assert osp.samefile(
            osp.join(mim_dir, name), osp.join(REPO, name)) or osp.isdir(
                osp.join(mim_dir, name, '')), name
    assert osp.isfile(osp.join(mim_dir, 'tools', 'train.py'))


def test_openmmlab_packages_are_the_mim_extra():
    requirements = metadata.requires('mmpose_ext')
    plain = [r for r in requirements if 'extra ==' not in r]
    mim = [r for r in requirements if 'extra == "mim"' in r]
    names = {re.split(r'[<>=!; \[]', r)[0].lower() for r in plain}
    assert {'torch', 'numpy', 'pycocotools'} <= names
    assert not names & {'mmcv', 'mmpose', 'mmengine', 'mmdet'}
    assert {re.split(r'[<>=!; ]', r)[0] for r in mim} == {
        'mmengine', 'mmcv', 'mmpose'
    }
    assert metadata.metadata('mmpose_ext')['Requires-Python'] == '>=3.10'
