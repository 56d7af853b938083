# CAL with HRNet-W32 at 384x288 on COCO, 2 GMM components.
# The paper reports no number for this setting.
_base_ = ['./td-cal_hrnet-w32_8xb64-250e_coco-128x96.py']

# codec settings: sigma 3 at 288x384 input, disk radius ceil(3 sigma) = 9
# (the codec's default; R = 4 kept 59% of the Gaussian); alpha 1.0 (the
# authors' release above 128x96)
codec = dict(
    type='ConfidenceAwareHeatmap',
    input_size=(288, 384),
    heatmap_size=(72, 96),
    sigma=3,
    radius=9,
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
