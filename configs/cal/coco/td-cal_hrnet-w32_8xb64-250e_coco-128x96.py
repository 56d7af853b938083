# Confidence-Aware Learning (CAL), Wang et al., "Low-resolution Human Pose
# Estimation" (Pattern Recognition 2022), HRNet-W32 at 128x96 on COCO.
# Paper: 74.3 AP on COCO val2017 (Table 8), 71.4 AP on test-dev (Table 1);
# 49.3M parameters, 2.5 GFLOPs (Table 1).
# Two stages: w = G for 210 epochs, then Mixed Gaussian Masks for 40.
_base_ = [
    'mmpose::_base_/default_runtime.py',
    '../../_base_/datasets/coco_topdown.py',
]

custom_imports = dict(imports=['mmpose_ext'], allow_failed_imports=False)

# runtime
train_cfg = dict(max_epochs=250, val_interval=10)
custom_hooks = [
    dict(type='SyncBuffersHook'),
    dict(type='ConfidenceAwareStageHook', switch_epoch=210),
    dict(type='FiniteLossHook'),
    dict(type='RandomStateHook'),
]

# optimizer
optim_wrapper = dict(optimizer=dict(type='Adam', lr=1e-3))

# learning policy: 1e-3, 1e-4 at 170, 1e-5 at 200 (section 5.2)
param_scheduler = [
    dict(
        type='LinearLR', begin=0, end=500, start_factor=0.001,
        by_epoch=False),  # warm-up
    dict(
        type='MultiStepLR',
        begin=0,
        end=250,
        milestones=[170, 200],
        gamma=0.1,
        by_epoch=True)
]

# automatically scaling LR based on the actual training batch size
auto_scale_lr = dict(base_batch_size=512)

# hooks
default_hooks = dict(checkpoint=dict(save_best='coco/AP', rule='greater'))

# codec settings: sigma 1 at 128x96, disk radius ceil(3 sigma) = 3 (the
# codec's default: the disk keeps 99% of the Gaussian), offsets / 1.5
codec = dict(
    type='ConfidenceAwareHeatmap',
    input_size=(96, 128),
    heatmap_size=(24, 32),
    sigma=1,
    radius=3,
    offset_scale=1.5)

# model settings
model = dict(
    type='TopdownPoseEstimator',
    data_preprocessor=dict(
        type='PoseDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True),
    backbone=dict(
        type='OffsetBranchHRNet',
        in_channels=3,
        extra=dict(
            stage1=dict(
                num_modules=1,
                num_branches=1,
                block='BOTTLENECK',
                num_blocks=(4, ),
                num_channels=(64, )),
            stage2=dict(
                num_modules=1,
                num_branches=2,
                block='BASIC',
                num_blocks=(4, 4),
                num_channels=(32, 64)),
            stage3=dict(
                num_modules=4,
                num_branches=3,
                block='BASIC',
                num_blocks=(4, 4, 4),
                num_channels=(32, 64, 128)),
            stage4=dict(
                num_modules=3,
                num_branches=4,
                block='BASIC',
                num_blocks=(4, 4, 4, 4),
                num_channels=(32, 64, 128, 256))),
        init_cfg=dict(
            type='Pretrained',
            checkpoint='https://download.openmmlab.com/mmpose/'
            'pretrain_models/hrnet_w32-36af842e.pth'),
    ),
    head=dict(
        type='ConfidenceAwareHead',
        in_channels=32,
        out_channels=17,
        heatmap_branch=dict(deconv_out_channels=None),
        offset_branch=dict(deconv_out_channels=None),
        heatmap_feature_index=0,
        offset_feature_index=1,
        loss=dict(
            type='ConfidenceAwareLoss',
            # the offset loss weight of the authors' release for HRNet-W32 at
            # 128x96 (LOSS.OFFSET_WEIGHT 0.7; 1.0 for W48 and above 128x96)
            alpha=0.7,
            radius=codec['radius'],
            num_components=1,
            stage2_mask='mixed_gaussian',
            offset_loss='l1'),
        decoder=codec),
    test_cfg=dict(flip_test=True))

# pipelines: rotation +-45 deg, flip 0.5, scale 0.65-1.35 (section 5.2), UDP
train_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='RandomHalfBody'),
    dict(
        type='RandomBBoxTransform', scale_factor=(0.65, 1.35),
        rotate_factor=45),
    dict(type='TopdownAffine', input_size=codec['input_size'], use_udp=True),
    dict(type='GenerateTarget', encoder=codec),
    dict(type='PackPoseInputs')
]
val_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    dict(type='TopdownAffine', input_size=codec['input_size'], use_udp=True),
    dict(type='PackPoseInputs')
]

train_dataloader = dict(batch_size=64, dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
test_dataloader = val_dataloader
