# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""Oracle evaluation: what a codec, an input size and MMPose's mapping back to
the image lose before any network is involved.

Every sample of a COCO-format file goes through a config's own test pipeline
(``LoadImage``, ``GetBBoxCenterScale``, ``TopdownAffine``, ...); the network's
output is replaced by the codec's encoding of that sample's ground truth, made
by MMPose's ``GenerateTarget`` exactly as in training; the head decodes it
(``head.decode``) and the pose estimator maps the keypoints back to the image
(``add_pred_to_datasample``), as in ``tools/test.py``. A perfect network would
score what this scores. Top-down samples use the ground-truth boxes.

Bottom-up configs run the pose estimator's own ``predict`` (its scales, the
head's averaging and decoding, the mapping back to the image) with the
backbone skipped and the head's stages replaced by the codec's encoding of the
ground truth at the resolution of each scaled input; flip test is off.
"""
import copy
import os.path as osp
from functools import partial
from types import SimpleNamespace
from typing import Dict, Iterator, List, Optional, Tuple

import numpy as np
import torch
from mmengine.config import Config
from mmpose.datasets.transforms import GenerateTarget
from mmpose.models.heads.base_head import BaseHead
from mmpose.models.pose_estimators import TopdownPoseEstimator
from mmpose.registry import DATASETS, KEYPOINT_CODECS, TRANSFORMS
from mmpose.structures import PoseDataSample

from ..codecs.utils.map_cells import image_to_input
from ..models.heads.part_affinity_field_prediction import PafMaps


def oracle_dataset_cfg(cfg: Config, ann_file: Optional[str] = None,
                       img_root: Optional[str] = None) -> dict:
    """The config's test dataset with its test pipeline, on ``ann_file`` and
    ``img_root`` when given, with ground-truth boxes (``bbox_file=None``)
    and no pipeline (the oracle runs the pipeline itself)."""
    dataset_cfg = copy.deepcopy(cfg.test_dataloader.dataset)
    while 'dataset' in dataset_cfg and 'ann_file' not in dataset_cfg:
        dataset_cfg = dataset_cfg['dataset']  # dataset wrappers
    if ann_file is not None:
        dataset_cfg['ann_file'] = osp.abspath(ann_file)
        dataset_cfg['data_root'] = ''
    if img_root is not None:
        dataset_cfg['data_prefix'] = dict(img=osp.join(
            osp.abspath(img_root), ''))
        dataset_cfg.setdefault('data_root', '')
    dataset_cfg['bbox_file'] = None
    dataset_cfg['test_mode'] = True
    dataset_cfg['pipeline'] = []
    return dataset_cfg


def coco_topdown_dataset(ann_file: str, img_root: str):
    """MMPose's ``CocoDataset`` in top-down test mode on any COCO-format file
    (ground-truth boxes, no pipeline)."""
    from mmengine.registry import init_default_scope
    from mmpose.datasets import CocoDataset
    init_default_scope('mmpose')
    return CocoDataset(
        ann_file=osp.abspath(ann_file),
        data_root='',
        data_prefix=dict(img=osp.join(osp.abspath(img_root), '')),
        data_mode='topdown',
        test_mode=True,
        pipeline=[])


def _split_pipeline(pipeline_cfg: List[dict]):
    """The test transforms before ``PackPoseInputs`` and the packer."""
    transforms = [TRANSFORMS.build(copy.deepcopy(t)) for t in pipeline_cfg]
    names = [type(t).__name__ for t in transforms]
    if 'PackPoseInputs' not in names:
        raise ValueError('oracle: the test pipeline has no PackPoseInputs; '
                         f'its transforms are {names}')
    index = names.index('PackPoseInputs')
    return transforms[:index], transforms[index]


def codec_outputs(codec, encoded: dict):
    """The encoded fields in the layout the head's ``decode`` takes: the
    codec's ``field_mapping_table`` order (``heatmaps`` when it has none),
    each as a (1, C, H, W) tensor; one tensor when there is one field."""
    fields = list(getattr(codec, 'field_mapping_table', {}) or ['heatmaps'])
    missing = [f for f in fields if f not in encoded]
    if missing:
        raise ValueError(
            f'oracle: {type(codec).__name__}.encode gives no {missing}, so '
            'its encoding is not what the head decodes')
    outputs = tuple(
        torch.from_numpy(np.ascontiguousarray(encoded[f]))[None]
        for f in fields)
    return outputs[0] if len(outputs) == 1 else outputs


def topdown_oracle_samples(dataset,
                           pipeline_cfg: List[dict],
                           codec_cfg: dict,
                           head=None,
                           estimator=None
                           ) -> Iterator[Tuple[PoseDataSample, dict]]:
    """Each top-down sample with the oracle prediction in image pixels.

    Args:
        dataset: a built top-down dataset (``pipeline=[]``)
        pipeline_cfg (list[dict]): the test pipeline, ending in (or
            containing) ``PackPoseInputs``
        codec_cfg (dict): the codec the head decodes with
        head: decodes the encoded fields (``head.decode``); by default
            MMPose's ``BaseHead.decode`` with ``codec_cfg``
        estimator: maps keypoints back to the image
            (``add_pred_to_datasample``); by default MMPose's
            ``TopdownPoseEstimator``'s with an empty ``test_cfg``

    Yields:
        tuple: the packed ``PoseDataSample`` with ``pred_instances``
        (keypoints in image pixels) and the transformed results dict, whose
        ``keypoints`` are the ground truth in image pixels.
    """
    transforms, pack = _split_pipeline(pipeline_cfg)
    generate = GenerateTarget(encoder=copy.deepcopy(codec_cfg))
    codec = KEYPOINT_CODECS.build(copy.deepcopy(codec_cfg))
    # MMPose's own code where no model is given: BaseHead.decode with the
    # codec, TopdownPoseEstimator's mapping back with an empty test_cfg
    if head is None:
        decode = partial(BaseHead.decode, SimpleNamespace(decoder=codec))
    else:
        decode = head.decode
    if estimator is None:
        add_pred = partial(TopdownPoseEstimator.add_pred_to_datasample,
                           SimpleNamespace(test_cfg={}))
    else:
        add_pred = estimator.add_pred_to_datasample
    for index in range(len(dataset)):
        results = dataset.get_data_info(index)
        ground_truth = np.array(results['keypoints'], copy=True)
        for transform in transforms:
            results = transform(results)
        results = generate(results)
        outputs = codec_outputs(codec, results)
        data_sample = pack(copy.copy(results))['data_samples']
        preds = decode(outputs)
        add_pred(preds, None, [data_sample])
        results['image_keypoints'] = ground_truth
        yield data_sample, results


def round_trip_errors(dataset, codec_cfg: dict,
                      use_udp: bool = True) -> np.ndarray:
    """Ground truth → crop → encode → decode → image, for every labelled
    keypoint whose crop position is inside the crop.

    Args:
        dataset: a built top-down dataset (``pipeline=[]``)
        codec_cfg (dict): a top-down codec
        use_udp (bool): ``TopdownAffine``'s ``use_udp`` (True for UDP codecs)

    Returns:
        np.ndarray: (P, ) distances to the annotated image keypoints, in
        input pixels (image pixels × input size / box size)
    """
    input_size = np.array(codec_cfg['input_size'], dtype=np.float64)
    pipeline = [
        dict(type='LoadImage'),
        dict(type='GetBBoxCenterScale'),
        dict(type='TopdownAffine', input_size=codec_cfg['input_size'],
             use_udp=use_udp),
        dict(type='PackPoseInputs')
    ]
    errors = []
    for data_sample, results in topdown_oracle_samples(
            dataset, pipeline, codec_cfg):
        crop = results['transformed_keypoints'][0]
        inside = ((crop >= 0) & (crop <= input_size - 1)).all(axis=1)
        keep = (np.asarray(results['keypoints_visible'][0]) > 0) & inside
        found = data_sample.pred_instances.keypoints[0]
        truth = results['image_keypoints'][0]
        pixels = input_size / np.asarray(results['input_scale'])
        errors.append(
            np.linalg.norm((found[keep] - truth[keep]) * pixels, axis=1))
    return np.concatenate(errors)


class _GroundTruthMaps:
    """In place of a bottom-up estimator's network: ``extract_feat`` passes
    the (scaled) input through, and the head's ``forward`` returns one stage
    of the codec's encoding of the current sample's ground truth at that
    input's size (keypoints scaled with it)."""

    def __init__(self, codec_cfg: dict, skeleton_links) -> None:
        self.codec_cfg = copy.deepcopy(codec_cfg)
        codec = KEYPOINT_CODECS.build(copy.deepcopy(codec_cfg))
        self.stride = codec.scale_factor  # fd per axis
        self.skeleton_links = skeleton_links
        self.keypoints = self.visible = self.input_size = None

    def extract_feat(self, inputs):
        return inputs

    def forward(self, feats):
        h, w = feats.shape[-2:]
        scale = np.array([w, h], dtype=np.float64) / self.input_size
        codec = KEYPOINT_CODECS.build(dict(
            self.codec_cfg, input_size=(w, h),
            heatmap_size=(int(round(w / self.stride[0])),
                          int(round(h / self.stride[1])))))
        encoded = codec.encode(self.keypoints * scale, self.visible,
                               skeleton_links=self.skeleton_links)
        offsets = encoded.get('offsets')
        return [PafMaps(
            torch.from_numpy(encoded['heatmaps'])[None],
            torch.from_numpy(encoded['pafs'])[None],
            None if offsets is None else torch.from_numpy(offsets)[None])]


def bottomup_oracle_samples(dataset, pipeline_cfg: List[dict],
                            codec_cfg: dict, model,
                            keypoint_converter: Optional[dict] = None
                            ) -> Iterator[Tuple[PoseDataSample, dict]]:
    """Each bottom-up sample (one image, all its persons) with the oracle
    prediction in image pixels, through ``model.predict`` as configured
    (multi-scale when its ``test_cfg`` says so) with flip test off.

    Args:
        dataset: a built bottom-up dataset (``pipeline=[]``)
        pipeline_cfg (list[dict]): the test pipeline with ``PackPoseInputs``
        codec_cfg (dict): the codec the head decodes with
        model: the config's bottom-up pose estimator with a
            ``PartAffinityFields``-style head (``forward`` returning stages
            of ``PafMaps``) and ``head.decoder``
        keypoint_converter (dict, optional): the ``KeypointConverter`` of
            the config's train pipeline (e.g. COCO-17 → OpenPose-18), applied
            to the ground truth before encoding, as in training

    Yields:
        tuple: the ``PoseDataSample`` with ``pred_instances`` and the
        results dict after the test transforms
    """
    from mmengine.dataset import pseudo_collate
    transforms, pack = _split_pipeline(pipeline_cfg)
    oracle = _GroundTruthMaps(codec_cfg,
                              dataset.metainfo.get('skeleton_links'))
    model.extract_feat = oracle.extract_feat
    model.head.forward = oracle.forward
    model.test_cfg = dict(model.test_cfg or {}, flip_test=False)
    model.eval()
    convert = None if keypoint_converter is None else TRANSFORMS.build(
        copy.deepcopy(keypoint_converter))
    for index in range(len(dataset)):
        results = dataset.get_data_info(index)
        for transform in transforms:
            results = transform(results)
        size = np.asarray(results['input_size'], dtype=np.float64)
        # an image without annotated persons has no keypoint keys in
        # MMPose's bottom-up data info: no persons to encode
        num_keypoints = dataset.metainfo['num_keypoints']
        results.setdefault('keypoints', np.zeros((0, num_keypoints, 2)))
        results.setdefault('keypoints_visible', np.zeros((0, num_keypoints)))
        # image pixels -> input pixels: the inverse of the estimator's map
        oracle.keypoints = image_to_input(results['keypoints'], results)
        oracle.visible = np.asarray(results['keypoints_visible'])
        if convert is not None:
            converted = convert(dict(keypoints=oracle.keypoints,
                                     keypoints_visible=oracle.visible))
            oracle.keypoints = converted['keypoints']
            oracle.visible = converted['keypoints_visible'][..., 0]
        oracle.input_size = size
        batch = model.data_preprocessor(pseudo_collate([pack(results)]))
        with torch.no_grad():
            (data_sample, ) = model.predict(batch['inputs'],
                                            batch['data_samples'])
        yield data_sample, results


def oracle_scale_maps(cfg: Config, model, ann_file: str, img_root: str,
                      index: int = 0) -> Tuple[list, list, dict]:
    """The oracle's maps of one image of a bottom-up config at each test
    scale (the ground truth encoded at each scale's input, as the config's
    multi-scale test makes the inputs), for timing and testing the head's
    test-time steps on them.

    Args:
        cfg (Config): a bottom-up PAF config
        model: :func:`build_oracle_model` of it (its head's ``forward`` is
            replaced by the oracle's)
        ann_file, img_root: COCO-format annotations and their images
        index (int): the image

    Returns:
        tuple: the per-scale ``PafMaps`` (reference scale first), the data
        samples and the test_cfg the estimator hands ``head.predict``
    """
    dataset = DATASETS.build(oracle_dataset_cfg(cfg, ann_file, img_root))
    converters = [t for t in cfg.train_dataloader.dataset.pipeline
                  if 'KeypointConverter' in t.get('type', '')]
    captured = []
    predict = model.head.predict

    def capture(feats, data_samples, test_cfg={}):
        captured.append((feats, data_samples, test_cfg))
        return predict(feats, data_samples, test_cfg=test_cfg)

    if not 0 <= index < len(dataset):
        raise ValueError(f'oracle_scale_maps: image index {index} outside '
                         f'the {len(dataset)} images of {ann_file}')
    model.head.predict = capture
    try:
        samples = bottomup_oracle_samples(
            dataset, cfg.test_dataloader.dataset.pipeline,
            cfg.model.head.decoder, model,
            converters[0] if converters else None)
        for i, _ in enumerate(samples):
            if i == index:
                break
    finally:
        del model.head.predict  # the class's method again
    feats, data_samples, test_cfg = captured[index]
    scale_maps = [model.head.forward(scale_feats)[-1] for scale_feats in feats]
    return scale_maps, data_samples, test_cfg


def build_oracle_model(cfg: Config):
    """The config's pose estimator (random weights: only its head's decoder
    and its mapping back to the image are used)."""
    from mmpose.registry import MODELS
    model_cfg = copy.deepcopy(cfg.model)
    model_cfg.pop('init_cfg', None)
    model_cfg.get('backbone', {}).pop('init_cfg', None)
    model = MODELS.build(model_cfg)
    head = getattr(model, 'head', None)
    if head is None or getattr(head, 'decoder', None) is None:
        raise ValueError('oracle: the config\'s model has no head with a '
                         'decoder (model.head.decoder)')
    return model


def oracle_evaluate(cfg: Config,
                    ann_file: Optional[str] = None,
                    img_root: Optional[str] = None) -> Dict:
    """Score the oracle predictions of a top-down or bottom-up config with
    the config's test evaluator.

    Returns:
        dict: the evaluator's metrics plus ``images`` and ``persons`` (the
        annotated persons with at least one labelled keypoint)
    """
    from mmengine.evaluator import Evaluator
    from mmpose.registry import EVALUATORS  # noqa: F401  (scope)
    from mmengine.registry import init_default_scope

    init_default_scope(cfg.get('default_scope', 'mmpose'))
    model = build_oracle_model(cfg)
    bottomup = cfg.get('data_mode') == 'bottomup'
    if not bottomup and not isinstance(model, TopdownPoseEstimator):
        raise ValueError(
            f'oracle: {cfg.model.get("type")} configs are not supported; '
            'top-down (TopdownPoseEstimator) and bottom-up PAF configs are')
    if bottomup and not hasattr(model.head, 'last_stage_maps'):
        raise ValueError(
            f'oracle: the bottom-up head {type(model.head).__name__} is not '
            'supported; PartAffinityFieldHead is')
    dataset = DATASETS.build(oracle_dataset_cfg(cfg, ann_file, img_root))
    evaluator_cfg = copy.deepcopy(cfg.test_evaluator)
    for metric_cfg in (evaluator_cfg if isinstance(evaluator_cfg, list) else
                       [evaluator_cfg]):
        if 'ann_file' in metric_cfg and ann_file is not None:
            metric_cfg['ann_file'] = osp.abspath(ann_file)
    evaluator = Evaluator(evaluator_cfg) if isinstance(
        evaluator_cfg, list) else Evaluator([evaluator_cfg])
    evaluator.dataset_meta = dataset.metainfo
    pipeline = cfg.test_dataloader.dataset.get('pipeline')
    images, persons = set(), 0
    codec_cfg = cfg.model.head.decoder
    converters = [t for t in cfg.train_dataloader.dataset.get('pipeline', [])
                  if 'KeypointConverter' in t.get('type', '')]
    samples = (bottomup_oracle_samples(dataset, pipeline, codec_cfg, model,
                                       converters[0] if converters else None)
               if bottomup
               else topdown_oracle_samples(dataset, pipeline, codec_cfg,
                                           model.head, model))
    for data_sample, results in samples:
        evaluator.process([data_sample])
        images.add(results['img_id'])
        visible = np.asarray(results['keypoints_visible']) > 0
        persons += int(visible.any(axis=tuple(range(1, visible.ndim))).sum())
    metrics = evaluator.evaluate(len(dataset))
    metrics.update(images=len(images), persons=persons)
    return metrics
