# Table I of Liu et al., L_h2p gamma = 9: OpenPose + KL self-supervision (heatmaps predict PAFs),
# eqs. (13), (14). The translation net is used in training only.
_base_ = ['./openpose_vgg19_2xb5-600kit_coco-368x368.py']

gamma = 9.0  # eq. (14): heatmap loss x gamma, PAF loss x delta = gamma + 1
model = dict(
    head=dict(
        heatmap_loss=dict(loss_weight=gamma),
        paf_loss=dict(loss_weight=gamma + 1),
        self_supervision=dict(type='KLSelfSupervisionLoss', mode='h2p')))
