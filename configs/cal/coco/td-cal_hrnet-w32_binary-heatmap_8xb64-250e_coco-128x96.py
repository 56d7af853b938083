# Table 5 of Wang et al.: binary heatmaps B (eq. 6) instead of the
# Gaussian-weighted G = B*C (eq. 10). Paper: 72.3 AP (G: 74.3) on COCO val2017.
_base_ = ['./td-cal_hrnet-w32_8xb64-250e_coco-128x96.py']

codec = dict(
    type='ConfidenceAwareHeatmap',
    input_size=(96, 128),
    heatmap_size=(24, 32),
    sigma=1,
    radius=3,
    offset_scale=1.5,
    heatmap_type='binary')

model = dict(head=dict(decoder=codec))

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
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
