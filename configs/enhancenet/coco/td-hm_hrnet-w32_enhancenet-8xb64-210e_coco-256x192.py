# EnhanceNet (Liu, Dou et al., "Belief Map Enhancement Network for Accurate
# Human Pose Estimation") on MMPose's HRNet-W32 at 256x192 on COCO: the belief
# maps are super-resolved 4x (64x48 -> 256x192) by sub-pixel convolution.
# Paper (Table 4, COCO val2017 AP): 74.3 -> 75.1.
_base_ = ['mmpose::body_2d_keypoint/topdown_heatmap/coco/td-hm_hrnet-w32_8xb64-210e_coco-256x192.py']

custom_imports = dict(imports=['mmpose_ext'], allow_failed_imports=False)
custom_hooks = [dict(type='SyncBuffersHook'), dict(type='FiniteLossHook'),
                dict(type='RandomStateHook')]

# low-resolution targets as the base model makes them; high-resolution targets
# at r = 4 times the size with sigma * r (eq. 6)
upscale_factor = 4
codec = dict(
    type='MSRAHeatmap', input_size=(192, 256), heatmap_size=(48, 64), sigma=2)
hr_codec = dict(
    type='MSRAHeatmap',
    input_size=(192, 256),
    heatmap_size=(48 * upscale_factor, 64 * upscale_factor),
    sigma=2 * upscale_factor)

model = dict(
    head=dict(
        _delete_=True,
        type='BeliefMapEnhancementHead',
        base_head=dict(
            type='HeatmapHead',
            in_channels=32,
            out_channels=17,
            deconv_out_channels=None,
            loss=dict(type='KeypointMSELoss', use_target_weight=True)),
        upscale_factor=upscale_factor,
        channels=128,
        enhance_input='features+maps',
        upscaler='subpixel',
        hr_loss=dict(
            type='KeypointMSELoss', use_target_weight=True, loss_weight=1.0),
        decoder=hr_codec),
    # the enhanced maps are at input resolution: a flipped map lines up
    # exactly, so no shift
    test_cfg=dict(flip_test=True, flip_mode='heatmap', shift_heatmap=False))

train_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='RandomHalfBody'),
    dict(type='RandomBBoxTransform'),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='GenerateTarget', encoder=[codec, hr_codec], multilevel=True),
    dict(type='PackPoseInputs')
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
