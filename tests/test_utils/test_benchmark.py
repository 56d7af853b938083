# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""The one timing loop and complexity count of tools/analysis_tools."""
import pytest
import torch
from mmengine.config import Config
from mmpose.registry import MODELS

from mmpose_ext.utils import complexity, time_calls

from ..conftest import OPENPOSE_TINY_CONFIG


def test_time_calls_alternates_and_warms_up():
    order = []
    times = time_calls({'a': lambda: order.append('a'),
                        'b': lambda: order.append('b')}, repeats=3, warmup=2)
    assert order == ['a', 'b'] * 5  # 2 warm-up rounds, then 3 timed
    assert set(times) == {'a', 'b'}
    assert all(t.shape == (3, ) and (t >= 0).all() for t in times.values())
    with pytest.raises(ValueError, match='repeats must be >= 1'):
        time_calls({'a': lambda: None}, repeats=0)


def test_complexity_of_a_conv_and_a_multi_stage_estimator():
    conv = torch.nn.Conv2d(4, 8, 3, padding=1, bias=False)
    params, flops = complexity(conv, (torch.randn(1, 4, 10, 10), ))
    assert params == 8 * 4 * 9
    assert flops == 8 * 4 * 9 * 10 * 10  # one per multiply-accumulate
    # a pose estimator: through _forward, whose output is a list of stages
    # of PafMaps (heatmaps, pafs, offsets)
    cfg = Config.fromfile(OPENPOSE_TINY_CONFIG)
    model = MODELS.build(cfg.model).train()
    params, flops = complexity(model, (torch.randn(1, 3, 64, 64), ))
    assert model.training  # left as it was
    assert params == sum(p.numel() for p in model.parameters())
    # a fully convolutional network: 4x the pixels, 4x the FLOPs
    _, flops_2x = complexity(model, (torch.randn(1, 3, 128, 128), ))
    assert flops > 0 and flops_2x == pytest.approx(4 * flops, rel=0.02)
