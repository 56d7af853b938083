# FR-SBN with ResNet-101 at 384x288 on COCO (Table 2 of the paper).
_base_ = ['./td-hm_res101_fr-sbn-8xb32-140e_coco-256x192.py']

# codec settings: full-resolution Gaussian heatmaps, sigma 12 input pixels
codec = dict(
    type='MSRAHeatmap', input_size=(288, 384), heatmap_size=(288, 384),
    sigma=12)
model = dict(neck=dict(input_size=codec['input_size']), head=dict(decoder=codec))

train_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='RandomHalfBody'),
    dict(
        type='RandomBBoxTransform', scale_factor=(0.7, 1.3),
        rotate_factor=40),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='GenerateTarget', encoder=codec),
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
