# FR-SBN with ResNet-101 at 256x192 on COCO (Table 2 of the paper).
_base_ = ['./td-hm_res34_fr-sbn-8xb32-140e_coco-256x192.py']

# ResNet-101: bottleneck stages with 256/512/1024/2048 channels
model = dict(
    backbone=dict(
        depth=101,
        init_cfg=dict(type='Pretrained', checkpoint='torchvision://resnet101')),
    neck=dict(in_channels=(256, 512, 1024, 2048)))
