# FR-SBN (Ou, Chen, Wu, "Full-Resolution Encoder-Decoder Networks with
# Multi-Scale Feature Fusion for Human Pose Estimation", MMAsia 2020):
# ResNet-34 encoder with GCBs, five decoders to full resolution, SA-MFCD.
# Paper: 72.5 AP on COCO val2017 (Table 1, FR-SBN+GCB+SA-MFCD); 33M params,
# 21.3 GFLOPs (Table 2).
_base_ = [
    'mmpose::_base_/default_runtime.py',
    '../../_base_/datasets/coco_topdown.py',
]

custom_imports = dict(imports=['mmpose_ext'], allow_failed_imports=False)
custom_hooks = [dict(type='SyncBuffersHook'), dict(type='FiniteLossHook'),
                dict(type='RandomStateHook')]

# runtime: Adam 1e-3, steps at 90 and 120, 140 epochs
train_cfg = dict(max_epochs=140, val_interval=10)
optim_wrapper = dict(optimizer=dict(type='Adam', lr=1e-3))
param_scheduler = [
    dict(
        type='LinearLR', begin=0, end=500, start_factor=0.001,
        by_epoch=False),  # warm-up
    dict(
        type='MultiStepLR',
        begin=0,
        end=140,
        milestones=[90, 120],
        gamma=0.1,
        by_epoch=True)
]
auto_scale_lr = dict(base_batch_size=256)
default_hooks = dict(checkpoint=dict(save_best='coco/AP', rule='greater'))

# codec settings: full-resolution Gaussian heatmaps, sigma 8 input pixels
codec = dict(
    type='MSRAHeatmap', input_size=(192, 256), heatmap_size=(192, 256),
    sigma=8)

# model settings
model = dict(
    type='TopdownPoseEstimator',
    data_preprocessor=dict(
        type='PoseDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True),
    backbone=dict(
        type='ContextResNet',
        depth=34,
        init_cfg=dict(type='Pretrained', checkpoint='torchvision://resnet34')),
    neck=dict(
        type='FullResolutionDecoder',
        in_channels=(64, 128, 256, 512),
        decoder_channels=(256, 256, 256, 128, 32),
        decoder_context=True,
        fusion='sa-mfcd',
        input_size=codec['input_size']),
    head=dict(
        type='HeatmapHead',
        in_channels=32,
        out_channels=17,
        deconv_out_channels=None,
        loss=dict(type='KeypointMSELoss', use_target_weight=True),
        decoder=codec),
    # full-resolution maps: a flipped map lines up exactly, no shift
    test_cfg=dict(flip_test=True, flip_mode='heatmap', shift_heatmap=False))

# pipelines: flip, rotation +-40 deg, scale 0.7-1.3
train_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='RandomHalfBody'),
    dict(
        type='RandomBBoxTransform', scale_factor=(0.7, 1.3),
        rotate_factor=40),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='GenerateTarget', encoder=codec),
    dict(type='PackPoseInputs')
]
val_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='PackPoseInputs')
]
train_dataloader = dict(batch_size=32, dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
test_dataloader = val_dataloader
