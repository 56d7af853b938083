# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""The documentation: the Sphinx site builds with warnings as errors and its
API reference names every class the package registers into MMPose's
registries; the README stays a newcomer's page; each method README and
metafile carries the paper's identifiers in MMPose's form."""
import os.path as osp
import re
import subprocess
import sys

import pytest
import yaml

from .conftest import REPO


@pytest.fixture(scope='module')
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp('docs_html')
    result = subprocess.run(
        [sys.executable, '-m', 'sphinx', '-W', '--keep-going', '-q', '-b',
         'html', osp.join(REPO, 'docs'), str(out)],
        capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-5000:]
    return out


def _registered_classes():
    from mmengine.registry import Registry
    from mmpose import registry

    import mmpose_ext  # noqa: F401
    found = set()
    for name in dir(registry):
        each = getattr(registry, name)
        if not isinstance(each, Registry):
            continue
        for key, obj in each.module_dict.items():
            if getattr(obj, '__module__', '').startswith('mmpose_ext'):
                found.add(key)
    return found


def test_the_api_reference_names_every_registered_class(site):
    api = (site / 'api.html').read_text()
    documented = set(re.findall(r'id="(mmpose_ext\.[\w.]+)"', api))
    names = {d.rsplit('.', 1)[-1] for d in documented}
    registered = _registered_classes()
    assert len(registered) > 25
    assert registered - names == set()
    # and public functions, e.g. the grouping and the mixture fit
    assert {'fit_gaussian_mixture', 'use_coco_results_boxes',
            'safe_torch_load'} <= names


def test_every_page_is_in_the_site(site):
    for page in ('index', 'get_started', 'user_guides/train_test',
                 'user_guides/inference', 'user_guides/tools',
                 'user_guides/model_zoo', 'methods/cal', 'methods/enhancenet',
                 'methods/fr_sbn', 'methods/openpose', 'advanced/mmengine',
                 'advanced/tests', 'reproduce', 'benchmark'):
        assert (site / f'{page}.html').is_file(), page
    openpose = (site / 'methods/openpose.html').read_text()
    assert 'PartAffinityFieldHead' in openpose and '2110.10734' in openpose


def test_the_readme_is_a_newcomers_page():
    with open(osp.join(REPO, 'README.md')) as f:
        lines = f.read().splitlines()
    assert len(lines) <= 250
    text = '\n'.join(lines)
    assert 'bash tools/install.sh && python tools/run_sample_job.py' in text
    assert 'python -m pytest tests' in text


IDENTIFIERS = {
    'cal': ['10.1016/j.patcog.2022.108579', '2109.09090', '108579'],
    'enhancenet': ['volumearticle/55208', 'ECAI 2020', 'IOS Press'],
    'fr_sbn': ['10.1145/3444685.3446282', '2106.00566', 'year={2021}'],
    'openpose': ['2110.10734', 'year={2021}'],
}


@pytest.mark.parametrize('method', sorted(IDENTIFIERS))
def test_citations_in_mmpose_form(method):
    with open(osp.join(REPO, 'configs', method, 'README.md')) as f:
        readme = f.read()
    assert readme.startswith('<!-- [ALGORITHM] -->\n')
    details = readme[:readme.index('</details>')]
    assert '<details>' in details and '```bibtex' in details
    with open(osp.join(REPO, 'configs', method, 'metafile.yml')) as f:
        paper = yaml.safe_load(f)['Collections'][0]['Paper']
    assert paper['URL'].startswith('https://')
    assert paper['URL'] in details
    # one BibTeX: the README's is the metafile's
    assert paper['BibTeX'].strip() in details
    for identifier in IDENTIFIERS[method]:
        assert identifier in details or identifier in paper['Venue'], \
            identifier
