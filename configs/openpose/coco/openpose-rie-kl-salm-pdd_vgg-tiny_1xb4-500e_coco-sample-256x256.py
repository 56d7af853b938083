# The tiny sample config of bottom-up OpenPose + RIE with all of section III
# of Liu et al. on: KL self-supervision (p2h, gamma = 9, delta = gamma + 1),
# SALM (alpha = 10) and PDD (beta per stage, three stages). Same model,
# schedule and data as its plain-L2 parent, so the two compare directly
# (tools/analysis_tools/benchmark_openpose_losses.py).
_base_ = ['./openpose-rie_vgg-tiny_1xb4-500e_coco-sample-256x256.py']

gamma = 9.
pdd_betas = [0., .31, 1.]  # quadratic-b at stages 1, 4 and 6 of six

model = dict(
    head=dict(
        heatmap_loss=dict(
            type='ProgressiveDirectionLoss',
            betas=pdd_betas,
            loss=dict(type='SummedSquaredErrorLoss', loss_weight=gamma)),
        paf_loss=dict(
            type='ProgressiveDirectionLoss',
            betas=pdd_betas,
            loss=dict(
                type='SpatialAttentionLoss',
                alpha=10.,
                loss=dict(
                    type='SummedSquaredErrorLoss', loss_weight=gamma + 1))),
        offset_loss=dict(
            type='ProgressiveDirectionLoss',
            betas=pdd_betas,
            # eq. (14) leaves the offsets out; they get delta like the PAFs,
            # so that gamma does not shrink their share of the loss tenfold
            loss=dict(type='SummedSquaredErrorLoss', loss_weight=gamma + 1)),
        self_supervision=dict(type='KLSelfSupervisionLoss', mode='p2h')))
