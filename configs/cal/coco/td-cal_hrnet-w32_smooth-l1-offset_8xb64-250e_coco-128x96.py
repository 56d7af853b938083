# Table 6 of Wang et al.: smooth_l1 loss on the offsets instead of L1.
# Paper: 72.8 AP (L1: 74.3) on COCO val2017.
_base_ = ['./td-cal_hrnet-w32_8xb64-250e_coco-128x96.py']

model = dict(head=dict(loss=dict(offset_loss='smooth_l1')))
