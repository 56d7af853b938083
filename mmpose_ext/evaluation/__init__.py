# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
from .oracle import (build_oracle_model, coco_topdown_dataset, codec_outputs,
                     oracle_dataset_cfg, oracle_evaluate, round_trip_errors,
                     topdown_oracle_samples)

__all__ = [
    'build_oracle_model', 'coco_topdown_dataset', 'codec_outputs',
    'oracle_dataset_cfg', 'oracle_evaluate', 'round_trip_errors',
    'topdown_oracle_samples'
]
