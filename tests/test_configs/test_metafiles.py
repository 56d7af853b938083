# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""Every method folder's metafile lists exactly its paper configs (the tiny
sample configs are in sample-index.yml), which load and name only registered
types; every paper number names its table."""
import glob
import os.path as osp

import pytest
import yaml

from mmpose_ext.utils import check_types, load_config

from ..conftest import REPO

METAFILES = sorted(glob.glob(osp.join(REPO, 'configs/*/metafile.yml')))


def test_each_method_has_a_metafile():
    methods = {osp.basename(osp.dirname(p)) for p in METAFILES}
    assert {'cal', 'enhancenet', 'fr_sbn', 'openpose'} <= methods


@pytest.mark.parametrize('metafile', METAFILES,
                         ids=lambda p: osp.basename(osp.dirname(p)))
def test_metafile_matches_the_configs(metafile):
    folder = osp.dirname(metafile)
    with open(metafile) as f:
        content = yaml.safe_load(f)
    collection = content['Collections'][0]['Name']
    listed = {m['Config'] for m in content['Models']}
    on_disk = {osp.relpath(p, REPO)
               for p in glob.glob(osp.join(folder, '*', '*.py'))}
    with open(osp.join(REPO, 'sample-index.yml')) as f:
        samples = {m['Config'] for m in yaml.safe_load(f)['Models']}
    assert listed == on_disk - samples
    assert on_disk & samples == {p for p in on_disk if 'sample' in p}
    for entry in content['Models']:
        assert entry['Name'] == osp.splitext(osp.basename(entry['Config']))[0]
        assert entry['In Collection'] == collection
        if entry['Results']:  # a paper number names its table
            assert entry['Metadata']['Reported In'].startswith('Table')
        for result in entry['Results'] or []:
            assert result['Metrics']
            assert all(0 < v <= 1 for v in result['Metrics'].values())
        check_types(load_config(osp.join(REPO, entry['Config'])))
