# Associative Embedding with EnhanceNet on its detection branch (Liu, Dou et
# al., Tables 4 and 6) on a small HRNet at 256x256, trained from scratch on the
# bundled COCO sample (4 images, 12 persons) on CPU: L^LR on the 64x64
# detection heatmaps, L^HR on the 4x enhanced 256x256 ones (eq. 8), MMPose's
# tag loss, the loss masked over the sample's 2 persons without keypoints.
# 1000 one-step epochs (about 4.5 min on 2 CPU cores). Evaluated on the images
# it trains on, so its AP (0.358 measured here; AP .5 0.863) checks that
# training, grouping and evaluation are wired correctly, not generalisation.
_base_ = [
    '../../_base_/schedules/sample_cpu_300e.py',
    '../../_base_/datasets/coco_sample_bottomup.py',
]

custom_imports = dict(imports=['mmpose_ext'], allow_failed_imports=False)
# keypoint maps without a background channel, and PAF arrows where the
# samples have them (browse_dataset, test.py --show-dir, --draw-heatmap)
visualizer = dict(type='PartAffinityFieldVisualizer')

# codec settings: MMPose's AE targets at 64x64 plus the 4x targets (sigma * 4)
upscale_factor = 4
codec = dict(
    type='AssociativeEmbedding',
    input_size=(256, 256),
    heatmap_size=(64, 64),
    sigma=2,
    decode_topk=30,
    decode_center_shift=0.5,
    decode_keypoint_order=[
        0, 1, 2, 3, 4, 5, 6, 11, 12, 7, 8, 9, 10, 13, 14, 15, 16
    ],
    decode_max_instances=30)
train_codec = dict(
    codec, type='EnhancedAssociativeEmbedding', upscale_factor=upscale_factor)

# model settings (no pretrained weights: nothing is downloaded)
model = dict(
    type='BottomupPoseEstimator',
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
        type='AssociativeEmbeddingEnhancementHead',
        in_channels=16,
        num_keypoints=17,
        tag_dim=1,
        tag_per_keypoint=True,
        deconv_out_channels=None,
        upscale_factor=upscale_factor,
        channels=64,
        enhance_input='features+maps',
        upscaler='subpixel',
        hr_loss_weight=1.0,
        # MMPose's 1000:1 ratio of heatmap to tag loss at a scale where the
        # tags learn to group in 1000 steps from scratch (measured here:
        # 1 : 0.001 reached AP 0.015 in 300 steps; 1000 : 0.001, 1000 steps,
        # 0.157; 1000 : 1, 1000 steps, 0.358)
        keypoint_loss=dict(type='KeypointMSELoss', loss_weight=1000.),
        tag_loss=dict(type='AssociativeEmbeddingLoss', loss_weight=1.0),
        # M^HR is at the input size: decode there
        decoder=dict(codec, heatmap_size=codec['input_size'])),
    test_cfg=dict(
        multiscale_test=False,
        flip_test=True,
        shift_heatmap=False,
        restore_heatmap_size=True,
        align_corners=False))

# pipelines: mild augmentation; the short side is fitted to 256 in training
# as BottomupResize's 'expand' mode does at test time (MMPose's AE recipe)
train_pipeline = [
    dict(type='LoadImage'),
    dict(
        type='BottomupRandomAffine',
        input_size=codec['input_size'],
        shift_factor=0.05,
        scale_factor=(0.85, 1.15),
        scale_type='long',
        rotate_factor=10.),
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='GenerateTarget', encoder=train_codec),
    dict(type='BottomupHeatmapMask'),
    dict(
        type='PackPoseInputs',
        meta_keys={{_base_.bottomup_train_meta_keys}}),
]
val_pipeline = [
    dict(type='LoadImage'),
    dict(
        type='BottomupResize',
        input_size=codec['input_size'],
        size_factor=64,
        resize_mode='expand'),
    dict(
        type='PackPoseInputs',
        meta_keys={{_base_.bottomup_val_meta_keys}})
]

train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
test_dataloader = val_dataloader

# instances scored by the grouping's score, as MMPose's AE configs
val_evaluator = dict(score_mode='bbox')
test_evaluator = val_evaluator

# 1000 one-step epochs, the decays at 80% and 94%
train_cfg = dict(max_epochs=1000, val_interval=1000)
param_scheduler = [
    dict(type='LinearLR', begin=0, end=10, start_factor=0.01, by_epoch=False),
    dict(
        type='MultiStepLR',
        begin=0,
        end=1000,
        milestones=[800, 940],
        gamma=0.1,
        by_epoch=True)
]
