# Table 4 of Wang et al.: 2 GMM components at 128x96.
# Paper: 73.6 AP (1 component: 74.3) on COCO val2017.
_base_ = ['./td-cal_hrnet-w32_8xb64-250e_coco-128x96.py']

model = dict(head=dict(loss=dict(num_components=2)))
