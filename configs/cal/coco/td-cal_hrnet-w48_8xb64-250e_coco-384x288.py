# CAL with HRNet-W48 at 384x288 on COCO, 2 GMM components.
# Paper: 78.2 AP on COCO val2017, 110.2M parameters, 47.2 GFLOPs (Table 9).
_base_ = ['./td-cal_hrnet-w32_8xb64-250e_coco-384x288.py']

# HRNet-W48: widths 48/96/192/384, ImageNet-pretrained W48
model = dict(
    backbone=dict(
        extra=dict(
            stage2=dict(num_channels=(48, 96)),
            stage3=dict(num_channels=(48, 96, 192)),
            stage4=dict(num_channels=(48, 96, 192, 384))),
        init_cfg=dict(
            type='Pretrained',
            checkpoint='https://download.openmmlab.com/mmpose/'
            'pretrain_models/hrnet_w48-8ef0771d.pth')),
    head=dict(in_channels=48))
