# Bottom-up OpenPose + RIE with a narrow VGG and three narrow stages at
# 256x256, trained from scratch on the bundled COCO sample (4 images, 12
# persons, scenes of 1, 2, 4 and 5) on CPU. Evaluated on the images it trains
# on, so its AP checks the pipeline (targets, losses, grouping, flip test,
# evaluation), not generalisation.
_base_ = [
    '../../_base_/schedules/sample_cpu_300e.py',
    '../../_base_/datasets/coco_sample_bottomup.py',
]

custom_imports = dict(imports=['mmpose_ext'], allow_failed_imports=False)
# keypoint maps without a background channel, and PAF arrows where the
# samples have them (browse_dataset, test.py --show-dir, --draw-heatmap)
visualizer = dict(type='PartAffinityFieldVisualizer')

fd = 8
codec = dict(
    type='PartAffinityFields',
    input_size=(256, 256),
    heatmap_size=(256 // fd, 256 // fd),
    sigma=1.5,
    limb_width=1.,
    with_block_offsets=True)

# model settings (no pretrained weights: nothing is downloaded)
model = dict(
    type='MultiScaleBottomupPoseEstimator',
    data_preprocessor=dict(
        type='PoseDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True),
    backbone=dict(
        type='OpenPoseVGG19',
        widths=(16, 32, 64, 128),
        reduction_channels=(64, 64),
        output_stride=fd,
        norm_cfg=dict(type='BN')),
    head=dict(
        type='PartAffinityFieldHead',
        in_channels=64,
        num_keypoints=17,
        num_limbs=19,
        num_stages=3,
        stage_channels=64,
        first_stage_hidden=128,
        refine_kernel_size=5,
        refine_depth=3,
        norm_cfg=dict(type='BN'),
        with_block_offsets=codec['with_block_offsets'],
        decoder=codec),
    test_cfg=dict(flip_test=True, multiscale_test=False, size_divisor=fd))

# pipelines: mild augmentation around the whole image
train_pipeline = [
    dict(type='LoadImage'),
    dict(
        type='BottomupRandomAffine',
        input_size=codec['input_size'],
        shift_factor=0.05,
        scale_factor=(0.85, 1.15),
        scale_type='long',
        rotate_factor=10.,
        shear_factor=0.,
        distribution='uniform'),
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='GenerateTarget', encoder=codec),
    # loss mask: 0 over crowds and persons without keypoints (OpenPose's
    # mask_miss), on the heatmap and PAF losses of every stage; a cell is
    # masked if any invalid pixel touches it. Unlike the paper configs, the
    # letterbox padding stays masked (MMPose's): taught as background, it
    # cost the 400-step run 0.81 -> 0.61 AP on the sample
    dict(type='BottomupHeatmapMask', invalid_cell='any'),
    dict(
        type='PackPoseInputs',
        meta_keys={{_base_.bottomup_train_meta_keys}}),
]
val_pipeline = [
    dict(type='LoadImage'),
    dict(
        type='BottomupResize',
        input_size=codec['input_size'],
        size_factor=fd,
        resize_mode='fit'),
    dict(
        type='PackPoseInputs',
        meta_keys={{_base_.bottomup_val_meta_keys}})
]

train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
test_dataloader = val_dataloader

# a longer schedule than the top-down tiny configs: 500 one-step epochs
train_cfg = dict(max_epochs=500, val_interval=500)
param_scheduler = [
    dict(type='LinearLR', begin=0, end=10, start_factor=0.01, by_epoch=False),
    dict(
        type='MultiStepLR',
        begin=0,
        end=500,
        milestones=[400, 470],
        gamma=0.1,
        by_epoch=True)
]
