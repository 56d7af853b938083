# Table III of Liu et al., Ours_w, and the final model of Table IV: OpenPose +
# RIE (block-inside offsets) trained with all of section III: KL
# self-supervision (p2h, gamma = 9, delta = 10), SALM (alpha = 10) and PDD
# (quadratic-b) on heatmaps, PAFs and offsets.
_base_ = ['./openpose-rie_vgg19_2xb5-600kit_coco-368x368.py']

gamma = 9.

# the learning rate divided by delta = gamma + 1, the factor L1 puts on the
# PAF losses (eq. (14)): L0's sums of squares "could be balanced by reducing
# the learning rate" (section III), and L1 multiplies them again. Measured
# with tools/analysis_tools/check_training_start.py (20 iterations, the
# bundled sample, random VGG layers, CMU's per-layer rates): the final
# Table IV config diverges at 2e-5 (loss 3.0e5 -> 4.5e7 at iteration 2) and
# falls at 2e-5 / 10 (5.4e5 -> 2.0e5); the baseline falls at 2e-5.
optim_wrapper = dict(optimizer=dict(lr=2e-5 / (gamma + 1)))
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
        offset_loss=dict(
            _delete_=True,
            type='ProgressiveDirectionLoss',
            betas=pdd_betas,
            # eq. (14) leaves the offsets out; they get delta like the PAFs,
            # so that gamma does not shrink their share of the loss tenfold
            loss=dict(type='SummedSquaredErrorLoss', loss_weight=gamma + 1)),
        self_supervision=dict(type='KLSelfSupervisionLoss', mode='p2h')))
