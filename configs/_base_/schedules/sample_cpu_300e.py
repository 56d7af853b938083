# Schedule of the tiny configs that train on the bundled sample on a CPU:
# 300 one-step epochs from scratch, Adam 2e-3 with warm-up and two decays,
# a checkpoint every 50 epochs, evaluation at the end. The hooks come from
# mmpose_ext: the configs that use this file import it (custom_imports).
_base_ = ['mmpose::_base_/default_runtime.py']

randomness = dict(seed=0)
train_cfg = dict(max_epochs=300, val_interval=300)

optim_wrapper = dict(optimizer=dict(type='Adam', lr=2e-3))
param_scheduler = [
    dict(type='LinearLR', begin=0, end=10, start_factor=0.01, by_epoch=False),
    dict(
        type='MultiStepLR',
        begin=0,
        end=300,
        milestones=[240, 280],
        gamma=0.1,
        by_epoch=True)
]

default_hooks = dict(
    logger=dict(type='LoggerHook', interval=10),
    checkpoint=dict(
        type='CheckpointHook', interval=50, max_keep_ckpts=2,
        save_last=True))
custom_hooks = [
    dict(type='SyncBuffersHook'),
    dict(type='FiniteLossHook'),
    dict(type='RandomStateHook'),
]
