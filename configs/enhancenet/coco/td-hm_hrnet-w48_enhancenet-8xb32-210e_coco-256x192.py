# EnhanceNet (Liu, Dou et al., "Belief Map Enhancement Network for Accurate
# Human Pose Estimation") on MMPose's HRNet-W48 at 256x192 on COCO: the belief
# maps are super-resolved 4x (64x48 -> 256x192) by sub-pixel convolution.
# Paper (Table 4, COCO val2017 AP): 75.0 -> 75.8.
_base_ = ['./td-hm_hrnet-w32_enhancenet-8xb64-210e_coco-256x192.py']

# HRNet-W48: widths 48/96/192/384, ImageNet-pretrained W48, batch 32 per GPU
# (as MMPose's td-hm_hrnet-w48_8xb32-210e_coco-256x192.py)
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
    head=dict(base_head=dict(in_channels=48)))
train_dataloader = dict(batch_size=32)
