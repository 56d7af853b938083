# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""Checkpoint loading with ``torch.load(weights_only=True)`` and an allow-list.

MMEngine 0.10.7 calls ``torch.load(filename, map_location=...)`` without
``weights_only``. From torch 2.6 that means ``weights_only=True``, and MMEngine's own
checkpoints then fail to load: besides tensors they hold numpy arrays and scalars
(dataset meta, logged scalars) and :class:`mmengine.logging.HistoryBuffer` objects
(the message hub's state). Turning the safety off would let a checkpoint downloaded
from the internet run arbitrary code when it is loaded.

This module keeps the safety on and widens it by exactly the types that MMEngine
checkpoints contain (:data:`SAFE_CHECKPOINT_GLOBALS`), inside a
:func:`torch.serialization.safe_globals` context, so the allow-list applies to
checkpoint loading only and not to unrelated ``torch.load`` calls. It replaces
MMEngine's loaders for local paths and http(s) URLs
(:class:`mmengine.runner.CheckpointLoader`), which are the loaders behind
``load_from``, ``resume``, :func:`mmpose.apis.init_model` and ``MMPoseInferencer``.

A checkpoint that needs any other type is refused with
:class:`UnsafeCheckpointError`, whose message names the type; a truncated or corrupt
file gives an error that names the file.
"""
import collections
import contextlib
import os.path as osp
import pickle
import re
from typing import Any, Callable, List, Optional, Tuple, Union

import numpy as np
import torch
from mmengine.logging import HistoryBuffer
from mmengine.runner import CheckpointLoader
from mmengine.runner.checkpoint import load_from_http as _mmengine_load_from_http
from mmengine.runner.checkpoint import \
    load_from_local as _mmengine_load_from_local

SafeGlobal = Union[Callable, Tuple[Callable, str]]


class UnsafeCheckpointError(pickle.UnpicklingError):
    """A checkpoint needs a pickled type that is not on the allow-list."""


def _numpy_globals() -> List[SafeGlobal]:
    """Numpy globals that pickled numeric arrays and scalars refer to.

    Arrays pickle as ``multiarray._reconstruct(ndarray, ...)`` with a ``dtype``
    (the raw bytes through ``_codecs.encode``, which torch allows already);
    scalars as ``multiarray.scalar(dtype, bytes)``; the dtype's state is set on
    its class (``numpy.dtypes.UInt8DType``, ..., numpy >= 1.25), so the numeric
    dtype classes are allowed too. The module of ``multiarray``
    moved from ``numpy.core`` (numpy 1) to ``numpy._core`` (numpy 2); both
    spellings are allowed, so files written under either load.
    """
    core = np._core if hasattr(np, '_core') else np.core
    safe: List[SafeGlobal] = [np.ndarray, np.dtype]
    for name in ('_reconstruct', 'scalar'):
        func = getattr(core.multiarray, name)
        for module in ('numpy.core.multiarray', 'numpy._core.multiarray'):
            safe.append((func, f'{module}.{name}'))
    numeric = (np.bool_, np.int8, np.int16, np.int32, np.int64, np.uint8,
               np.uint16, np.uint32, np.uint64, np.float16, np.float32,
               np.float64)
    if hasattr(np, 'dtypes'):
        safe.extend(type(np.dtype(kind)) for kind in numeric)
    return safe


def _history_buffer_statistic(owner: Any, name: str) -> Callable:
    """Stand-in for ``getattr`` while unpickling, limited to what MMEngine
    checkpoints use it for.

    The message hub's state holds :class:`HistoryBuffer`'s statistics methods
    (``HistoryBuffer.min``, ``.max``, ``.current``, ``.mean`` and registered
    ones), which pickle as ``getattr(HistoryBuffer, 'min')``. A general
    ``getattr`` would reach any attribute of any allowed global (for example
    ``numpy.ndarray.tofile``, which writes files), so only those methods are
    resolved and anything else is refused.
    """
    statistics = {'min', 'max', 'current', 'mean'}
    statistics.update(HistoryBuffer._statistics_methods)  # registered ones
    if owner is HistoryBuffer and name in statistics:
        return getattr(HistoryBuffer, name)
    owner_name = getattr(owner, '__qualname__', type(owner).__qualname__)
    module = getattr(owner, '__module__', type(owner).__module__)
    raise pickle.UnpicklingError(
        f'Unsupported global: GLOBAL {module}.{owner_name}.{name} '
        '(reached through getattr)')


#: Every global that an MMEngine checkpoint of this package may contain, beyond
#: what ``torch.load(weights_only=True)`` allows by default (tensors, dicts, lists,
#: tuples, sets, ``OrderedDict``, numbers and strings), checked against the
#: checkpoints that ``tools/train.py`` writes (see
#: tests/test_engine/test_checkpoint_loading.py).
SAFE_CHECKPOINT_GLOBALS: List[SafeGlobal] = [
    HistoryBuffer,  # the message hub's logged scalars
    (_history_buffer_statistic, 'builtins.getattr'),
    collections.Counter,  # milestones of MultiStep parameter schedulers
    *_numpy_globals(),  # dataset meta arrays, logged numpy scalars
]

# how torch's weights-only unpickler names what it refused, in its messages
_UNSUPPORTED_GLOBAL = re.compile(
    r"GLOBAL ([\w.]+)|but got <class '([\w.]+)'>|unrecognized function "
    r"<(?:function|built-in function) ([\w.]+)")
_UNREADABLE_SIGNS = ('zip archive', 'PytorchStreamReader', 'magic number',
                     'unexpected EOF', 'Ran out of input')


@contextlib.contextmanager
def _allow_listed_unpickling(name: str):
    """Apply the allow-list and turn torch's unpickling failures into errors
    that name the refused type or the unreadable file."""
    try:
        with torch.serialization.safe_globals(SAFE_CHECKPOINT_GLOBALS):
            yield
    except pickle.UnpicklingError as err:
        match = _UNSUPPORTED_GLOBAL.search(str(err))
        refused = match and next(group for group in match.groups() if group)
        what = (f'the type `{refused}`'
                if match else 'an object outside the allow-list')
        raise UnsafeCheckpointError(
            f'Refusing to load checkpoint {name}: it needs {what}, which is '
            'not among the types an MMEngine checkpoint contains '
            '(mmpose_ext.engine.checkpoint_loading.SAFE_CHECKPOINT_GLOBALS). '
            'Loading it would run code from the file. If you trust the file '
            'and the type is plain data, add the type to '
            'SAFE_CHECKPOINT_GLOBALS; never load it with weights_only=False. '
            f'(torch: {str(err).splitlines()[0]})') from err
    except (RuntimeError, EOFError) as err:
        text = str(err)
        if isinstance(err, EOFError) or any(
                sign in text for sign in _UNREADABLE_SIGNS):
            first = text.splitlines()[0] if text else type(err).__name__
            raise RuntimeError(
                f'Cannot read checkpoint {name}: the file is truncated or is '
                f'not a torch checkpoint ({first}). Use the last complete '
                'checkpoint of the run.') from err
        raise


def safe_torch_load(source: Any, map_location: Any = None,
                    description: Optional[str] = None) -> Any:
    """``torch.load`` with ``weights_only=True`` and the allow-list.

    Args:
        source (str | file-like): a path or an open binary file.
        map_location: as for :func:`torch.load`.
        description (str, optional): how to name the checkpoint in errors.
            Defaults to ``source`` when it is a path.

    Raises:
        UnsafeCheckpointError: the checkpoint needs a type that is not allowed;
            the message names it.
        RuntimeError: the file is truncated or not a torch checkpoint.
    """
    name = description or (source if isinstance(source, str) else 'checkpoint')
    with _allow_listed_unpickling(name):
        return torch.load(source, map_location=map_location, weights_only=True)


def _load_from_local(filename: str, map_location=None) -> Any:
    """CheckpointLoader scheme for local paths (prefix '')."""
    filename = osp.expanduser(filename)
    if not osp.isfile(filename):
        raise FileNotFoundError(f'Checkpoint file not found: {filename}')
    return safe_torch_load(filename, map_location=map_location)


def _load_from_http(filename: str, map_location=None, model_dir=None) -> Any:
    """CheckpointLoader scheme for http(s) URLs.

    MMEngine's own loader downloads (rank 0 first) and calls ``torch.load``,
    whose default is ``weights_only=True`` from torch 2.6; it runs here under
    the allow-list.
    """
    with _allow_listed_unpickling(filename):
        return _mmengine_load_from_http(
            filename, map_location=map_location, model_dir=model_dir)


def install_safe_checkpoint_loaders() -> None:
    """Make MMEngine's CheckpointLoader load local files and URLs safely.

    Called when :mod:`mmpose_ext` is imported; calling it again is harmless.
    """
    CheckpointLoader.register_scheme(
        prefixes='', loader=_load_from_local, force=True)
    CheckpointLoader.register_scheme(
        prefixes=('http://', 'https://'), loader=_load_from_http, force=True)


def restore_mmengine_checkpoint_loaders() -> None:
    """Give MMEngine's own loaders back to local files and URLs (undoes
    :func:`install_safe_checkpoint_loaders`). With torch >= 2.6 MMEngine
    0.10.7's loaders then fail on MMEngine's own checkpoints (see the module
    docstring)."""
    CheckpointLoader.register_scheme(
        prefixes='', loader=_mmengine_load_from_local, force=True)
    CheckpointLoader.register_scheme(
        prefixes=('http://', 'https://'),
        loader=_mmengine_load_from_http,
        force=True)
