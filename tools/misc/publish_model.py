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
import os.path as osp

from mmpose_ext.engine.publish_checkpoint import publish


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
