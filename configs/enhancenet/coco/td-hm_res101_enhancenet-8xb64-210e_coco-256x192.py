# EnhanceNet (Liu, Dou et al., "Belief Map Enhancement Network for Accurate
# Human Pose Estimation") on MMPose's SimpleBaseline (ResNet-101) at 256x192 on COCO: the belief
# maps are super-resolved 4x (64x48 -> 256x192) by sub-pixel convolution.
# Paper (Table 4, COCO val2017 AP): 71.4 -> 72.1.
_base_ = ['./td-hm_res50_enhancenet-8xb64-210e_coco-256x192.py']

# ResNet-101: everything else as the ResNet-50 config (as in MMPose)
model = dict(
    backbone=dict(
        depth=101,
        init_cfg=dict(type='Pretrained',
                      checkpoint='torchvision://resnet101')))
