# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""Atomic writes for MMEngine's local file backend.

MMEngine writes checkpoints with ``get_file_backend(path).put(bytes, path)``,
which for local paths opens the destination and writes into it: a job killed
mid-write leaves a truncated ``epoch_N.pth`` under the final name. This backend
writes to a temporary file in the same folder, flushes it to disk and renames
it over the destination (``os.replace``, atomic on POSIX and Windows), so a
file under its final name is always complete and ``--resume`` never picks a
half-written checkpoint. Importing :mod:`mmpose_ext` registers it as MMEngine's
``'local'`` backend.
"""
import os
import os.path as osp
import tempfile
from pathlib import Path
from typing import Union

from mmengine.fileio import io as mmengine_io
from mmengine.fileio import register_backend
from mmengine.fileio.backends import LocalBackend


def write_atomically(data: bytes, filepath: Union[str, Path]) -> None:
    """Write ``data`` to ``filepath`` so that the file is either the old one or
    the complete new one, never a part."""
    filepath = str(filepath)
    folder = osp.dirname(osp.abspath(filepath))
    os.makedirs(folder, exist_ok=True)
    handle, temporary = tempfile.mkstemp(
        dir=folder, prefix=f'.{osp.basename(filepath)}.', suffix='.part')
    try:
        with os.fdopen(handle, 'wb') as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, filepath)
    except BaseException:
        if osp.exists(temporary):
            os.remove(temporary)
        raise


class AtomicLocalBackend(LocalBackend):
    """MMEngine's :class:`~mmengine.fileio.LocalBackend` with atomic
    ``put`` and ``put_text``."""

    def put(self, obj: bytes, filepath: Union[str, Path]) -> None:
        write_atomically(obj, filepath)

    def put_text(self,
                 obj: str,
                 filepath: Union[str, Path],
                 encoding: str = 'utf-8') -> None:
        write_atomically(obj.encode(encoding), filepath)


def _use_local_backend(backend: type) -> None:
    register_backend('local', backend, force=True, prefixes='')
    # get_file_backend caches instances; drop the local ones made before
    for key, instance in list(mmengine_io.backend_instances.items()):
        if isinstance(instance, LocalBackend):
            del mmengine_io.backend_instances[key]


def install_atomic_local_backend() -> None:
    """Make AtomicLocalBackend MMEngine's backend for local paths."""
    _use_local_backend(AtomicLocalBackend)


def restore_mmengine_local_backend() -> None:
    """Give MMEngine's own LocalBackend back to local paths (undoes
    :func:`install_atomic_local_backend`)."""
    _use_local_backend(LocalBackend)
