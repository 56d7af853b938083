# EnhanceNet on a small 2-stack Hourglass at 128x128, trained from scratch on
# the bundled MPII sample (tests/data/mpii_mini, 5 persons) on CPU. MPII's PCKh
# needs the official head boxes (mpii_gt_val.mat), which the sample lacks, so it
# is evaluated with PCK@0.2 normalised by the person box; the full-MPII configs
# use MpiiPCKAccuracy (PCKh). Evaluated on its own training images: a pipeline
# check, not a result.
_base_ = ['mmpose::_base_/default_runtime.py']

custom_imports = dict(imports=['mmpose_ext'], allow_failed_imports=False)
custom_hooks = [dict(type='SyncBuffersHook'), dict(type='FiniteLossHook'),
                dict(type='RandomStateHook')]

randomness = dict(seed=0)
train_cfg = dict(max_epochs=200, val_interval=200)
optim_wrapper = dict(optimizer=dict(type='Adam', lr=2e-3))
param_scheduler = [
    dict(type='LinearLR', begin=0, end=10, start_factor=0.01, by_epoch=False),
    dict(type='MultiStepLR', begin=0, end=200, milestones=[160, 190],
         gamma=0.1, by_epoch=True)
]
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=10),
    checkpoint=dict(
        type='CheckpointHook', interval=50, max_keep_ckpts=2, save_last=True))

num_stacks = 2
upscale_factor = 4
codec = dict(
    type='MSRAHeatmap', input_size=(128, 128), heatmap_size=(32, 32), sigma=1)
hr_codec = dict(
    type='MSRAHeatmap',
    input_size=(128, 128),
    heatmap_size=(32 * upscale_factor, 32 * upscale_factor),
    sigma=1 * upscale_factor)

model = dict(
    type='TopdownPoseEstimator',
    data_preprocessor=dict(
        type='PoseDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True),
    backbone=dict(
        type='HourglassNet',
        downsample_times=3,
        num_stacks=num_stacks,
        stage_channels=(256, 128, 128, 128),  # the stem gives 256 channels
        stage_blocks=(1, 1, 1, 1),
        feat_channel=64),
    head=dict(
        type='BeliefMapEnhancementHead',
        base_head=dict(
            type='CPMHead',
            in_channels=64,
            out_channels=16,
            num_stages=num_stacks,
            deconv_out_channels=None,
            loss=dict(type='KeypointMSELoss', use_target_weight=True)),
        upscale_factor=upscale_factor,
        channels=64,
        decoder=hr_codec),
    test_cfg=dict(flip_test=True, flip_mode='heatmap', shift_heatmap=False))

dataset_type = 'MpiiDataset'
data_mode = 'topdown'
data_root = '{{ fileDirname }}/../../../tests/data/mpii_mini/'

train_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='RandomBBoxTransform', shift_prob=0, rotate_factor=15),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='GenerateTarget', encoder=[codec, hr_codec], multilevel=True),
    dict(type='PackPoseInputs')
]
val_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='PackPoseInputs')
]
train_dataloader = dict(
    batch_size=8,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_mode=data_mode,
        ann_file='annotations.json',
        data_prefix=dict(img='images/'),
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=8,
    num_workers=0,
    persistent_workers=False,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False, round_up=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_mode=data_mode,
        ann_file='annotations.json',
        data_prefix=dict(img='images/'),
        test_mode=True,
        pipeline=val_pipeline))
test_dataloader = val_dataloader

val_evaluator = dict(type='PCKAccuracy', thr=0.2, norm_item='bbox')
test_evaluator = val_evaluator
