# Table II of Liu et al., Ours linear: OpenPose + Progressive Direction
# Distinction (eq. (17)) on heatmaps and PAFs, beta per stage 'linear'
# (mmpose_ext.models.losses.PDD_SCHEDULES), SALM alpha = 0.
_base_ = ['./openpose_vgg19_2xb5-600kit_coco-368x368.py']

model = dict(
    head=dict(
        heatmap_loss=dict(
            _delete_=True,
            type='ProgressiveDirectionLoss',
            betas='linear',
            loss=dict(type='SummedSquaredErrorLoss')),
        paf_loss=dict(
            _delete_=True,
            type='ProgressiveDirectionLoss',
            betas='linear',
            loss=dict(type='SummedSquaredErrorLoss'))))
