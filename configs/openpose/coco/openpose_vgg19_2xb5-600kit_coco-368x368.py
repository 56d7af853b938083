# Bottom-up OpenPose (Cao et al.), the baseline of Liu et al.:
# VGG-19 conv1_1..conv4_2 + two reduction convs (stride fd = 8), six two-branch
# stages, L0 (summed squared error) on every stage. OpenPose's 18-keypoint
# layout (COCO-17 plus the neck): heatmaps K + 1 = 19, PAFs 2L = 38 (CMU's 19
# limbs); predictions are turned back into COCO-17 for CocoMetric. Training as the paper's section IV: batch 10 on 2 GPUs, SGD lr 2e-5,
# momentum 0.9, weight decay 5e-4, lr / 3 every 170k of 600k iterations;
# CMU's augmentation (person-centred crop, the person's height
# 0.6 x 368 x U(0.5, 1.1), rotation +-45 deg, flip 0.5), crowds and persons
# without keypoints masked out of the losses. Test: image height 368
# (CMU OpenPose's), scales 0.5, 1, 1.5, 2 (maps averaged), no flip. SGD with
# CMU's per-layer rates (stages 2-6 at 4x, biases at 2x without decay).
_base_ = [
    'mmpose::_base_/default_runtime.py',
    '../../_base_/datasets/coco_bottomup.py',
    '../../_base_/datasets/coco_openpose18_layout.py',
]

custom_imports = dict(imports=['mmpose_ext'], allow_failed_imports=False)
# keypoint maps without a background channel, and PAF arrows where the
# samples have them (browse_dataset, test.py --show-dir, --draw-heatmap), each
# in its limb's colour of MMPose's OpenPose-18 meta
visualizer = dict(
    type='PartAffinityFieldVisualizer',
    limbs={{_base_.openpose18_limbs}},
    limbs_meta=dict(from_file='configs/_base_/datasets/coco_openpose.py'))

# runtime: iteration-based, as the paper counts iterations
train_cfg = dict(
    _delete_=True, type='IterBasedTrainLoop', max_iters=600000,
    val_interval=50000)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
# per-layer rates as CMU's solver (pose_train_test.prototxt): stages 2-6 at
# 4x the base rate, every bias at twice its layer's rate and without weight
# decay (stage 1 and VGG: weights 1x, biases 2x; stages 2-6: 4x and 8x)
optim_wrapper = dict(
    constructor='BiasMultipliedOptimWrapperConstructor',
    optimizer=dict(type='SGD', lr=2e-5, momentum=0.9, weight_decay=5e-4),
    paramwise_cfg=dict(
        bias_lr_mult=2.0,
        bias_decay_mult=0.0,
        custom_keys={
            f'head.{branch}_stages.{stage}.': dict(lr_mult=4.0)
            for branch in ('paf', 'heatmap') for stage in range(1, 6)
        }))
param_scheduler = [
    dict(
        type='MultiStepLR',
        by_epoch=False,
        begin=0,
        end=600000,
        milestones=[170000, 340000, 510000],
        gamma=1 / 3)
]
auto_scale_lr = dict(base_batch_size=10)
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=100),
    checkpoint=dict(
        type='CheckpointHook',
        by_epoch=False,
        interval=10000,
        max_keep_ckpts=3,
        save_best='coco/AP',
        rule='greater'))
log_processor = dict(by_epoch=False)
custom_hooks = [
    dict(type='SyncBuffersHook'),
    dict(type='FiniteLossHook'),
    dict(type='RandomStateHook'),
]

# codec settings: 368x368 input, fd = 8
fd = 8
codec = dict(
    type='PartAffinityFields',
    input_size=(368, 368),
    heatmap_size=(368 // fd, 368 // fd),
    sigma=1.5,
    limb_width=1.,
    with_block_offsets=False,
    skeleton_links={{_base_.openpose18_limbs}},
    # CMU OpenPose's test procedure (connect56LineVec.m, evalCOCO.m): limb
    # scores with the distance prior, more than 80% of the 10 samples above
    # 0.05, persons with >= 4 parts and >= 0.4 per part, ranked by CMU's COCO
    # score (counting the 17 COCO keypoints, not the neck)
    limb_distance_prior=True,
    min_limb_sample_ratio=0.9,
    min_parts=4,
    min_mean_score=0.4,
    person_score='cmu_coco',
    counted_parts=[0] + list(range(2, 18)))

# model settings
model = dict(
    type='MultiScaleBottomupPoseEstimator',
    data_preprocessor=dict(
        type='PoseDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True),
    backbone=dict(
        type='OpenPoseVGG19',
        output_stride=fd,
        # torchvision's ImageNet VGG-19 (layer names match)
        init_cfg=dict(type='Pretrained', checkpoint='torchvision://vgg19')),
    head=dict(
        type='PartAffinityFieldHead',
        in_channels=128,
        num_keypoints=18,
        num_limbs=19,
        num_stages=6,
        with_block_offsets=codec['with_block_offsets'],
        paf_loss=dict(type='SummedSquaredErrorLoss'),
        heatmap_loss=dict(type='SummedSquaredErrorLoss'),
        offset_loss=dict(type='SummedSquaredErrorLoss'),
        decoder=codec,
        flip_indices={{_base_.openpose18_flip_indices}},
        output_converter=dict(
            num_keypoints=17, mapping={{_base_.openpose18_to_coco}})),
    # no flip at test time, as the paper and CMU's evalCOCO.m
    # (test_cfg.flip_test=True averages the flipped input's maps too)
    test_cfg=dict(
        flip_test=False,
        multiscale_test=True,
        scales=[0.5, 1.0, 1.5, 2.0],
        # the test pipeline resizes the image to the largest scale
        input_scale=2.0,
        size_divisor=fd))

# CocoMetric ranks the persons by the head's person score (bbox_scores: CMU's
# COCO score, see the codec), as evalCOCO.m ranks them
val_evaluator = dict(score_mode='bbox')
test_evaluator = dict(score_mode='bbox')

# pipelines
train_pipeline = [
    dict(type='LoadImage'),
    # CMU OpenPose's augmentation: centred on one person (jitter 40 px),
    # its height 0.6 x 368 x U(0.5, 1.1), rotation +-45 deg, then flip
    dict(
        type='PersonCentredRandomAffine',
        input_size=codec['input_size'],
        target_height=0.6,
        scale_factor=(0.5, 1.1),
        center_jitter=40.,
        rotate_factor=45.),
    dict(type='RandomFlip', direction='horizontal'),
    # COCO-17 -> OpenPose-18 (the neck from both shoulders; MMPose's
    # KeypointConverter with the flip pairs converted too)
    dict(
        type='FlipConsistentKeypointConverter',
        num_keypoints=18,
        mapping={{_base_.coco_to_openpose18}}),
    dict(type='GenerateTarget', encoder=codec),
    # loss mask: 0 over crowds and persons without keypoints (OpenPose's
    # mask_miss), on the heatmap and PAF losses of every stage; a cell is
    # masked if any invalid pixel touches it; outside the image is valid
    # (background), as CMU pads its mask
    dict(type='BottomupHeatmapMask', invalid_cell='any', outside_valid=True),
    dict(
        type='PackPoseInputs',
        meta_keys={{_base_.bottomup_train_meta_keys}}),
]
# CMU OpenPose's test resolution: image height 368 (x s for each scale of
# the multi-scale test), width by aspect ratio, padded to a multiple of fd
val_pipeline = [
    dict(type='LoadImage'),
    dict(
        # the image at the largest test scale (height 2 x 368); the
        # estimator makes the smaller scales from it (test_cfg.input_scale)
        type='BottomupResizeByHeight',
        input_size=tuple(2 * s for s in codec['input_size']),
        size_factor=fd),
    dict(
        type='PackPoseInputs',
        meta_keys={{_base_.bottomup_val_meta_keys}})
]

# one sample per main person, as CMU's genJSON.m (>= 5 keypoints, area >= 32^2,
# not within 0.3 x the box size of an earlier main person's centre), each
# centred on its person by PersonCentredRandomAffine
train_dataloader = dict(
    dataset=dict(pipeline=train_pipeline, sample_per='main_person'))
val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
test_dataloader = val_dataloader
