# Table 7 of Wang et al.: one-stage training, Mixed Gaussian Masks from the
# first epoch (no stage switch). Paper: 73.7 AP (two-stage: 74.3) on val2017.
_base_ = ['./td-cal_hrnet-w32_8xb64-250e_coco-128x96.py']

custom_hooks = [dict(type='SyncBuffersHook'), dict(type='FiniteLossHook'),
                dict(type='RandomStateHook')]
model = dict(head=dict(loss=dict(stage=2)))
