# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""Bad configs stop with one sentence naming the key, path or type and the fix."""
import os.path as osp
import shutil

import pytest
from mmengine.config import Config

from mmpose_ext.utils import (CUSTOM_IMPORTS_FIX, ConfigError, check_config,
                              check_types, load_config)

from ..conftest import COCO_MINI, REPO, SAMPLE_CONFIG, run_tool


@pytest.fixture
def cfg():
    return Config.fromfile(SAMPLE_CONFIG)


def test_sample_config_passes(cfg):
    from mmpose_ext.utils.config_check import _dataset_nodes
    assert check_config(cfg) is None
    # every split's dataset was looked at
    assert {key.split('.')[0] for key, _ in _dataset_nodes(cfg)} == {
        'train_dataloader', 'val_dataloader', 'test_dataloader'}


def test_missing_data_root(cfg, tmp_path):
    cfg.train_dataloader.dataset.data_root = str(tmp_path / 'no_coco')
    with pytest.raises(ConfigError) as err:
        check_config(cfg)
    message = str(err.value)
    assert 'Data root folder not found' in message
    assert str(tmp_path / 'no_coco') in message
    assert 'train_dataloader.dataset.data_root' in message


def test_missing_annotation_file(cfg):
    cfg.val_dataloader.dataset.ann_file = 'missing_keypoints.json'
    with pytest.raises(ConfigError) as err:
        check_config(cfg)
    assert 'val_dataloader.dataset.ann_file' in str(err.value)
    assert osp.join(osp.abspath(COCO_MINI), 'missing_keypoints.json') in \
        osp.normpath(str(err.value).split('not found: ')[1].split(',')[0])


def test_missing_image_folder(cfg):
    cfg.train_dataloader.dataset.data_prefix = dict(img='train2017/')
    with pytest.raises(ConfigError, match=r'Image folder not found: .*train2017'):
        check_config(cfg)


def test_missing_evaluator_annotation(cfg, tmp_path):
    cfg.test_evaluator.ann_file = str(tmp_path / 'gt.json')
    with pytest.raises(ConfigError, match=r'test_evaluator\.ann_file'):
        check_config(cfg)


def test_unknown_type_is_named_with_suggestion(cfg):
    cfg.model.head.type = 'HeatmapHaed'
    with pytest.raises(ConfigError) as err:
        check_config(cfg)
    message = str(err.value)
    assert "'HeatmapHaed'" in message and '`model.head.type`' in message
    assert "Did you mean 'HeatmapHead'" in message


def test_package_type_without_custom_imports():
    cfg = Config(dict(
        custom_hooks=[dict(type='SyncBuffersHook')],  # MMEngine's own
        model_wrapper_cfg=dict(type='AnyDeviceDistributedDataParallel')))
    with pytest.raises(ConfigError) as err:
        check_types(cfg)
    assert "'AnyDeviceDistributedDataParallel' (at `model_wrapper_cfg.type`)" \
        in str(err.value)
    assert CUSTOM_IMPORTS_FIX in str(err.value)


def test_sample_config_without_custom_imports_names_its_first_package_type(
        cfg):
    cfg.pop('custom_imports')
    with pytest.raises(ConfigError, match=r"'FiniteLossHook' \(at "
                       r"`custom_hooks\[1\]\.type`\)"):
        check_config(cfg)


def test_package_type_with_custom_imports_passes(cfg):
    from mmpose_ext.engine import AnyDeviceDistributedDataParallel
    from mmpose_ext.utils.config_check import _lookup
    cfg.model_wrapper_cfg = dict(type='AnyDeviceDistributedDataParallel')
    assert check_config(cfg) is None
    assert _lookup('AnyDeviceDistributedDataParallel') is \
        AnyDeviceDistributedDataParallel


def test_missing_config_file(tmp_path):
    with pytest.raises(ConfigError, match='Config file not found'):
        load_config(str(tmp_path / 'nope.py'))


def test_train_tool_prints_one_sentence_without_traceback(tmp_path):
    result = run_tool([
        osp.join(REPO, 'tools/train.py'), SAMPLE_CONFIG, '--work-dir',
        str(tmp_path), '--cfg-options',
        f'train_dataloader.dataset.data_root={tmp_path}/absent/'
    ])
    assert result.returncode == 2
    assert 'Traceback' not in result.stderr
    errors = [line for line in result.stderr.splitlines()
              if line.startswith('train.py: error')]
    assert len(errors) == 1
    assert errors[0].startswith('train.py: error: Data root folder not '
                                f'found: {tmp_path}/absent')


def test_missing_image_is_named_on_top_of_the_traceback(trained_run, tmp_path):
    data = tmp_path / 'coco_mini'
    shutil.copytree(COCO_MINI, data)
    (data / 'images' / '000000196141.jpg').unlink()
    result = run_tool([
        osp.join(REPO, 'tools/test.py'), SAMPLE_CONFIG,
        str(trained_run / 'epoch_2.pth'), '--work-dir',
        str(tmp_path), '--cfg-options', f'test_dataloader.dataset.data_root={data}/',
        f'test_evaluator.ann_file={data}/person_keypoints.json'
    ])
    assert result.returncode != 0
    first_error = next(line for line in result.stderr.splitlines()
                       if line.startswith('test.py: error'))
    assert 'FileNotFoundError' in first_error
    assert '000000196141.jpg' in first_error
    assert result.stderr.index('test.py: error') < result.stderr.index(
        'Traceback')
