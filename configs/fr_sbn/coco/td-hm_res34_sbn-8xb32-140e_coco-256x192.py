# Table 1 of Ou, Chen, Wu (ResNet-34, 256x192, COCO val2017): SBN-34: SimpleBaseline with three decoders, output stride 4. Paper: 69.8 AP.
# The full model (FR-SBN + GCB + SA-MFCD, 72.5 AP) is
# td-hm_res34_fr-sbn-8xb32-140e_coco-256x192.py.
_base_ = ['./td-hm_res34_fr-sbn-8xb32-140e_coco-256x192.py']

codec = dict(
    type='MSRAHeatmap', input_size=(192, 256), heatmap_size=(48, 64), sigma=2)
model = dict(
    backbone=dict(type='ResNet'),
    neck=dict(decoder_channels=(256, 256, 256), decoder_context=False,
              fusion=None),
    head=dict(in_channels=256, decoder=codec),
    test_cfg=dict(shift_heatmap=True))

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
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
