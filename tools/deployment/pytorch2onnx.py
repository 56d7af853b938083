# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""Export a top-down pose model (backbone + head, the tensor-mode forward) to
ONNX with ``torch.onnx`` and check it with onnxruntime: the keypoints decoded
from the ONNX outputs must match those decoded from PyTorch's within
``--tolerance`` input pixels (default 1e-3).

    python tools/deployment/pytorch2onnx.py CONFIG CHECKPOINT \
        [--output model.onnx] [--image IMG] [--tolerance 1e-3]

The check runs both on a real image (by default the bundled demo image,
whole image as the person box) through the config's test pipeline.

Decoding stays in Python (the model's codec), as in MMPose's deployment:
the ONNX graph maps a normalised (B, 3, h, w) crop to the head's maps.
"""
import argparse
import os.path as osp
import sys
import warnings

import numpy as np
import torch
from torch import nn

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
DEFAULT_IMAGE = osp.join(REPO, 'demo/resources/000000197388.jpg')


class TensorForward(nn.Module):
    """The model's tensor-mode forward with its outputs as a flat tuple."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, inputs: torch.Tensor):
        outputs = self.model._forward(inputs)
        return tuple(outputs) if isinstance(outputs, (tuple, list)) else (
            outputs, )


def structure_of(outputs):
    """Whether the head returns one tensor or a tuple of them."""
    return 'tuple' if isinstance(outputs, (tuple, list)) else 'tensor'


def load_model(config: str, checkpoint: str):
    from mmpose.apis import init_model
    from mmpose.utils import register_all_modules
    register_all_modules()
    for path, what in ((config, 'config'), (checkpoint, 'checkpoint')):
        if not osp.isfile(path):
            sys.exit(f'pytorch2onnx: no {what} at {path}')
    from mmengine.config import Config
    model_type = Config.fromfile(config).model.type
    if model_type != 'TopdownPoseEstimator':
        sys.exit(f'pytorch2onnx: {config} builds a {model_type}; this tool '
                 'exports top-down models (TopdownPoseEstimator)')
    return init_model(config, checkpoint, device='cpu').eval()


def image_inputs(model, image: str) -> torch.Tensor:
    """(1, 3, h, w): ``image`` (whole image as the box) through the config's
    test pipeline and the model's data preprocessor, as inference does."""
    import cv2
    from mmengine.dataset import Compose, pseudo_collate
    img = cv2.imread(image)
    if img is None:
        raise FileNotFoundError(f'pytorch2onnx: cannot read image {image}')
    h, w = img.shape[:2]
    data_info = dict(img=img, bbox=np.array([[0, 0, w, h]], np.float32),
                     bbox_score=np.ones(1, np.float32))
    data_info.update(model.dataset_meta)
    pipeline = Compose(model.cfg.test_dataloader.dataset.pipeline)
    data = pseudo_collate([pipeline(data_info)])
    return model.data_preprocessor(data)['inputs']


def export(model, output: str, inputs: torch.Tensor) -> None:
    """Write the ONNX file, traced with ``inputs``."""
    wrapper = TensorForward(model).eval()
    with torch.no_grad():
        num_outputs = len(wrapper(inputs))
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        torch.onnx.export(
            wrapper, (inputs, ),
            output,
            input_names=['input'],
            output_names=[f'output_{i}' for i in range(num_outputs)],
            opset_version=17,
            dynamo=False)


def decoded_keypoints(model, head_outputs, batch_size: int) -> np.ndarray:
    """Keypoints (B, K, 2) in input pixels that the head decodes from
    ``head_outputs``, flip test off (the graph is one forward)."""
    from mmpose.structures import PoseDataSample
    head = model.head
    original = head.forward
    head.forward = lambda feats: head_outputs
    try:
        samples = [PoseDataSample(metainfo=dict(
            flip_indices=model.dataset_meta['flip_indices']))
                   for _ in range(batch_size)]
        preds = head.predict((None, ), samples, test_cfg=dict(
            flip_test=False))
    finally:
        head.forward = original
    if isinstance(preds, tuple):
        preds = preds[0]
    return np.stack([p.keypoints[0] for p in preds])


def verify(model, output: str, inputs: torch.Tensor, tolerance: float):
    import onnxruntime
    with torch.no_grad():
        torch_outputs = model._forward(inputs)
    session = onnxruntime.InferenceSession(
        output, providers=['CPUExecutionProvider'])
    ort = session.run(None, {'input': inputs.numpy()})
    ort = [torch.from_numpy(o) for o in ort]
    ort_outputs = ort[0] if structure_of(torch_outputs) == 'tensor' else \
        tuple(ort)
    flat_torch = [torch_outputs] if structure_of(
        torch_outputs) == 'tensor' else list(torch_outputs)
    map_error = max(float((a - b).abs().max())
                    for a, b in zip(flat_torch, ort))
    expected = decoded_keypoints(model, torch_outputs, inputs.shape[0])
    got = decoded_keypoints(model, ort_outputs, inputs.shape[0])
    error = float(np.abs(expected - got).max())
    return map_error, error, error <= tolerance


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('--output', default='work_dirs/model.onnx')
    parser.add_argument('--image', default=DEFAULT_IMAGE,
                        help='image whose crop the check runs on')
    parser.add_argument('--tolerance', type=float, default=1e-3,
                        help='largest keypoint difference in input pixels')
    args = parser.parse_args()
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        sys.exit('pytorch2onnx needs onnxruntime: pip install onnx '
                 'onnxruntime (tools/install.sh installs them)')
    import mmpose_ext  # noqa: F401
    model = load_model(args.config, args.checkpoint)
    inputs = image_inputs(model, args.image)
    export(model, args.output, inputs)
    map_error, error, ok = verify(model, args.output, inputs, args.tolerance)
    print(f'exported {args.config} -> {args.output}')
    print(f'onnxruntime vs PyTorch: largest map difference {map_error:.2e}, '
          f'largest keypoint difference {error:.2e} px '
          f'({"within" if ok else "OUTSIDE"} {args.tolerance:g} px)')
    if not ok:
        sys.exit(1)


if __name__ == '__main__':
    main()
