# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""Bottom-up OpenPose configs: every one builds with the paper's channel
counts, and the tiny config learns the bundled sample."""
import glob
import os.path as osp

import numpy as np
import pytest
from mmengine.config import Config
from mmpose.registry import DATASETS, MODELS

from mmpose_ext.utils import final_metrics, scalar_records

from ..conftest import COCO_MINI, REPO

CONFIGS = sorted(glob.glob(osp.join(REPO, 'configs/openpose/coco/*.py')))


def test_the_paper_rows_are_there():
    names = {osp.basename(p) for p in CONFIGS}
    for name in ('openpose_vgg19_2xb5-600kit_coco-368x368.py',
                 'openpose-rie_vgg19_2xb5-600kit_coco-368x368.py',
                 'openpose_vgg19-fd16_2xb5-600kit_coco-368x368.py',
                 'openpose-rie_vgg19-fd16_2xb5-600kit_coco-368x368.py'):
        assert name in names


def _losses(head):
    """(class names of the wrapped chain, innermost loss_weight) per loss."""
    out = {}
    for name in ('paf_loss', 'heatmap_loss', 'offset_loss'):
        cfg, chain = head.get(name, dict(type='SummedSquaredErrorLoss')), []
        while cfg is not None:
            chain.append(cfg['type'])
            inner = cfg.get('loss')
            if inner is None:
                out[name] = (chain, cfg.get('loss_weight', 1.))
            cfg = inner
    return out


@pytest.mark.parametrize('row, mode, gamma', [
    ('kl-h2p-g9', 'h2p', 9.), ('kl-both-g9', 'both', 9.),
    ('kl-p2h-g9', 'p2h', 9.), ('kl-p2h-g0', 'p2h', 0.),
    ('kl-p2h-g99', 'p2h', 99.)
])
def test_table_one_rows(row, mode, gamma):
    """Table I: the KL variant and gamma, delta = gamma + 1 (eq. (14))."""
    cfg = Config.fromfile(
        osp.join(REPO, 'configs/openpose/coco/'
                 f'openpose-{row}_vgg19_2xb5-600kit_coco-368x368.py'))
    head = cfg.model.head
    assert head.self_supervision.mode == mode
    losses = _losses(head)
    assert losses['heatmap_loss'] == (['SummedSquaredErrorLoss'], gamma)
    assert losses['paf_loss'] == (['SummedSquaredErrorLoss'], gamma + 1)


@pytest.mark.parametrize('row, wrapper, key, value', [
    ('salm-a1', 'SpatialAttentionLoss', 'alpha', 1.),
    ('salm-a10', 'SpatialAttentionLoss', 'alpha', 10.),
    ('salm-a100', 'SpatialAttentionLoss', 'alpha', 100.),
    ('pdd-linear', 'ProgressiveDirectionLoss', 'betas', 'linear'),
    ('pdd-quadratic-a', 'ProgressiveDirectionLoss', 'betas', 'quadratic-a'),
    ('pdd-quadratic-b', 'ProgressiveDirectionLoss', 'betas', 'quadratic-b'),
])
def test_table_two_rows(row, wrapper, key, value):
    cfg = Config.fromfile(
        osp.join(REPO, 'configs/openpose/coco/'
                 f'openpose-{row}_vgg19_2xb5-600kit_coco-368x368.py'))
    head = cfg.model.head
    assert head.paf_loss.type == wrapper and head.paf_loss[key] == value
    # SALM weights PAFs only; PDD also the heatmaps
    assert (head.get('heatmap_loss', {}).get('type') == wrapper) == (
        wrapper == 'ProgressiveDirectionLoss')
    assert 'self_supervision' not in head


@pytest.mark.parametrize('rie', [False, True])
def test_table_three_and_four_all_losses(rie):
    name = 'openpose-rie-kl-salm-pdd' if rie else 'openpose-kl-salm-pdd'
    cfg = Config.fromfile(
        osp.join(REPO, 'configs/openpose/coco/'
                 f'{name}_vgg19_2xb5-600kit_coco-368x368.py'))
    head = cfg.model.head
    losses = _losses(head)
    assert losses['paf_loss'] == ([
        'ProgressiveDirectionLoss', 'SpatialAttentionLoss',
        'SummedSquaredErrorLoss'
    ], 10.)
    assert losses['heatmap_loss'] == ([
        'ProgressiveDirectionLoss', 'SummedSquaredErrorLoss'
    ], 9.)
    assert head.paf_loss.betas == 'quadratic-b'
    assert head.paf_loss.loss.alpha == 10.
    assert head.self_supervision == dict(type='KLSelfSupervisionLoss',
                                         mode='p2h')
    assert head.with_block_offsets == rie
    # PDD pairs mirrored limbs: the train samples carry the limbs
    assert 'skeleton_links' in cfg.train_pipeline[-1]['meta_keys']


@pytest.mark.parametrize('path', CONFIGS, ids=osp.basename)
def test_config_builds_with_consistent_codec(path):
    cfg = Config.fromfile(path)
    head = cfg.model.head
    rie = 'rie' in osp.basename(path)
    fd = 16 if 'fd16' in osp.basename(path) else 8
    assert head.with_block_offsets == rie == head.decoder.with_block_offsets
    (encoder, ) = [t['encoder'] for t in cfg.train_pipeline
                   if t['type'] == 'GenerateTarget']
    assert encoder == head.decoder
    assert encoder['input_size'][0] // encoder['heatmap_size'][0] == fd
    assert cfg.model.backbone.output_stride == fd
    assert 'skeleton_links' in cfg.val_pipeline[-1]['meta_keys'] or \
        'skeleton_links' in cfg.val_dataloader.dataset.pipeline[-1][
            'meta_keys']
    if 'sample' not in path:
        # CMU's test resolution: height 368 x s, padded to a multiple of
        # fd; the pipeline makes the largest scale from the image
        for loader in (cfg.val_dataloader, cfg.test_dataloader):
            (resize, ) = [t for t in loader.dataset.pipeline
                          if 'Resize' in t['type']]
            assert resize['type'] == 'BottomupResizeByHeight'
            assert resize['input_size'][1] == 368 * 2
            assert resize['size_factor'] == fd
        assert cfg.model.test_cfg.scales == [0.5, 1.0, 1.5, 2.0]
        assert cfg.model.test_cfg.input_scale == 2.0
        assert cfg.model.backbone.init_cfg.checkpoint == 'torchvision://vgg19'
        cfg.model.backbone.init_cfg = None
    model = MODELS.build(cfg.model)
    assert model.head.num_stages == (6 if 'sample' not in path else 3)


def test_tiny_config_with_all_losses_learns_the_bundled_sample(
        openpose_tiny_run):
    """RIE, KL, SALM and PDD train together: every term logged and falling,
    AP >= 0.6 on the sample it trains on (the comparison with plain L2 over
    seeds is in tools/analysis_tools/benchmark_openpose_losses.py)."""
    records = scalar_records(str(openpose_tiny_run))
    final = final_metrics(str(openpose_tiny_run))
    print(f"tiny OpenPose + RIE + KL/SALM/PDD: AP {final['coco/AP']}")
    assert final['coco/AP'] >= 0.6
    steps = [r for r in records if 'loss' in r]
    for key in ('loss_paf', 'loss_heatmap', 'loss_offset',
                'loss_paf_to_heatmap', 'loss_kl_heatmap'):
        assert steps[-1][key] < steps[0][key], key


def test_paper_train_pipeline_runs_on_real_images():
    """The RIE paper config's train pipeline (CMU augmentation, flip,
    COCO-17 -> OpenPose-18, PAF targets with offsets, loss mask) on the
    bundled COCO images: 368x368 inputs, 46x46 maps of 18 keypoints + the
    background, 19 limbs, 36 offsets; a person is centred; the neck is
    labelled exactly where both shoulders are."""
    cfg = Config.fromfile(
        osp.join(REPO, 'configs/openpose/coco/'
                 'openpose-rie_vgg19_2xb5-600kit_coco-368x368.py'))
    dataset_cfg = cfg.train_dataloader.dataset
    dataset_cfg.update(data_root=COCO_MINI, ann_file='person_keypoints.json',
                       data_prefix=dict(img='images/'))
    dataset = DATASETS.build(dataset_cfg)
    np.random.seed(0)
    for index in range(len(dataset)):
        sample = dataset[index]
        assert sample['inputs'].shape == (3, 368, 368)
        fields = sample['data_samples'].gt_fields
        assert fields.heatmaps.shape == (19, 46, 46)
        assert fields.pafs.shape == (38, 46, 46)
        assert fields.offsets.shape == (36, 46, 46)
        assert fields.heatmap_mask.shape == (1, 46, 46)
        assert fields.heatmaps[:18, 13:33, 13:33].max() > 0.9
        meta = sample['data_samples'].metainfo
        assert meta['flip_indices'] == cfg.openpose18_flip_indices
        # the neck (1) where both shoulders (2 and 5) are labelled
        instances = sample['data_samples'].gt_instances
        visible = np.asarray(instances.keypoints_visible).reshape(
            len(instances.keypoints), 18, -1)[..., 0] > 0
        np.testing.assert_array_equal(visible[:, 1],
                                      visible[:, 2] & visible[:, 5])


def test_one_labelled_shoulder_gives_no_neck():
    from mmpose_ext.datasets.transforms import FlipConsistentKeypointConverter
    cfg = Config.fromfile(
        osp.join(REPO, 'configs/_base_/datasets/coco_openpose18_layout.py'))
    convert = FlipConsistentKeypointConverter(
        num_keypoints=18, mapping=cfg.coco_to_openpose18)
    keypoints = np.random.default_rng(0).uniform(0, 100, (2, 17, 2))
    visible = np.ones((2, 17))
    visible[1, 6] = 0  # the second person's right shoulder is unlabelled
    coco_flip = [0, 2, 1, 4, 3, 6, 5, 8, 7, 10, 9, 12, 11, 14, 13, 16, 15]
    out = convert(dict(keypoints=keypoints, keypoints_visible=visible,
                       flip_indices=coco_flip))
    assert out['keypoints'].shape == (2, 18, 2)
    np.testing.assert_allclose(out['keypoints'][0, 1],
                               keypoints[0, 5:7].mean(axis=0))
    assert out['keypoints_visible'][:, 1, 0].tolist() == [1, 0]
    assert out['flip_indices'] == cfg.openpose18_flip_indices
    # MMPose's own converter fails on this mapping (flip pairs by position)
    from mmpose.datasets.transforms import KeypointConverter
    with pytest.raises(IndexError):
        KeypointConverter(num_keypoints=18, mapping=cfg.coco_to_openpose18)(
            dict(keypoints=keypoints, keypoints_visible=visible,
                 flip_indices=list(coco_flip)))


PAPER_CONFIGS = [p for p in CONFIGS if 'sample' not in p]


@pytest.mark.parametrize('path', PAPER_CONFIGS, ids=osp.basename)
def test_paper_configs_test_as_cmu(path):
    """No flip at test time (neither the paper nor CMU's evaluation flips)
    and CMU's per-layer learning rates (pose_train_test.prototxt)."""
    cfg = Config.fromfile(path)
    assert cfg.model.test_cfg.flip_test is False
    optim = cfg.optim_wrapper
    assert optim.constructor == 'BiasMultipliedOptimWrapperConstructor'
    assert optim.paramwise_cfg.bias_lr_mult == 2.0
    assert optim.paramwise_cfg.bias_decay_mult == 0.0
    assert sorted(optim.paramwise_cfg.custom_keys) == sorted(
        f'head.{b}_stages.{s}.' for b in ('paf', 'heatmap')
        for s in range(1, 6))


def test_cmu_learning_rates_per_layer():
    """The final Table IV config's optimizer: VGG and stage 1 weights at the
    base rate, their biases at 2x; stages 2-6 at 4x, their biases at 8x; no
    bias decays."""
    from mmengine.optim import build_optim_wrapper
    cfg = Config.fromfile(osp.join(
        REPO, 'configs/openpose/coco/'
        'openpose-rie-kl-salm-pdd_vgg19_2xb5-600kit_coco-368x368.py'))
    cfg.model.backbone.init_cfg = None
    model = MODELS.build(cfg.model)
    wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    base_lr = cfg.optim_wrapper.optimizer.lr
    base_wd = cfg.optim_wrapper.optimizer.weight_decay
    names = {id(p): n for n, p in model.named_parameters()}
    seen = {}
    for group in wrapper.optimizer.param_groups:
        (param, ) = group['params']
        name = names[id(param)]
        later_stage = any(f'_stages.{s}.' in name for s in range(1, 6))
        bias = name.endswith('.bias')
        expected_lr = base_lr * (4 if later_stage else 1) * (2 if bias else 1)
        assert group['lr'] == pytest.approx(expected_lr), name
        assert group['weight_decay'] == (0.0 if bias else base_wd), name
        seen[(later_stage, bias)] = seen.get((later_stage, bias), 0) + 1
    assert len(seen) == 4 and len(names) == sum(seen.values())
