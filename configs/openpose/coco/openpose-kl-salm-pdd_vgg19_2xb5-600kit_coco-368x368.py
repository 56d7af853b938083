# Table III of Liu et al., OpenPose_w: OpenPose trained with all of section III:
# KL self-supervision (p2h, gamma = 9, delta = 10), SALM (alpha = 10) and PDD
# (quadratic-b) on heatmaps and PAFs.
_base_ = ['./openpose_vgg19_2xb5-600kit_coco-368x368.py']

gamma = 9.
pdd_betas = 'quadratic-b'
model = dict(
    head=dict(
        heatmap_loss=dict(
            _delete_=True,
            type='ProgressiveDirectionLoss',
            betas=pdd_betas,
            loss=dict(type='SummedSquaredErrorLoss', loss_weight=gamma)),
        paf_loss=dict(
            _delete_=True,
            type='ProgressiveDirectionLoss',
            betas=pdd_betas,
            loss=dict(
                type='SpatialAttentionLoss',
                alpha=10.,
                loss=dict(
                    type='SummedSquaredErrorLoss', loss_weight=gamma + 1))),
        self_supervision=dict(type='KLSelfSupervisionLoss', mode='p2h')))
