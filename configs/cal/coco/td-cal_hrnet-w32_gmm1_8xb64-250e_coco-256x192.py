# Table 4 of Wang et al.: 1 GMM component(s) at 256x192.
# Paper: 78.5 AP (2 components: 78.6) on COCO val2017.
_base_ = ['./td-cal_hrnet-w32_8xb64-250e_coco-256x192.py']

model = dict(head=dict(loss=dict(num_components=1)))
