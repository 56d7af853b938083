# Table 3 of Wang et al.: stage 2 weighs the offset loss with the binary disk
# instead of Mixed Gaussian Masks. Paper: 73.3 AP (MGM: 74.3) on COCO val2017.
_base_ = ['./td-cal_hrnet-w32_8xb64-250e_coco-128x96.py']

model = dict(head=dict(loss=dict(stage2_mask='binary')))
