# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""Importing mmpose_ext registers into MMPose's own registries and installs the
safe checkpoint loaders."""
from mmengine.runner import CheckpointLoader
from mmpose.registry import MODEL_WRAPPERS


def test_parts_register_into_mmposes_registries():
    from mmpose_ext.engine import AnyDeviceDistributedDataParallel

    # MMPose's registry itself, not a child registry of mmpose_ext's own
    assert MODEL_WRAPPERS.scope == 'mmpose'
    assert MODEL_WRAPPERS.module_dict['AnyDeviceDistributedDataParallel'] is \
        AnyDeviceDistributedDataParallel
    assert 'mmpose_ext' not in MODEL_WRAPPERS.children


def test_checkpoint_loader_schemes_are_the_safe_ones():
    import mmpose_ext.engine.checkpoint_loading as loading

    assert CheckpointLoader._get_checkpoint_loader('/some/file.pth') is \
        loading._load_from_local
    assert CheckpointLoader._get_checkpoint_loader(
        'https://example.org/x.pth') is loading._load_from_http
