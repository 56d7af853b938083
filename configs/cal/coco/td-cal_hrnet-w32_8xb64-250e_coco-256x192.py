# CAL with HRNet-W32 at 256x192 on COCO, 2 GMM components.
# Paper: 78.6 AP on COCO val2017 (Table 4).
_base_ = ['./td-cal_hrnet-w32_8xb64-250e_coco-128x96.py']

# codec settings: sigma 2 at 192x256 input, disk radius ceil(3 sigma) = 6
# (the codec's default; R = 4 kept 86% of the Gaussian); alpha 1.0 (the
# authors' release above 128x96)
codec = dict(
    type='ConfidenceAwareHeatmap',
    input_size=(192, 256),
    heatmap_size=(48, 64),
    sigma=2,
    radius=6,
    offset_scale=1.5)

model = dict(
    head=dict(
        # GMM: 1 up to 128x96, 2 above; the MGM window follows the disk
        loss=dict(num_components=2, alpha=1.0, radius=codec['radius']),
        decoder=codec))

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
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
test_dataloader = val_dataloader
