# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""Publishing a training checkpoint for a model zoo, as MMPose's
publish_model does: the weights and meta stay, the optimizer and scheduler
states go, and the file is named after its SHA-256."""
import hashlib
import io
import os
import os.path as osp

import torch

from .atomic_local_backend import write_atomically
from .checkpoint_loading import safe_torch_load

DROPPED = ('optimizer', 'param_schedulers', 'message_hub')


def publish(in_file: str, out_file: str) -> str:
    """Write the published checkpoint; return its final path."""
    if not osp.isfile(in_file):
        raise FileNotFoundError(f'publish_model: no checkpoint at {in_file}')
    checkpoint = safe_torch_load(in_file, map_location='cpu')
    if not isinstance(checkpoint, dict) or 'state_dict' not in checkpoint:
        raise ValueError(f'publish_model: {in_file} has no "state_dict"; is '
                         'it an MMEngine checkpoint?')
    published = {k: v for k, v in checkpoint.items() if k not in DROPPED}
    buffer = io.BytesIO()
    torch.save(published, buffer)
    data = buffer.getvalue()
    sha = hashlib.sha256(data).hexdigest()[:8]
    stem = out_file[:-4] if out_file.endswith('.pth') else out_file
    final = f'{stem}-{sha}.pth'
    os.makedirs(osp.dirname(osp.abspath(final)), exist_ok=True)
    write_atomically(data, final)
    return final
