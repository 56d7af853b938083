#!/usr/bin/env bash
# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
# Distributed training with torchrun: NCCL on GPUs, gloo on CPUs (no CUDA).
#   bash tools/dist_train.sh CONFIG NUM_PROCESSES [train.py options]
# Multi-node: NNODES, NODE_RANK, MASTER_ADDR, PORT.

CONFIG=$1
GPUS=$2
NNODES=${NNODES:-1}
NODE_RANK=${NODE_RANK:-0}
PORT=${PORT:-29500}
MASTER_ADDR=${MASTER_ADDR:-"127.0.0.1"}

if [ -z "$CONFIG" ] || [ -z "$GPUS" ]; then
    echo "usage: bash $0 CONFIG NUM_PROCESSES [train.py options]" >&2
    exit 2
fi

PYTHONPATH="$(dirname "$0")/..":$PYTHONPATH \
python -m torch.distributed.run \
    --nnodes=$NNODES \
    --node_rank=$NODE_RANK \
    --master_addr=$MASTER_ADDR \
    --nproc_per_node=$GPUS \
    --master_port=$PORT \
    "$(dirname "$0")/train.py" \
    "$CONFIG" \
    --launcher pytorch "${@:3}"
