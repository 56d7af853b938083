# Table II of Liu et al., Ours alpha = 100: OpenPose + the Spatial Attention
# Loss Mask on the PAFs (eqs. (15), (16)), PDD uniform (beta = 1: no change).
_base_ = ['./openpose_vgg19_2xb5-600kit_coco-368x368.py']

model = dict(
    head=dict(
        paf_loss=dict(
            _delete_=True,
            type='SpatialAttentionLoss',
            alpha=100.0,
            loss=dict(type='SummedSquaredErrorLoss'))))
# the base rate divided by 10: SALM weights the PAF pixels near limbs by up to
# alpha + 1 = 101, ten times alpha = 10's 11, and L0's sums of squares "could
# be balanced by reducing the learning rate" (section III). Measured with
# tools/analysis_tools/check_training_start.py (10 iterations, the bundled
# sample, random VGG layers, CMU's per-layer rates, 2026-12-06): at 2e-5 the
# loss rises (1.7e5 -> 2.1e5), at 2e-6 it falls (1.5e5 -> 1.4e5); alpha = 10
# falls at 2e-5 (2.0e4 -> 1.6e4).
optim_wrapper = dict(optimizer=dict(lr=2e-5 / 10))
