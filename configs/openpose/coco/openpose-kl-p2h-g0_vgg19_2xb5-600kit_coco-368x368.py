# Table I of Liu et al., L_p2h gamma = 0: OpenPose + KL self-supervision (PAFs predict heatmaps),
# eqs. (13), (14). The translation net is used in training only.
# With gamma = 0 the heatmaps have no loss of their own; they learn through
# L_kl, whose expected distribution F_s is not detached (as this package
# settles, so that this row can reach the paper's 58.4 AP).
_base_ = ['./openpose_vgg19_2xb5-600kit_coco-368x368.py']

gamma = 0.0  # eq. (14): heatmap loss x gamma, PAF loss x delta = gamma + 1
model = dict(
    head=dict(
        heatmap_loss=dict(loss_weight=gamma),
        paf_loss=dict(loss_weight=gamma + 1),
        self_supervision=dict(type='KLSelfSupervisionLoss', mode='p2h')))
