# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""Checks a config before a runner is built, so that a wrong path or type gives
one sentence that names the key, the path or the type and the fix, instead of a
stack trace from deep inside a dataloader worker or a registry.

Checked:

- every ``type`` string is registered in some MMPose / MMEngine registry
  (with close matches suggested when it is not);
- a type that lives in ``mmpose_ext`` is only used when the config imports the
  package through ``custom_imports``;
- every dataset's ``data_root``, ``ann_file``, ``bbox_file`` and image folder,
  and every evaluator's ``ann_file``, exist.
"""
import difflib
import os.path as osp
from typing import Any, Dict, Iterator, List, Optional, Tuple

from mmengine.config import Config

CUSTOM_IMPORTS_FIX = ("custom_imports = dict(imports=['mmpose_ext'], "
                      'allow_failed_imports=False)')


class ConfigError(ValueError):
    """A config that cannot run; the message names the key and the fix."""


def _walk_types(node: Any, key: str = '') -> Iterator[Tuple[str, str]]:
    """Yield ``(config key, type name)`` for every string ``type`` in a config."""
    if isinstance(node, dict):
        type_name = node.get('type')
        if isinstance(type_name, str):
            yield (f'{key}.type' if key else 'type'), type_name
        for child_key, child in node.items():
            yield from _walk_types(child, f'{key}.{child_key}' if key else
                                   str(child_key))
    elif isinstance(node, (list, tuple)):
        for index, child in enumerate(node):
            yield from _walk_types(child, f'{key}[{index}]')


def _registries() -> list:
    """Every registry a config of MMPose can name a type in."""
    import mmengine.registry as mmengine_registry
    import mmpose.registry as mmpose_registry
    from mmengine.registry import Registry

    found = []
    for module in (mmpose_registry, mmengine_registry):
        for value in vars(module).values():
            if isinstance(value, Registry) and value not in found:
                found.append(value)
    return found


def _lookup(type_name: str) -> Optional[type]:
    """The class or function registered under ``type_name``, or None."""
    from mmengine.registry import DefaultScope

    with DefaultScope.overwrite_default_scope('mmpose'):
        for registry in _registries():
            try:
                found = registry.get(type_name)
            except (KeyError, ImportError, AttributeError):
                found = None
            if found is not None:
                return found
    return None


def _all_registered_names() -> List[str]:
    names = set()
    for registry in _registries():
        names.update(registry.module_dict)
        for child in registry.children.values():
            names.update(child.module_dict)
    return sorted(names)


def _imports(cfg: Config) -> List[str]:
    custom = cfg.get('custom_imports') or {}
    imports = custom.get('imports', []) if isinstance(custom, dict) else []
    return [imports] if isinstance(imports, str) else list(imports)


def check_types(cfg: Config) -> None:
    """Every ``type`` resolves, and ``mmpose_ext`` types come with the import.

    Raises:
        ConfigError: naming the config key and the type.
    """
    import mmpose_ext  # noqa: F401  (registers the package's types)

    imported = _imports(cfg)
    has_ext_import = any(
        name == 'mmpose_ext' or name.startswith('mmpose_ext.')
        for name in imported)
    for key, type_name in _walk_types(cfg.to_dict()):
        found = _lookup(type_name)
        if found is None:
            close = difflib.get_close_matches(
                type_name.split('.')[-1], _all_registered_names(), n=3)
            hint = f' Did you mean {", ".join(map(repr, close))}?' \
                if close else ''
            raise ConfigError(
                f'Unknown type {type_name!r} at config key `{key}`: it is not '
                'registered in MMPose, MMEngine or mmpose_ext.' + hint)
        module = getattr(found, '__module__', '') or ''
        if module.startswith('mmpose_ext') and not has_ext_import:
            raise ConfigError(
                f'The config uses {type_name!r} (at `{key}`) from mmpose_ext '
                'but does not import the package, so MMPose will not find it. '
                f'Add this line to the config: {CUSTOM_IMPORTS_FIX}')


def _dataset_nodes(cfg: Config) -> Iterator[Tuple[str, Dict]]:
    """Yield ``(config key, dataset dict)`` for the datasets of every split,
    looking through dataset wrappers (``dataset=``, ``datasets=[...]``)."""

    def visit(node, key):
        if not isinstance(node, dict):
            return
        if 'ann_file' in node or 'data_root' in node:
            yield key, node
        if isinstance(node.get('dataset'), dict):
            yield from visit(node['dataset'], f'{key}.dataset')
        for index, child in enumerate(node.get('datasets') or []):
            yield from visit(child, f'{key}.datasets[{index}]')

    for split in ('train', 'val', 'test'):
        loader = cfg.get(f'{split}_dataloader')
        if isinstance(loader, dict) and isinstance(loader.get('dataset'), dict):
            yield from visit(loader['dataset'], f'{split}_dataloader.dataset')


def _evaluator_nodes(cfg: Config) -> Iterator[Tuple[str, Dict]]:
    for split in ('val', 'test'):
        evaluator = cfg.get(f'{split}_evaluator')
        metrics = evaluator if isinstance(evaluator, (list, tuple)) else [
            evaluator
        ]
        for index, metric in enumerate(metrics):
            if isinstance(metric, dict) and metric.get('ann_file'):
                key = f'{split}_evaluator' + (
                    f'[{index}]' if isinstance(evaluator, (list, tuple)) else '')
                yield key, metric


def _missing(path: str, what: str, key: str, data_root: str) -> ConfigError:
    root_note = f" (data_root='{data_root}')" if data_root else ''
    return ConfigError(
        f'{what} not found: {osp.abspath(path)}, from config key `{key}`'
        f'{root_note}. Put the data there (full COCO goes in data/coco/ as in '
        "MMPose's docs) or point the config at it, e.g. --cfg-options "
        f'{key}=<path>.')


def check_data_paths(cfg: Config, splits=('train', 'val', 'test')) -> None:
    """Data roots, annotation files and image folders of the splits exist.

    Raises:
        ConfigError: naming the config key and the missing path.
    """
    for key, dataset in _dataset_nodes(cfg):
        if not key.startswith(tuple(f'{s}_' for s in splits)):
            continue
        data_root = dataset.get('data_root') or ''
        if data_root and not osp.isdir(data_root):
            raise _missing(data_root, 'Data root folder', f'{key}.data_root',
                           '')
        for file_key in ('ann_file', 'bbox_file'):
            name = dataset.get(file_key)
            if not name:
                continue
            # MMPose joins ann_file to data_root but reads bbox_file as given
            path = name if osp.isabs(name) or file_key == 'bbox_file' \
                else osp.join(data_root, name)
            if not osp.isfile(path):
                raise _missing(path, 'Annotation file' if file_key ==
                               'ann_file' else 'Detection box file',
                               f'{key}.{file_key}', data_root)
        prefix = dataset.get('data_prefix') or {}
        image_dir = prefix.get('img') if isinstance(prefix, dict) else None
        if image_dir:
            path = image_dir if osp.isabs(image_dir) else osp.join(
                data_root, image_dir)
            if not osp.isdir(path):
                raise _missing(path, 'Image folder',
                               f'{key}.data_prefix.img', data_root)
    for key, metric in _evaluator_nodes(cfg):
        if not key.startswith(tuple(splits)):
            continue
        if not osp.isfile(metric['ann_file']):
            raise _missing(metric['ann_file'], 'Evaluation annotation file',
                           f'{key}.ann_file', '')


def load_config(path: str) -> Config:
    """``Config.fromfile`` with errors that name the file or the import.

    Raises:
        ConfigError: the file does not exist, or an import it asks for in
            ``custom_imports`` fails.
    """
    if not osp.isfile(path):
        raise ConfigError(f'Config file not found: {osp.abspath(path)}')
    try:
        return Config.fromfile(path)
    except ImportError as err:
        raise ConfigError(
            f'Config {path}: an import in its custom_imports failed ({err}). '
            'Install mmpose_ext and the stack with `bash tools/install.sh`.'
        ) from err


def check_config(cfg: Config, splits=('train', 'val', 'test')) -> None:
    """Run every check; see the module docstring."""
    check_types(cfg)
    check_data_paths(cfg, splits)
