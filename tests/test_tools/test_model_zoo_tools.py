# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""model-index.yml, tools/misc/model_zoo.py, tools/misc/publish_model.py and
tools/misc/build_sample_zoo.py."""
import glob
import hashlib
import json
import os.path as osp

import torch
import yaml

from mmpose_ext.engine.checkpoint_loading import safe_torch_load

from ..conftest import REPO, run_script, run_tool


def test_model_index_imports_every_metafile():
    with open(osp.join(REPO, 'model-index.yml')) as f:
        index = yaml.safe_load(f)
    on_disk = {osp.relpath(p, REPO)
               for p in glob.glob(osp.join(REPO, 'configs/*/metafile.yml'))}
    assert set(index['Import']) == on_disk


def test_model_zoo_lists_every_model():
    result = run_script([osp.join(REPO, 'tools/misc/model_zoo.py')])
    assert result.returncode == 0, result.stderr
    names = []
    for metafile in glob.glob(osp.join(REPO, 'configs/*/metafile.yml')):
        with open(metafile) as f:
            names += [m['Name'] for m in yaml.safe_load(f)['Models']]
    for name in names:
        assert name in result.stdout
    assert 'sample' not in result.stdout  # pipeline checkpoints: apart
    assert f'{len(names)} models in 4 collections' in result.stdout
    # every paper: title, authors, venue; and every result its table
    assert 'Low-resolution Human Pose Estimation, Chen Wang' in result.stdout
    assert result.stdout.count('reported, Table') == sum(
        line.count('  COCO') + line.count('  MPII')
        for line in result.stdout.splitlines())
    samples = run_script([osp.join(REPO, 'tools/misc/model_zoo.py'),
                          '--samples'])
    assert samples.returncode == 0, samples.stderr
    with open(osp.join(REPO, 'sample-index.yml')) as f:
        sample_names = [m['Name'] for m in yaml.safe_load(f)['Models']]
    assert all('sample' in name and name in samples.stdout
               for name in sample_names)
    assert f'{len(sample_names)} pipeline checkpoints' in samples.stdout
    assert not set(sample_names) & set(names)
    result = run_script([
        osp.join(REPO, 'tools/misc/model_zoo.py'), '--collection', 'nope'
    ])
    assert result.returncode != 0 and 'no collection' in result.stderr


def test_every_collection_cites_its_paper():
    """Title, authors, venue and a BibTeX entry with that title in every
    metafile, and the same BibTeX in the method's README."""
    from modelindex.load_model_index import load
    for collection in load(osp.join(REPO, 'model-index.yml')).collections:
        paper = collection.paper
        assert {'Title', 'Authors', 'Venue', 'BibTeX'} <= set(paper), \
            collection.name
        assert paper['Title'] in ' '.join(paper['BibTeX'].split())
        with open(osp.join(REPO, collection.readme)) as f:
            readme = f.read()
        assert paper['BibTeX'].strip() in readme, collection.readme
        assert paper['Venue'] in readme, collection.readme


def test_publish_model_keeps_weights_and_names_the_file_by_hash(
        openpose_tiny_run, tmp_path):
    source = str(openpose_tiny_run / 'epoch_400.pth')
    result = run_script([
        osp.join(REPO, 'tools/misc/publish_model.py'), source,
        str(tmp_path / 'openpose_tiny.pth')
    ])
    assert result.returncode == 0, result.stderr
    (published, ) = glob.glob(str(tmp_path / 'openpose_tiny-*.pth'))
    with open(published, 'rb') as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    assert published.endswith(f'-{digest[:8]}.pth')
    original = safe_torch_load(source)
    kept = safe_torch_load(published)
    assert 'optimizer' in original and 'optimizer' not in kept
    assert kept['meta'].keys() == original['meta'].keys()
    assert kept['meta']['dataset_meta']['dataset_name'] == \
        original['meta']['dataset_meta']['dataset_name']
    assert kept['state_dict'].keys() == original['state_dict'].keys()
    for key, value in original['state_dict'].items():
        assert torch.equal(kept['state_dict'][key], value), key
    missing = run_script([
        osp.join(REPO, 'tools/misc/publish_model.py'),
        str(tmp_path / 'none.pth'),
        str(tmp_path / 'out.pth')
    ])
    assert missing.returncode != 0
    assert 'no checkpoint at' in missing.stderr


def test_build_sample_zoo_publishes_pipeline_checkpoints(tmp_path):
    work_dir = tmp_path / 'sample_zoo'
    result = run_tool([
        osp.join(REPO, 'tools/misc/build_sample_zoo.py'), '--configs',
        'configs/cal/**/*sample*.py', '--work-dir', str(work_dir),
        '--cfg-options', 'train_cfg.max_epochs=2', 'train_cfg.val_interval=2'
    ])
    assert result.returncode == 0, result.stderr[-3000:]
    with open(work_dir / 'index.json') as f:
        (entry, ) = json.load(f)
    assert entry['config'] == ('configs/cal/coco/'
                               'td-cal_hrnet-tiny_1xb16-300e_coco-sample-128x96.py')
    assert 'pipeline checkpoint' in entry['kind']
    assert 0.0 <= entry['metrics_on_its_training_images']['coco/AP'] <= 1.0
    path = entry['checkpoint']
    if not osp.isabs(path):
        path = osp.join(REPO, path)
    with open(path, 'rb') as f:
        assert hashlib.sha256(f.read()).hexdigest() == entry['sha256']
    assert osp.basename(path).endswith(f'-{entry["sha256"][:8]}.pth')
    published = safe_torch_load(path, map_location='cpu')
    assert 'optimizer' not in published and published['state_dict']
