# EnhanceNet on a 2-stack Hourglass at 256x256 on MPII (MMPose's Hourglass52
# config with num_stacks=2): the last stack's belief maps are super-resolved
# 4x (64x64 -> 256x256); every stack keeps its low-resolution loss.
# Paper (Table 1, MPII val PCKh@0.5 mean): 87.14 -> 87.96.
_base_ = ['mmpose::body_2d_keypoint/topdown_heatmap/mpii/td-hm_hourglass52_8xb64-210e_mpii-256x256.py']

custom_imports = dict(imports=['mmpose_ext'], allow_failed_imports=False)
custom_hooks = [dict(type='SyncBuffersHook'), dict(type='FiniteLossHook'),
                dict(type='RandomStateHook')]

num_stacks = 2
upscale_factor = 4
codec = dict(
    type='MSRAHeatmap', input_size=(256, 256), heatmap_size=(64, 64), sigma=2)
hr_codec = dict(
    type='MSRAHeatmap',
    input_size=(256, 256),
    heatmap_size=(64 * upscale_factor, 64 * upscale_factor),
    sigma=2 * upscale_factor)

model = dict(
    backbone=dict(num_stacks=num_stacks),
    head=dict(
        _delete_=True,
        type='BeliefMapEnhancementHead',
        base_head=dict(
            type='CPMHead',
            in_channels=256,
            out_channels=16,
            num_stages=num_stacks,
            deconv_out_channels=None,
            loss=dict(type='KeypointMSELoss', use_target_weight=True)),
        upscale_factor=upscale_factor,
        channels=128,
        decoder=hr_codec),
    test_cfg=dict(flip_test=True, flip_mode='heatmap', shift_heatmap=False))

train_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='RandomBBoxTransform', shift_prob=0),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='GenerateTarget', encoder=[codec, hr_codec], multilevel=True),
    dict(type='PackPoseInputs')
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
