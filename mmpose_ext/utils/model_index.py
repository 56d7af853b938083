# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""Reading a model zoo index in MMPose's (OpenMMLab's) metafile format."""
import os.path as osp

import yaml


def load_model_index(path):
    """Read a ``model-index.yml`` and every metafile it imports.

    Returns:
        tuple[list[dict], list[dict]]: the Collections and the Models of all
        imported metafiles, in import order.
    """
    with open(path) as f:
        index = yaml.safe_load(f)
    collections, models = [], []
    for metafile in index['Import']:
        full = osp.join(osp.dirname(path), metafile)
        if not osp.isfile(full):
            raise FileNotFoundError(
                f'{path} imports {metafile}, which does not exist')
        collections_, models_ = load_metafile(full)
        collections += collections_
        models += models_
    return collections, models


def load_metafile(path):
    """(Collections, Models) of one metafile."""
    with open(path) as f:
        content = yaml.safe_load(f) or {}
    return content.get('Collections', []), content.get('Models', [])
