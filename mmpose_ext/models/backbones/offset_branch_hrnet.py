# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
import copy
import math
from typing import List, Tuple

import torch.nn.functional as F
from mmpose.models.backbones import HRNet
from mmpose.registry import MODELS
from torch import Tensor, nn


@MODELS.register_module()
class OffsetBranchHRNet(HRNet):
    """MMPose's HRNet with a second, separately weighted last stage for the
    offset field of Confidence-Aware Learning (Wang et al., *Low-resolution
    Human Pose Estimation*).

    The paper gives the heatmaps and the offsets separate branches; its model
    sizes (49.3M parameters for CAL/HRNet-W32 against 28.5M for HRNet-W32,
    110.3M against 63.6M for W48, Table 1) match a copy of HRNet's transition 3
    and stage 4 fed by the shared stages 1-3 (28.5 + 20.7 = 49.2M for W32,
    63.6 + 46.6 = 110.2M for W48).

    Returns the heatmap stage's outputs followed by the offset stage's: with
    ``stage4.multiscale_output=False`` (the default of MMPose's HRNet pose
    configs), ``(heatmap_features, offset_features)``, each (B, C, H/4, W/4).

    HRNet fuses its branches with fixed 2^k upsampling, so it needs input sides
    divisible by 32; a 64×48 input (the paper's lowest resolution) is not. Such
    an input is zero-padded on both sides to the next multiple of 32 (48 → 8 +
    48 + 8), so that the horizontally flipped crop of the flip test sees
    mirrored context, and each output is cropped back to the input's extent
    (stride-4 outputs: 16×12 from 16×16, columns 2-13). The left/top pad is
    half the padding rounded down to a multiple of 4, so that the stride-4
    outputs stay aligned with the input grid; it is symmetric whenever half
    the padding is a multiple of 4 (every size of the paper). Inputs whose
    sides divide by 32 are not touched.

    Args:
        copy_stage4_weights (bool): start the offset stage from the heatmap
            stage's weights (so a pretrained stage 4 initialises both).
            Defaults to True
        **kwargs: as for :class:`mmpose.models.backbones.HRNet`
    """

    def __init__(self, *args, copy_stage4_weights: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.copy_stage4_weights = copy_stage4_weights
        self.offset_transition3 = copy.deepcopy(self.transition3)
        self.offset_stage4 = copy.deepcopy(self.stage4)

    def init_weights(self):
        super().init_weights()
        if self.copy_stage4_weights:
            self.offset_transition3.load_state_dict(
                self.transition3.state_dict())
            self.offset_stage4.load_state_dict(self.stage4.state_dict())

    @staticmethod
    def _branch_inputs(transition: nn.ModuleList, y_list: List[Tensor],
                       num_branches: int) -> List[Tensor]:
        """The inputs of a stage from the previous stage's outputs."""
        return [
            transition[i](y_list[-1])
            if transition[i] is not None else y_list[i]
            for i in range(num_branches)
        ]

    @staticmethod
    def _padding(size: int) -> Tuple[int, int]:
        """(before, after) zero padding that makes ``size`` divisible by 32."""
        total = (-size) % 32
        before = (total // 2) // 4 * 4
        return before, total - before

    def forward(self, x: Tensor) -> Tuple[Tensor, ...]:
        height, width = x.shape[-2:]
        (top, bottom), (left, right) = self._padding(height), self._padding(
            width)
        if top or bottom or left or right:
            x = F.pad(x, (left, right, top, bottom))
        x = self.relu(self.norm1(self.conv1(x)))
        x = self.relu(self.norm2(self.conv2(x)))
        x = self.layer1(x)
        y_list = self.stage2(
            [t(x) if t is not None else x for t in self.transition1])
        y_list = self.stage3(
            self._branch_inputs(self.transition2, y_list,
                                self.stage3_cfg['num_branches']))
        branches = self.stage4_cfg['num_branches']
        heatmap_features = self.stage4(
            self._branch_inputs(self.transition3, y_list, branches))
        offset_features = self.offset_stage4(
            self._branch_inputs(self.offset_transition3, y_list, branches))
        outputs = tuple(heatmap_features) + tuple(offset_features)
        if top or bottom or left or right:
            padded_h, padded_w = height + top + bottom, width + left + right
            cropped = []
            for out in outputs:
                stride_h = padded_h // out.shape[-2]
                stride_w = padded_w // out.shape[-1]
                y0, x0 = top // stride_h, left // stride_w
                cropped.append(out[..., y0:y0 + math.ceil(height / stride_h),
                                   x0:x0 + math.ceil(width / stride_w)])
            outputs = tuple(cropped)
        return outputs
