# Table I of Liu et al., L_p2h gamma = 0: OpenPose + KL self-supervision (PAFs predict heatmaps),
# eqs. (13), (14). The translation net is used in training only.
# Note: with gamma = 0 the heatmaps have no loss of their own (F_s is
# detached in L_kl, as this package settles); the row is kept as the paper lists it.
_base_ = ['./openpose_vgg19_2xb5-600kit_coco-368x368.py']

gamma = 0.0  # eq. (14): heatmap loss x gamma, PAF loss x delta = gamma + 1
model = dict(
    head=dict(
        heatmap_loss=dict(loss_weight=gamma),
        paf_loss=dict(loss_weight=gamma + 1),
        self_supervision=dict(type='KLSelfSupervisionLoss', mode='p2h')))
