# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
from .context_resnet import ContextResNet
from .offset_branch_hrnet import OffsetBranchHRNet
from .openpose_vgg19 import OpenPoseVGG19

__all__ = ['ContextResNet', 'OffsetBranchHRNet', 'OpenPoseVGG19']
