# CAL with HRNet-W48 at 128x96 on COCO.
# Paper: 75.0 AP on COCO val2017 (Table 8), 72.3 AP on test-dev (Table 1);
# 110.3M parameters, 5.3 GFLOPs (Table 1).
_base_ = ['./td-cal_hrnet-w32_8xb64-250e_coco-128x96.py']

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
    # alpha 1.0: the authors' release for HRNet-W48 (0.7 for W32 up to 128x96)
    head=dict(in_channels=48, loss=dict(alpha=1.0)))
