# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
import logging
import math
from typing import Optional

from mmengine.hooks import Hook
from mmengine.logging import print_log
from mmengine.optim import AmpOptimWrapper, OptimWrapperDict
from mmpose.registry import HOOKS


def uses_loss_scaler(runner) -> bool:
    """Whether the run's optimizer wrapper(s) scale the loss (MMEngine's
    ``AmpOptimWrapper``), so that a step with non-finite gradients is
    skipped by the scaler instead of applied."""
    wrapper = getattr(runner, 'optim_wrapper', None)
    wrappers = wrapper.values() if isinstance(
        wrapper, OptimWrapperDict) else [wrapper]
    return any(
        isinstance(w, AmpOptimWrapper) and w.loss_scaler.is_enabled()
        for w in wrappers)


@HOOKS.register_module()
class FiniteLossHook(Hook):
    """Stop training when a loss term turns NaN or infinite.

    After every ``interval`` training iterations, each logged term whose name
    contains ``'loss'`` is checked; a non-finite one raises
    :class:`FloatingPointError` naming the term, its value, the iteration and
    epoch, and the checkpoint to resume from, instead of training on with
    broken weights.

    Mixed precision: with MMEngine's ``AmpOptimWrapper`` a non-finite loss
    gives non-finite gradients, and the loss scaler skips that step (and, when
    dynamic, lowers the scale): a one-off float16 overflow does no harm, so
    the hook logs it and lets training go on. Only ``max_skipped_steps``
    non-finite steps in a row stop the run (the scale then falls by 2^10 and
    the weights are no longer being trained).

    Args:
        interval (int): check every this many iterations. Defaults to 1
        max_skipped_steps (int): consecutive non-finite steps tolerated under
            a loss scaler. Defaults to 10
    """

    priority = 'VERY_LOW'

    def __init__(self, interval: int = 1, max_skipped_steps: int = 10):
        if interval < 1:
            raise ValueError(f'interval must be >= 1, got {interval}')
        if max_skipped_steps < 0:
            raise ValueError('max_skipped_steps must be >= 0, got '
                             f'{max_skipped_steps}')
        self.interval = interval
        self.max_skipped_steps = max_skipped_steps
        self.skipped_in_a_row = 0

    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch=None,
                         outputs: Optional[dict] = None) -> None:
        if not outputs or not self.every_n_train_iters(runner, self.interval):
            return
        bad = [(name, float(value)) for name, value in outputs.items()
               if 'loss' in name and not math.isfinite(float(value))]
        if not bad:
            self.skipped_in_a_row = 0
            return
        name, number = bad[0]
        if uses_loss_scaler(runner) and \
                self.skipped_in_a_row < self.max_skipped_steps:
            self.skipped_in_a_row += 1
            print_log(
                f'FiniteLossHook: loss term "{name}" is {number} at '
                f'iteration {runner.iter + 1}; the AMP loss scaler skips '
                f'this step ({self.skipped_in_a_row} in a row, at most '
                f'{self.max_skipped_steps}).',
                logger='current',
                level=logging.WARNING)
            return
        last = runner.message_hub.get_info('last_ckpt')
        resume = (f'the last checkpoint is {last}' if last else
                  'no checkpoint has been saved yet')
        skipped = (f' after {self.skipped_in_a_row} skipped AMP steps in a '
                   'row' if self.skipped_in_a_row else '')
        raise FloatingPointError(
            f'Training stopped: loss term "{name}" is {number} at '
            f'iteration {runner.iter + 1} (epoch {runner.epoch + 1})'
            f'{skipped}; {resume}. Lower the learning rate or check the data, '
            'then continue with --resume.')
