# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""MMPoseInferencer runs every method of the package from a config and a
checkpoint written by MMEngine, loaded with weights_only=True."""
import os.path as osp

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.runner import save_checkpoint
from mmpose.apis import MMPoseInferencer
from mmpose.datasets.datasets.utils import parse_pose_metainfo
from mmpose.registry import MODELS

from ..conftest import COCO_MINI, REPO

TINY_CONFIGS = {
    'cal': 'configs/cal/coco/td-cal_hrnet-tiny_1xb16-300e_coco-sample-128x96.py',
    'enhancenet': 'configs/enhancenet/coco/'
    'td-hm_res18_enhancenet-1xb16-300e_coco-sample-128x96.py',
    'fr_sbn': 'configs/fr_sbn/coco/td-hm_res18_fr-sbn-1xb16-300e_coco-sample-128x96.py',
}


@pytest.mark.parametrize('method', sorted(TINY_CONFIGS))
def test_inferencer_runs_each_method(method, tmp_path):
    config = osp.join(REPO, TINY_CONFIGS[method])
    torch.manual_seed(0)
    model = MODELS.build(Config.fromfile(config).model)
    model.init_weights()
    meta = parse_pose_metainfo(dict(from_file='configs/_base_/datasets/coco.py'))
    checkpoint = str(tmp_path / f'{method}.pth')
    save_checkpoint({'state_dict': model.state_dict(),
                     'meta': {'dataset_meta': meta}}, checkpoint)

    inferencer = MMPoseInferencer(pose2d=config, pose2d_weights=checkpoint,
                                  det_model='whole_image', device='cpu')
    loaded = inferencer.inferencer.model.state_dict()
    for name, value in model.state_dict().items():
        assert torch.equal(loaded[name], value), name
    image = osp.join(COCO_MINI, 'images', '000000000785.jpg')
    result = next(inferencer(image, show=False))
    (person, ) = result['predictions'][0]
    keypoints = np.array(person['keypoints'])
    assert keypoints.shape == (17, 2) and np.isfinite(keypoints).all()
    assert len(person['keypoint_scores']) == 17


def test_inferencer_runs_bottom_up_openpose(openpose_tiny_run):
    from ..conftest import OPENPOSE_TINY_CONFIG
    inferencer = MMPoseInferencer(
        pose2d=OPENPOSE_TINY_CONFIG,
        pose2d_weights=str(openpose_tiny_run / 'epoch_400.pth'),
        device='cpu')
    image = osp.join(COCO_MINI, 'images', '000000197388.jpg')
    result = next(inferencer(image, show=False))
    persons = result['predictions'][0]
    # a scene of 5 annotated persons that the checkpoint was trained on:
    # they come first (mean keypoint score 0.65-0.82 here); any fragment
    # after them scores lower (none on the letterbox padding: the head takes
    # no peaks there)
    confident = [p for p in persons if np.mean(p['keypoint_scores']) > 0.4]
    assert 3 <= len(confident) <= 8
    assert persons[:len(confident)] == confident
    for person in persons:
        keypoints = np.array(person['keypoints'])
        assert keypoints.shape == (17, 2) and np.isfinite(keypoints).all()
    for person in confident:  # found keypoints lie on the 640x392 image
        found = np.array(person['keypoints'])[
            np.array(person['keypoint_scores']) > 0]
        assert (found >= -8).all() and (found[:, 0] <= 648).all() and \
            (found[:, 1] <= 400).all()


def test_inferencer_runs_associative_embedding_with_enhancenet(tmp_path):
    """Bottom-up AE with EnhanceNet on the detection branch: the inferencer
    decodes the persons from M^HR. The untrained enhancer is replaced by one
    that puts every keypoint at the centre of M^HR, so the person found must
    sit where the centre of the network's input lies in the image."""
    config = osp.join(
        REPO, 'configs/enhancenet/coco/'
        'ae_hrnet-w32_enhancenet-8xb24-300e_coco-512x512.py')
    torch.manual_seed(0)
    model = MODELS.build(Config.fromfile(config).model)
    meta = parse_pose_metainfo(dict(from_file='configs/_base_/datasets/coco.py'))
    checkpoint = str(tmp_path / 'ae_enhancenet.pth')
    save_checkpoint({'state_dict': model.state_dict(),
                     'meta': {'dataset_meta': meta}}, checkpoint)
    inferencer = MMPoseInferencer(pose2d=config, pose2d_weights=checkpoint,
                                  device='cpu')
    head = inferencer.inferencer.model.head
    assert type(head).__name__ == 'AssociativeEmbeddingEnhancementHead'

    def centre_peaks(x):
        b, _, h, w = x.shape  # M^HR is 4x the LR size
        maps = torch.zeros(b, 17, 4 * h, 4 * w)
        maps[:, :, 2 * h, 2 * w] = 1.0
        return maps

    head.enhancer.forward = centre_peaks
    image = osp.join(COCO_MINI, 'images', '000000197388.jpg')  # 640x480
    result = next(inferencer(image, show=False))
    persons = result['predictions'][0]
    assert persons
    keypoints = np.array(persons[0]['keypoints'])
    assert keypoints.shape == (17, 2)
    packed = inferencer.inferencer.pipeline(dict(img_path=image))
    centre = packed['data_samples'].metainfo['input_center']
    np.testing.assert_allclose(keypoints, [centre] * 17, atol=1.5)


def _topdown_configs():
    import glob
    return sorted(
        path for path in glob.glob(osp.join(REPO, 'configs/**/*.py'),
                                   recursive=True)
        if '_base_' not in path and Config.fromfile(path).get(
            'data_mode') == 'topdown')


def test_every_topdown_config_gets_mmpose_default_person_detector():
    """MMPoseInferencer picks its default detector (when none is given)
    from the dataset class's module path, as its _init_detector does: every
    top-down config of the package must name a category MMPose knows
    ('body' -> RTMDet person detector), not the whole image."""
    from mmpose.apis.inferencers.utils import default_det_models
    from mmpose.registry import DATASETS
    configs = _topdown_configs()
    assert len(configs) > 20
    types = {}
    for path in configs:
        cfg = Config.fromfile(path)
        module = DATASETS.get(cfg.dataset_type).__module__
        types[osp.relpath(path, REPO)] = module.split('datasets.')[-1].split(
            '.')[0].lower()
    unknown = {p: t for p, t in types.items() if t not in default_det_models}
    assert unknown == {}
    coco = [p for p in types if '/coco/' in p]
    assert coco and all(types[p] == 'body' for p in coco)


def test_the_inferencer_builds_its_default_detector_for_a_topdown_config(
        tmp_path):
    """Without det_model, MMPoseInferencer on a CAL config builds MMPose's
    default body detector (its weights would be downloaded: the download is
    stopped here, after the choice is made)."""
    from unittest import mock

    from mmpose.apis.inferencers import base_mmpose_inferencer as base
    config = osp.join(REPO, TINY_CONFIGS['cal'])
    model = MODELS.build(Config.fromfile(config).model)
    checkpoint = str(tmp_path / 'cal.pth')
    save_checkpoint({'state_dict': model.state_dict(), 'meta': {}},
                    checkpoint)
    with mock.patch.object(base, 'DetInferencer',
                           side_effect=RuntimeError('no download')) as det:
        with pytest.raises(RuntimeError, match='no download'):
            MMPoseInferencer(pose2d=config, pose2d_weights=checkpoint,
                             device='cpu')
    assert det.call_args.kwargs['model'] == \
        base.default_det_models['body']['model']
