# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmpose.registry import HOOKS


@HOOKS.register_module()
class ConfidenceAwareStageHook(Hook):
    """Switch Confidence-Aware Learning from stage 1 to stage 2 at an epoch.

    Stage 1 weighs the offset loss with the target heatmaps (eq. (14) of Wang
    et al.), stage 2 with Mixed Gaussian Masks (eq. (15)); the paper trains 210
    epochs in stage 1 and 40 in stage 2, so ``switch_epoch=210``. Before every
    training epoch the hook sets the stage of the head's
    :class:`~mmpose_ext.models.losses.ConfidenceAwareLoss` from the epoch, so a
    resumed run continues in the right stage; the stage is also a buffer of
    the loss and is saved in every checkpoint.

    Args:
        switch_epoch (int): the first epoch (0-based, as ``runner.epoch``)
            trained in stage 2
    """

    priority = 'NORMAL'

    def __init__(self, switch_epoch: int):
        if switch_epoch < 0:
            raise ValueError(f'switch_epoch must be >= 0, got {switch_epoch}')
        self.switch_epoch = switch_epoch

    @staticmethod
    def _loss_module(runner):
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        loss = getattr(getattr(model, 'head', None), 'loss_module', None)
        if loss is None or not hasattr(loss, 'set_stage'):
            raise TypeError(
                'ConfidenceAwareStageHook needs model.head.loss_module to be '
                f'a ConfidenceAwareLoss; got {type(loss).__name__}')
        return loss

    def before_train_epoch(self, runner) -> None:
        loss = self._loss_module(runner)
        stage = 2 if runner.epoch >= self.switch_epoch else 1
        if int(loss.stage) != stage:
            runner.logger.info(
                f'Confidence-aware learning: stage {int(loss.stage)} -> '
                f'{stage} at epoch {runner.epoch + 1} (offset loss weighted '
                f'by {"Mixed Gaussian Masks" if stage == 2 else "G"})')
            loss.set_stage(stage)
        runner.message_hub.update_info('cal_stage', stage)
