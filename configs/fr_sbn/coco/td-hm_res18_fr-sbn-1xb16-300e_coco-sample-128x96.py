# FR-SBN (GCBs, five decoders to full resolution, SA-MFCD) with a ResNet-18
# encoder and narrower decoders at 128x96, trained from scratch on the bundled
# COCO sample (12 persons) on CPU. Evaluated on the images it trains on, so its
# AP checks the pipeline, not generalisation.
_base_ = [
    '../../_base_/schedules/sample_cpu_300e.py',
    '../../_base_/datasets/coco_sample_topdown.py',
]

custom_imports = dict(imports=['mmpose_ext'], allow_failed_imports=False)

# full-resolution targets; sigma 4 input pixels at 128x96 (8 at 256x192)
codec = dict(
    type='MSRAHeatmap', input_size=(96, 128), heatmap_size=(96, 128), sigma=4)

model = dict(
    type='TopdownPoseEstimator',
    data_preprocessor=dict(
        type='PoseDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True),
    backbone=dict(type='ContextResNet', depth=18),
    neck=dict(
        type='FullResolutionDecoder',
        in_channels=(64, 128, 256, 512),
        decoder_channels=(128, 128, 128, 64, 32),
        decoder_context=True,
        fusion='sa-mfcd',
        fusion_channels=64,
        input_size=codec['input_size']),
    head=dict(
        type='HeatmapHead',
        in_channels=32,
        out_channels=17,
        deconv_out_channels=None,
        loss=dict(type='KeypointMSELoss', use_target_weight=True),
        decoder=codec),
    test_cfg=dict(flip_test=True, flip_mode='heatmap', shift_heatmap=False))

train_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    dict(type='RandomFlip', direction='horizontal'),
    dict(
        type='RandomBBoxTransform',
        shift_factor=0.05,
        scale_factor=(0.9, 1.1),
        rotate_factor=15),
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
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
test_dataloader = val_dataloader
