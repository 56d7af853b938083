# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""The one timing loop and the one complexity count of the benchmark scripts
in ``tools/analysis_tools/``."""
import time
from typing import Callable, Dict, Tuple

import numpy as np
import torch


def _synchronize() -> None:
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        torch.cuda.synchronize()


def time_calls(calls: Dict[str, Callable[[], object]],
               repeats: int,
               warmup: int = 1) -> Dict[str, np.ndarray]:
    """Wall-clock seconds of each call, measured in ``repeats`` rounds in
    which every call runs once, after ``warmup`` untimed rounds.

    The calls alternate within a round, so a change of the machine's speed
    during the measurement (another process, clock boost) hits them all
    alike, and ratios between them stay honest. CUDA work is synchronised
    before and after each call.

    Args:
        calls (dict): name → function of no argument
        repeats (int): timed rounds (>= 1)
        warmup (int): untimed rounds first. Defaults to 1

    Returns:
        dict: name → (repeats, ) seconds; take the median or the minimum
    """
    if repeats < 1:
        raise ValueError(f'time_calls: repeats must be >= 1, got {repeats}')
    for _ in range(warmup):
        for call in calls.values():
            call()
    times = {name: [] for name in calls}
    for _ in range(repeats):
        for name, call in calls.items():
            _synchronize()
            start = time.perf_counter()
            call()
            _synchronize()
            times[name].append(time.perf_counter() - start)
    return {name: np.asarray(values) for name, values in times.items()}


def _flatten(node) -> list:
    if isinstance(node, torch.Tensor):
        return [node]
    if isinstance(node, dict):
        node = list(node.values())
    if isinstance(node, (list, tuple)):
        return [tensor for item in node for tensor in _flatten(item)]
    return []


class _TensorOutputs(torch.nn.Module):
    """``module``'s network forward (a pose estimator's ``_forward``, no
    decoding) with its outputs as one flat tuple of tensors, which is what
    the complexity analysis can trace."""

    def __init__(self, module: torch.nn.Module) -> None:
        super().__init__()
        self.module = module

    def forward(self, *inputs):
        run = getattr(self.module, '_forward', self.module)
        return tuple(_flatten(run(*inputs)))


def complexity(module: torch.nn.Module, inputs: tuple) -> Tuple[int, int]:
    """``(parameters, FLOPs)`` of ``module`` on ``inputs`` by MMEngine's
    complexity analysis, the count MMPose's
    ``tools/analysis_tools/get_flops.py`` prints (a multiply-accumulate is
    one FLOP). A pose estimator is counted through its ``_forward`` (the
    network without decoding)."""
    from mmengine.analysis import get_model_complexity_info
    was_training = module.training
    module.eval()
    try:
        with torch.no_grad():
            result = get_model_complexity_info(
                _TensorOutputs(module), inputs=tuple(inputs),
                show_table=False, show_arch=False)
    finally:
        module.train(was_training)
    return int(result['params']), int(result['flops'])
