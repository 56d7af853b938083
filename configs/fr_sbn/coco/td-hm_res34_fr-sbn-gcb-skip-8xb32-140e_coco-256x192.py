# Table 1 of Ou, Chen, Wu (ResNet-34, 256x192, COCO val2017): FR-SBN + GCB + plain skip connections. Paper: 71.7 AP.
# The full model (FR-SBN + GCB + SA-MFCD, 72.5 AP) is
# td-hm_res34_fr-sbn-8xb32-140e_coco-256x192.py.
_base_ = ['./td-hm_res34_fr-sbn-8xb32-140e_coco-256x192.py']

model = dict(neck=dict(fusion='skip'))
