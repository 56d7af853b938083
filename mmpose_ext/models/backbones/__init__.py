# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
from .context_resnet import ContextResNet
from .offset_branch_hrnet import OffsetBranchHRNet

__all__ = ['ContextResNet', 'OffsetBranchHRNet']
