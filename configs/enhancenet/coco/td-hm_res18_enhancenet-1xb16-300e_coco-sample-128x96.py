# EnhanceNet (Liu, Dou et al.) on a small SimpleBaseline (ResNet-18, 128x96),
# trained from scratch on the bundled COCO sample (12 persons) on CPU. The belief
# maps are super-resolved 4x (32x24 -> 128x96). Evaluated on the images it
# trains on, so its AP checks the pipeline, not generalisation.
_base_ = [
    '../../_base_/schedules/sample_cpu_300e.py',
    '../../_base_/datasets/coco_sample_topdown.py',
]

custom_imports = dict(imports=['mmpose_ext'], allow_failed_imports=False)

# codec settings: low-resolution targets as the base model makes them, and
# high-resolution targets at r = 4 times the size with sigma * r (eq. 6)
upscale_factor = 4
codec = dict(
    type='MSRAHeatmap', input_size=(96, 128), heatmap_size=(24, 32), sigma=1)
hr_codec = dict(
    type='MSRAHeatmap',
    input_size=(96, 128),
    heatmap_size=(24 * upscale_factor, 32 * upscale_factor),
    sigma=1 * upscale_factor)

# model settings (no pretrained weights: nothing is downloaded)
model = dict(
    type='TopdownPoseEstimator',
    data_preprocessor=dict(
        type='PoseDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True),
    backbone=dict(type='ResNet', depth=18),
    head=dict(
        type='BeliefMapEnhancementHead',
        base_head=dict(
            type='HeatmapHead',
            in_channels=512,
            out_channels=17,
            deconv_out_channels=(128, 128, 128),
            loss=dict(type='KeypointMSELoss', use_target_weight=True)),
        upscale_factor=upscale_factor,
        channels=64,
        hr_loss=dict(
            type='KeypointMSELoss', use_target_weight=True, loss_weight=1.0),
        decoder=hr_codec),
    # the HR maps are at input resolution: a flipped map lines up exactly
    test_cfg=dict(flip_test=True, flip_mode='heatmap', shift_heatmap=False))

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

train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
test_dataloader = val_dataloader
