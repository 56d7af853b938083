# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
import logging
import math
from typing import List, Optional

import torch
from mmengine.dist import all_reduce, get_comm_device
from mmengine.hooks import Hook
from mmengine.logging import print_log
from mmengine.optim import AmpOptimWrapper, OptimWrapperDict
from mmpose.registry import HOOKS


def optim_wrappers(runner) -> list:
    """The run's optimizer wrappers (one, or the values of an
    ``OptimWrapperDict``)."""
    wrapper = getattr(runner, 'optim_wrapper', None)
    if wrapper is None:
        return []
    return list(wrapper.values()) if isinstance(
        wrapper, OptimWrapperDict) else [wrapper]


def uses_loss_scaler(runner) -> bool:
    """Whether the run's optimizer wrapper(s) scale the loss (MMEngine's
    ``AmpOptimWrapper``), so that a step with non-finite gradients is
    skipped by the scaler instead of applied."""
    return any(
        isinstance(w, AmpOptimWrapper) and w.loss_scaler.is_enabled()
        for w in optim_wrappers(runner))


@HOOKS.register_module()
class FiniteLossHook(Hook):
    """Stop training when a loss term turns NaN or infinite.

    After every ``interval`` training iterations, each logged term whose name
    contains ``'loss'`` is checked; a non-finite one raises
    :class:`FloatingPointError` naming the term, its value, the iteration and
    epoch, and the checkpoint to resume from, instead of training on with
    broken weights.

    Distributed: every rank logs its own losses, so the ranks share one
    decision (a two-element all-reduce per checked iteration): all stop
    together, none waits in a collective for a rank that has stopped. The
    hook runs before MMEngine's ``CheckpointHook`` (priority ``LOW`` <
    ``VERY_LOW``), so the non-finite iteration is never saved and the
    checkpoint it names is the last finite one.

    Mixed precision: with MMEngine's ``AmpOptimWrapper`` a non-finite loss
    normally gives non-finite gradients, and the loss scaler then skips the
    optimizer step (and, when dynamic, lowers the scale): a one-off float16
    overflow does no harm, so the hook logs it and lets training go on. A
    step counts as skipped only when the optimizer did not step in that
    iteration (counted by an optimizer step hook; under gradient
    accumulation an iteration without a step counts as skipped, since the
    scaler skips the accumulated step). A non-finite loss whose step was
    applied stops the run at once; ``max_skipped_steps`` skipped steps in a
    row stop it too (the scale then falls by 2^10 and the weights are no
    longer being trained).

    Args:
        interval (int): check every this many iterations. Defaults to 1
        max_skipped_steps (int): consecutive skipped non-finite steps
            tolerated under a loss scaler. Defaults to 10
    """

    priority = 'LOW'

    def __init__(self, interval: int = 1, max_skipped_steps: int = 10):
        if interval < 1:
            raise ValueError(f'interval must be >= 1, got {interval}')
        if max_skipped_steps < 0:
            raise ValueError('max_skipped_steps must be >= 0, got '
                             f'{max_skipped_steps}')
        self.interval = interval
        self.max_skipped_steps = max_skipped_steps
        self.skipped_in_a_row = 0
        self.optimizer_steps = 0
        self._steps_before_iter = 0
        self._step_hooks: List = []

    # counting the optimizer's real steps ----------------------------------
    def _count_step(self, optimizer, args, kwargs) -> None:
        self.optimizer_steps += 1

    def before_train(self, runner) -> None:
        for wrapper in optim_wrappers(runner):
            optimizer = getattr(wrapper, 'optimizer', None)
            if isinstance(optimizer, torch.optim.Optimizer):
                self._step_hooks.append(
                    optimizer.register_step_post_hook(self._count_step))

    def after_train(self, runner) -> None:
        for handle in self._step_hooks:
            handle.remove()
        self._step_hooks = []

    def before_train_iter(self, runner, batch_idx: int,
                          data_batch=None) -> None:
        self._steps_before_iter = self.optimizer_steps

    # the check -------------------------------------------------------------
    @staticmethod
    def _shared_flags(flags: List[bool]) -> List[bool]:
        """Each flag OR-ed over all ranks (one all-reduce; a no-op in a
        single process)."""
        values = torch.tensor([float(f) for f in flags],
                              device=get_comm_device())
        all_reduce(values, op='max')
        return [bool(v) for v in values.tolist()]

    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch=None,
                         outputs: Optional[dict] = None) -> None:
        if not self.every_n_train_iters(runner, self.interval):
            return
        values = {
            name: float(value.detach() if isinstance(value, torch.Tensor)
                        else value)
            for name, value in (outputs or {}).items() if 'loss' in name
        }
        bad = [(name, value) for name, value in values.items()
               if not math.isfinite(value)]
        amp = uses_loss_scaler(runner)
        stepped = self.optimizer_steps != self._steps_before_iter
        any_bad, any_applied = self._shared_flags(
            [bool(bad), bool(bad) and (stepped or not amp)])
        if not any_bad:
            self.skipped_in_a_row = 0
            return
        where = (f'loss term "{bad[0][0]}" is {bad[0][1]}'
                 if bad else 'a loss term is not finite on another rank')
        if amp and not any_applied and \
                self.skipped_in_a_row < self.max_skipped_steps:
            self.skipped_in_a_row += 1
            print_log(
                f'FiniteLossHook: {where} at iteration {runner.iter + 1}; '
                f'the AMP loss scaler skipped this step '
                f'({self.skipped_in_a_row} in a row, at most '
                f'{self.max_skipped_steps}).',
                logger='current',
                level=logging.WARNING)
            return
        last = runner.message_hub.get_info('last_ckpt')
        resume = (f'the last checkpoint is {last}' if last else
                  'no checkpoint has been saved yet')
        if amp and any_applied:
            why = ' and the optimizer step was applied (not skipped by ' \
                  'the AMP loss scaler)'
        elif self.skipped_in_a_row:
            why = (f' after {self.skipped_in_a_row} skipped AMP steps in a '
                   'row')
        else:
            why = ''
        raise FloatingPointError(
            f'Training stopped: {where} at iteration {runner.iter + 1} '
            f'(epoch {runner.epoch + 1}){why}; {resume}. Lower the learning '
            'rate or check the data, then continue with --resume.')
