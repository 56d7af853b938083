# CAL with HRNet-W32 at 64x48 on COCO (OffsetBranchHRNet pads the input to
# 64x64 and crops its outputs back to 16x12).
# Paper: 58.4 AP on COCO val2017 (Table 8).
_base_ = ['./td-cal_hrnet-w32_8xb64-250e_coco-128x96.py']

# codec settings: sigma 0.5 at 48x64 input, disk radius ceil(3 sigma) = 2
# (the codec's default, at least 2); alpha 0.7 (the authors' release, W32)
codec = dict(
    type='ConfidenceAwareHeatmap',
    input_size=(48, 64),
    heatmap_size=(12, 16),
    sigma=0.5,
    radius=2,
    offset_scale=1.5)

model = dict(
    head=dict(
        # GMM: 1 up to 128x96, 2 above; the MGM window follows the disk
        loss=dict(num_components=1, radius=codec['radius']),
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
