# Table II of Liu et al., Ours alpha = 1: OpenPose + the Spatial Attention
# Loss Mask on the PAFs (eqs. (15), (16)), PDD uniform (beta = 1: no change).
_base_ = ['./openpose_vgg19_2xb5-600kit_coco-368x368.py']

model = dict(
    head=dict(
        paf_loss=dict(
            _delete_=True,
            type='SpatialAttentionLoss',
            alpha=1.0,
            loss=dict(type='SummedSquaredErrorLoss'))))
