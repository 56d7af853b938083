# EnhanceNet on a 4-stack Hourglass at 256x256 on MPII (MMPose's Hourglass52
# config with num_stacks=4): the last stack's belief maps are super-resolved
# 4x (64x64 -> 256x256); every stack keeps its low-resolution loss.
# Paper (Table 1, MPII val PCKh@0.5 mean): 88.34 -> 88.81.
_base_ = ['./td-hm_hourglass52-2stack_enhancenet-8xb64-210e_mpii-256x256.py']

num_stacks = 4
model = dict(
    backbone=dict(num_stacks=num_stacks),
    head=dict(base_head=dict(num_stages=num_stacks)))
