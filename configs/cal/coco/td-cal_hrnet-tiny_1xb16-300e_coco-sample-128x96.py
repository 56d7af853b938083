# Confidence-Aware Learning (Wang et al.) with a small HRNet at 128x96, trained
# from scratch on the bundled COCO sample (12 persons) on CPU: stage 1 for 200
# epochs, stage 2 (Mixed Gaussian Masks, 1 component) for 100. Evaluated on the
# images it trains on, so its AP checks the pipeline, not generalisation.
_base_ = [
    '../../_base_/schedules/sample_cpu_300e.py',
    '../../_base_/datasets/coco_sample_topdown.py',
]

custom_imports = dict(imports=['mmpose_ext'], allow_failed_imports=False)

custom_hooks = [
    dict(type='SyncBuffersHook'),
    dict(type='ConfidenceAwareStageHook', switch_epoch=200),
    dict(type='FiniteLossHook'),
    dict(type='RandomStateHook'),
]

# codec settings: sigma 1 and R 4 heatmap pixels at 128x96
codec = dict(
    type='ConfidenceAwareHeatmap',
    input_size=(96, 128),
    heatmap_size=(24, 32),
    sigma=1,
    radius=4,
    offset_scale=1.5)

# model settings (no pretrained weights: nothing is downloaded)
model = dict(
    type='TopdownPoseEstimator',
    data_preprocessor=dict(
        type='PoseDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True),
    backbone=dict(
        type='HRNet',
        in_channels=3,
        extra=dict(
            stage1=dict(
                num_modules=1,
                num_branches=1,
                block='BOTTLENECK',
                num_blocks=(2, ),
                num_channels=(32, )),
            stage2=dict(
                num_modules=1,
                num_branches=2,
                block='BASIC',
                num_blocks=(2, 2),
                num_channels=(16, 32)),
            stage3=dict(
                num_modules=1,
                num_branches=3,
                block='BASIC',
                num_blocks=(2, 2, 2),
                num_channels=(16, 32, 64)),
            stage4=dict(
                num_modules=1,
                num_branches=4,
                block='BASIC',
                num_blocks=(2, 2, 2, 2),
                num_channels=(16, 32, 64, 128)))),
    head=dict(
        type='ConfidenceAwareHead',
        in_channels=16,
        out_channels=17,
        loss=dict(
            type='ConfidenceAwareLoss',
            alpha=1.0,
            radius=codec['radius'],
            num_components=1),
        decoder=codec),
    test_cfg=dict(flip_test=True))

# pipelines
train_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    dict(type='RandomFlip', direction='horizontal'),
    dict(
        type='RandomBBoxTransform',
        shift_factor=0.05,
        scale_factor=(0.9, 1.1),
        rotate_factor=15),
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

train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
test_dataloader = val_dataloader
