# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
from .benchmark import complexity, time_calls
from .cli import run_tool
from .config_check import (CUSTOM_IMPORTS_FIX, ConfigError, check_config,
                           check_data_paths, check_types, load_config)
from .training_log import final_metrics, last_evaluation, scalar_records

__all__ = [
    'complexity', 'time_calls', 'run_tool', 'ConfigError',
    'CUSTOM_IMPORTS_FIX', 'check_config', 'check_data_paths', 'check_types',
    'load_config', 'final_metrics', 'last_evaluation', 'scalar_records'
]
