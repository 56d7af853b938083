# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
import math
from typing import Optional

from mmengine.hooks import Hook
from mmpose.registry import HOOKS


@HOOKS.register_module()
class FiniteLossHook(Hook):
    """Stop training when a loss term turns NaN or infinite.

    After every ``interval`` training iterations, each logged term whose name
    contains ``'loss'`` is checked; a non-finite one raises
    :class:`FloatingPointError` naming the term, its value, the iteration and
    epoch, and the checkpoint to resume from, instead of training on with
    broken weights.

    Args:
        interval (int): check every this many iterations. Defaults to 1
    """

    priority = 'VERY_LOW'

    def __init__(self, interval: int = 1):
        if interval < 1:
            raise ValueError(f'interval must be >= 1, got {interval}')
        self.interval = interval

    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch=None,
                         outputs: Optional[dict] = None) -> None:
        if not outputs or not self.every_n_train_iters(runner, self.interval):
            return
        for name, value in outputs.items():
            if 'loss' not in name:
                continue
            number = float(value)
            if not math.isfinite(number):
                last = runner.message_hub.get_info('last_ckpt')
                resume = (f'the last checkpoint is {last}' if last else
                          'no checkpoint has been saved yet')
                raise FloatingPointError(
                    f'Training stopped: loss term "{name}" is {number} at '
                    f'iteration {runner.iter + 1} (epoch {runner.epoch + 1}); '
                    f'{resume}. Lower the learning rate or check the data, '
                    'then continue with --resume.')
