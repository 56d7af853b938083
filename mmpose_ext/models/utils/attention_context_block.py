# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
from typing import List, Tuple

from mmcv.cnn import ContextBlock
from torch import Tensor


class AttentionContextBlock(ContextBlock):
    """mmcv's GCNet :class:`~mmcv.cnn.ContextBlock` that also returns its
    spatial attention heatmap (SAH).

    FR-SBN (Ou, Chen, Wu, *Full-Resolution Encoder-Decoder Networks with
    Multi-Scale Feature Fusion for Human Pose Estimation*, Fig. 1b/1c) feeds the
    logits of the block's 1×1 attention convolution (``conv_mask``, before the
    softmax) to its SA-MFCD module. The block itself is mmcv's, unchanged; the
    logits are read from ``conv_mask`` with a forward hook during the call.

    Args:
        in_channels (int): C
        ratio (float): bottleneck ratio. Defaults to 1/16, as in GCNet
        **kwargs: as for :class:`~mmcv.cnn.ContextBlock` (``pooling_type``
            must stay ``'att'``, which has the attention map)

    Shapes: ``forward`` (B, C, H, W) → output (B, C, H, W) and attention
    logits (B, 1, H, W).
    """

    def __init__(self, in_channels: int, ratio: float = 1. / 16, **kwargs):
        if kwargs.get('pooling_type', 'att') != 'att':
            raise ValueError('AttentionContextBlock needs pooling_type="att": '
                             'average pooling has no attention map')
        super().__init__(in_channels, ratio, **kwargs)

    def forward(self, x: Tensor) -> Tuple[Tensor, Tensor]:
        logits: List[Tensor] = []
        handle = self.conv_mask.register_forward_hook(
            lambda module, inputs, output: logits.append(output))
        try:
            out = super().forward(x)
        finally:
            handle.remove()
        return out, logits[0]
