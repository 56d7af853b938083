# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""Prepare a training checkpoint for the model zoo, as MMPose's
publish_model does: keep the weights and meta, drop the optimizer and
scheduler states, and name the file after its SHA-256.

    python tools/misc/publish_model.py IN_FILE OUT_FILE
    # -> OUT_FILE without .pth + '-' + first 8 hex digits of the SHA-256 .pth

The checkpoint is read with the package's allow-listed loader (no code in a
checkpoint runs), and written atomically.
"""
import argparse
import hashlib
import io
import os
import os.path as osp

import torch

DROPPED = ('optimizer', 'param_schedulers', 'message_hub')


def publish(in_file: str, out_file: str) -> str:
    """Write the published checkpoint; return its final path."""
    from mmpose_ext.engine.atomic_local_backend import write_atomically
    from mmpose_ext.engine.checkpoint_loading import safe_torch_load
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('in_file', help='checkpoint written by training')
    parser.add_argument('out_file', help='published file name (.pth)')
    args = parser.parse_args()
    final = publish(args.in_file, args.out_file)
    size = osp.getsize(final) / 2**20
    print(f'published {args.in_file} -> {final} ({size:.1f} MiB)')


if __name__ == '__main__':
    main()
