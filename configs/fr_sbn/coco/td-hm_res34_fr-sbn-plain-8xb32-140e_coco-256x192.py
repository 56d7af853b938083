# Table 1 of Ou, Chen, Wu (ResNet-34, 256x192, COCO val2017): FR-SBN: five decoders to full resolution, no GCB, no fusion. Paper: 71.0 AP.
# The full model (FR-SBN + GCB + SA-MFCD, 72.5 AP) is
# td-hm_res34_fr-sbn-8xb32-140e_coco-256x192.py.
_base_ = ['./td-hm_res34_fr-sbn-8xb32-140e_coco-256x192.py']

model = dict(
    backbone=dict(type='ResNet'),
    neck=dict(decoder_context=False, fusion=None))
