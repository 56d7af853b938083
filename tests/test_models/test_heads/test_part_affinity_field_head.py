# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""PartAffinityFieldHead: stage wiring, losses on real targets, flip test."""
import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.structures import PixelData
from mmpose.datasets.datasets.utils import parse_pose_metainfo
from mmpose.registry import DATASETS, MODELS
from mmpose.structures import PoseDataSample

from mmpose_ext.codecs import PartAffinityFields
from mmpose_ext.codecs.utils.map_cells import cells_on_image
from mmpose_ext.models.heads.part_affinity_field_prediction import (
    PafMaps, flip_back, limb_flip_permutation)

from ...conftest import COCO_MINI, REPO

COCO_META = parse_pose_metainfo(
    dict(from_file='configs/_base_/datasets/coco.py'))
TINY_CONFIG = (REPO + '/configs/openpose/coco/'
               'openpose-rie_vgg-tiny_1xb4-500e_coco-sample-256x256.py')


def _head(with_block_offsets=True, **kwargs):
    codec = dict(type='PartAffinityFields', input_size=(128, 128),
                 heatmap_size=(16, 16), with_block_offsets=with_block_offsets)
    cfg = dict(type='PartAffinityFieldHead', in_channels=8, num_keypoints=17,
               num_limbs=19, num_stages=3, stage_channels=8,
               first_stage_hidden=16, with_block_offsets=with_block_offsets,
               decoder=codec)
    cfg.update(kwargs)
    return MODELS.build(cfg)


def test_every_stage_outputs_pafs_heatmaps_and_offsets():
    outputs = _head()((torch.rand(2, 8, 16, 16), ))
    assert len(outputs) == 3
    for maps in outputs:
        # the codec's order: heatmaps, PAFs, offsets
        heatmaps, pafs, offsets = maps
        assert isinstance(maps, PafMaps) and maps.pafs is pafs
        assert pafs.shape == (2, 38, 16, 16)
        assert heatmaps.shape == (2, 18, 16, 16)
        assert offsets.shape == (2, 34, 16, 16)
    assert _head(False)((torch.rand(1, 8, 16, 16), ))[-1].offsets is None


def test_stage_widths_follow_the_paper():
    head = MODELS.build(
        dict(type='PartAffinityFieldHead', in_channels=128, num_keypoints=17,
             num_limbs=19, with_block_offsets=True))
    first, second = head.paf_stages[0], head.heatmap_stages[1]
    convs = [m for m in first if isinstance(m, torch.nn.Conv2d)]
    assert [(c.in_channels, c.out_channels, c.kernel_size[0])
            for c in convs] == [(128, 128, 3), (128, 128, 3), (128, 128, 3),
                                (128, 512, 1), (512, 38, 1)]
    convs = [m for m in second if isinstance(m, torch.nn.Conv2d)]
    # later stages read features + 38 PAFs + 18 heatmaps + 34 offsets
    assert convs[0].in_channels == 128 + 38 + 18 + 34
    assert [c.kernel_size[0] for c in convs] == [7, 7, 7, 7, 7, 1, 1]
    assert convs[-1].out_channels == 18 + 34


def test_limb_flip_permutation_on_coco():
    order, signs = limb_flip_permutation(COCO_META['skeleton_links'],
                                         COCO_META['flip_indices'])
    links = COCO_META['skeleton_links']
    flip = COCO_META['flip_indices']
    for (a, b), m, sign in zip(links, order, signs):
        expected = (flip[a], flip[b]) if sign > 0 else (flip[b], flip[a])
        assert tuple(links[m]) == expected
    with pytest.raises(ValueError, match='not a skeleton link'):
        limb_flip_permutation([(0, 1)], [1, 2, 0])


def _targets(keypoints, codec):
    encoded = codec.encode(keypoints, np.ones(keypoints.shape[:2]),
                           skeleton_links=COCO_META['skeleton_links'])
    return PafMaps(*(torch.from_numpy(encoded[k])[None]
                     for k in ('heatmaps', 'pafs', 'offsets')))


def test_flip_back_of_the_mirrored_scene_gives_the_scene():
    """Targets of the horizontally mirrored persons, mapped back by the
    head's flip test, equal the targets of the persons themselves."""
    codec = PartAffinityFields((128, 128), (16, 16), with_block_offsets=True)
    rng = np.random.default_rng(0)
    keypoints = rng.uniform(10, 118, size=(3, 17, 2))
    mirrored = keypoints[:, COCO_META['flip_indices']].copy()
    mirrored[..., 0] = 128 - 1 - mirrored[..., 0]
    back = flip_back(_targets(mirrored, codec), COCO_META['flip_indices'],
                     COCO_META['skeleton_links'])
    for name, got, expected in zip(PafMaps._fields, back,
                                   _targets(keypoints, codec)):
        torch.testing.assert_close(got, expected, atol=1e-5, rtol=0,
                                   msg=name)


def _real_batch(cfg):
    dataset = DATASETS.build(cfg.train_dataloader.dataset)
    return pseudo_collate([dataset[i] for i in range(len(dataset))])


def test_losses_on_real_targets_and_gradients_reach_every_stage():
    cfg = Config.fromfile(TINY_CONFIG)
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    batch = model.data_preprocessor(_real_batch(cfg), training=True)
    losses = model.loss(batch['inputs'], batch['data_samples'])
    assert set(losses) == {'loss_paf', 'loss_heatmap', 'loss_offset'}
    total = sum(losses.values())
    assert torch.isfinite(total) and total > 0
    total.backward()
    for stage in list(model.head.paf_stages) + list(
            model.head.heatmap_stages):
        assert stage[0].weight.grad.abs().sum() > 0
    # the offset loss counts only the cells of the 0.4 mask
    fields = batch['data_samples'][0].gt_fields
    assert fields.offset_weights.sum() > 0
    assert (fields.offsets.abs().view(17, 2, 32, 32).amax(1) *
            (1 - fields.offset_weights)).sum() == 0


def test_predict_with_flip_and_multiscale_on_a_real_image():
    """Flip and multi-scale test on a real image: the averaged maps of the
    mirrored input are the mirror of the input's (keypoint channels swapped
    by the flip pairs), as averaging each input with its flipped copy
    must give."""
    cfg = Config.fromfile(TINY_CONFIG)
    cfg.model.test_cfg = dict(flip_test=True, multiscale_test=True,
                              scales=[1.0, 0.5, 1.5], output_heatmaps=True)
    torch.manual_seed(0)
    # PyTorch's default initialisation (MMPose's would give maps of 1e-6)
    model = MODELS.build(cfg.model).eval()
    dataset = DATASETS.build(cfg.val_dataloader.dataset)
    batch = model.data_preprocessor(pseudo_collate([dataset[3]]))
    with torch.no_grad():
        (sample, ) = model.predict(batch['inputs'],
                                   [s.clone() for s in batch['data_samples']])
        (mirrored, ) = model.predict(batch['inputs'].flip(-1),
                                     [s.clone() for s in
                                      batch['data_samples']])
    pred = sample.pred_instances
    assert pred.keypoints.shape[1:] == (17, 2)
    assert pred.keypoint_scores.shape == pred.keypoints.shape[:2]
    heatmaps = sample.pred_fields.heatmaps
    assert heatmaps.shape == (17, 32, 32)
    assert sample.pred_fields.pafs.shape == (38, 32, 32)
    flip = dataset.metainfo['flip_indices']
    assert heatmaps.abs().max() > 1e-3
    torch.testing.assert_close(mirrored.pred_fields.heatmaps,
                               heatmaps[flip].flip(-1), atol=1e-5, rtol=1e-4)


def test_build_and_predict_errors_name_the_fix():
    with pytest.raises(ValueError, match='with_block_offsets'):
        _head(with_block_offsets=False,
              decoder=dict(type='PartAffinityFields', input_size=(128, 128),
                           heatmap_size=(16, 16), with_block_offsets=True))
    head = _head()
    sample = PoseDataSample(metainfo=dict(flip_indices=list(range(17))))
    with pytest.raises(ValueError, match='PackPoseInputs.meta_keys'):
        head.predict((torch.rand(1, 8, 16, 16), ), [sample])
    sample = PoseDataSample(metainfo=dict(skeleton_links=[(0, 1)]))
    with pytest.raises(ValueError, match='num_limbs=19'):
        head.predict((torch.rand(1, 8, 16, 16), ), [sample])


ALL_LOSSES_CONFIG = (REPO + '/configs/openpose/coco/'
                     'openpose-rie-kl-salm-pdd_vgg-tiny_1xb4-500e_coco-'
                     'sample-256x256.py')


def test_all_section_three_losses_on_real_targets():
    cfg = Config.fromfile(ALL_LOSSES_CONFIG)
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    batch = model.data_preprocessor(_real_batch(cfg), training=True)
    losses = model.loss(batch['inputs'], batch['data_samples'])
    assert set(losses) == {
        'loss_paf', 'loss_heatmap', 'loss_offset', 'loss_paf_to_heatmap',
        'loss_kl_heatmap'
    }
    assert all(torch.isfinite(v) and v > 0 for v in losses.values())
    sum(losses.values()).backward()
    translation = model.head.self_supervision.paf_to_heatmap
    assert translation[0].weight.grad.abs().sum() > 0
    # the same model with plain L0: SALM adds weight on the limbs, so the
    # PAF loss grows; gamma scales the heatmap loss beyond PDD's discount
    plain_cfg = Config.fromfile(TINY_CONFIG)
    torch.manual_seed(0)
    plain = MODELS.build(plain_cfg.model)
    plain.load_state_dict(model.state_dict(), strict=False)
    plain_losses = plain.loss(batch['inputs'], batch['data_samples'])
    assert losses['loss_paf'] > 10 * plain_losses['loss_paf']
    assert losses['loss_heatmap'] > plain_losses['loss_heatmap']
    assert losses['loss_heatmap'] < 9 * plain_losses['loss_heatmap']


def test_self_supervision_is_training_only():
    """Prediction never runs the translation net and the inference graph
    has the same parameters as the head without it."""
    cfg = Config.fromfile(ALL_LOSSES_CONFIG)
    model = MODELS.build(cfg.model).eval()
    plain = MODELS.build(Config.fromfile(TINY_CONFIG).model).eval()
    calls = []
    model.head.self_supervision.register_forward_pre_hook(
        lambda *args: calls.append(1))
    model.head.self_supervision.paf_to_heatmap.register_forward_pre_hook(
        lambda *args: calls.append(1))
    dataset = DATASETS.build(cfg.val_dataloader.dataset)
    batch = model.data_preprocessor(pseudo_collate([dataset[0]]))
    plain.load_state_dict(model.state_dict(), strict=False)
    with torch.no_grad():
        (ours, ) = model.predict(batch['inputs'], batch['data_samples'])
        (base, ) = plain.predict(batch['inputs'], batch['data_samples'])
    assert calls == []
    np.testing.assert_array_equal(ours.pred_instances.keypoints,
                                  base.pred_instances.keypoints)
    extra = sum(p.numel() for p in model.parameters()) - sum(
        p.numel() for p in plain.parameters())
    assert extra == sum(
        p.numel() for p in model.head.self_supervision.parameters())


def test_partner_channels_mirror_keypoints_and_limbs():
    head = _head()
    partners = head.partner_channels(
        dict(flip_indices=COCO_META['flip_indices'],
             skeleton_links=COCO_META['skeleton_links']))
    assert partners['heatmap'] == COCO_META['flip_indices'] + [17]
    assert partners['offset'][2 * 1:2 * 1 + 2] == [4, 5]  # left eye: right
    links = [tuple(link) for link in COCO_META['skeleton_links']]
    left_shin = links.index((15, 13))  # left ankle -> left knee
    right_shin = links.index((16, 14))
    assert partners['paf'][2 * left_shin:2 * left_shin + 2] == [
        2 * right_shin, 2 * right_shin + 1
    ]
    with pytest.raises(ValueError, match='train pipeline'):
        head.partner_channels(dict(flip_indices=COCO_META['flip_indices']))


def test_images_without_persons_give_finite_losses():
    cfg = Config.fromfile(ALL_LOSSES_CONFIG)
    model = MODELS.build(cfg.model)
    codec = PartAffinityFields((256, 256), (32, 32), with_block_offsets=True)
    encoded = codec.encode(np.zeros((0, 17, 2)), np.zeros((0, 17)),
                           skeleton_links=COCO_META['skeleton_links'])
    sample = PoseDataSample(
        metainfo=dict(flip_indices=COCO_META['flip_indices'],
                      skeleton_links=COCO_META['skeleton_links']))
    sample.gt_fields = PixelData(
        **{k: torch.from_numpy(v)
           for k, v in encoded.items()})
    losses = model.loss(torch.rand(1, 3, 256, 256), [sample])
    assert all(torch.isfinite(v) for v in losses.values())


def test_an_all_masked_image_trains_with_zero_map_losses():
    """An image whose only persons are crowds or unannotated: the loss mask
    is 0 everywhere; every loss stays finite, the masked heatmap and PAF
    losses are exactly 0 and the gradients finite (no NaN from the KL
    normalisation or SALM)."""
    cfg = Config.fromfile(ALL_LOSSES_CONFIG)
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    codec = PartAffinityFields((256, 256), (32, 32), with_block_offsets=True)
    encoded = codec.encode(np.zeros((0, 17, 2)), np.zeros((0, 17)),
                           skeleton_links=COCO_META['skeleton_links'])
    sample = PoseDataSample(
        metainfo=dict(flip_indices=COCO_META['flip_indices'],
                      skeleton_links=COCO_META['skeleton_links']))
    sample.gt_fields = PixelData(
        heatmap_mask=torch.zeros(1, 32, 32, dtype=torch.bool),
        **{k: torch.from_numpy(v)
           for k, v in encoded.items()})
    losses = model.loss(torch.rand(1, 3, 256, 256), [sample])
    assert all(torch.isfinite(v) for v in losses.values())
    assert losses['loss_paf'] == 0 and losses['loss_heatmap'] == 0
    assert losses['loss_paf_to_heatmap'] == 0
    sum(losses.values()).backward()
    assert all(torch.isfinite(p.grad).all() for p in model.parameters()
               if p.grad is not None)


def test_section_three_build_errors():
    pdd = dict(type='ProgressiveDirectionLoss', betas='quadratic-b')
    with pytest.raises(ValueError, match='6 betas .* 3 stages'):
        _head(heatmap_loss=pdd)
    with pytest.raises(ValueError, match='paf_loss only'):
        _head(heatmap_loss=dict(type='SpatialAttentionLoss'))
    head = _head(paf_loss=dict(type='SpatialAttentionLoss'))
    codec = PartAffinityFields((128, 128), (16, 16), with_block_offsets=True)
    encoded = codec.encode(np.full((1, 17, 2), 64.), np.ones((1, 17)),
                           skeleton_links=COCO_META['skeleton_links'])
    encoded.pop('limb_attention')
    sample = PoseDataSample(metainfo=dict(flip_indices=list(range(17))))
    sample.gt_fields = PixelData(
        **{k: torch.from_numpy(v)
           for k, v in encoded.items()})
    with pytest.raises(ValueError, match='limb_attention'):
        head.loss((torch.rand(1, 8, 16, 16), ), [sample])


def test_openpose18_layout_on_coco17_samples():
    """The paper configs' head: 18 keypoints, its own flip pairs and limbs,
    predictions converted back to COCO-17 (neck dropped); the data samples
    carry COCO-17 meta only."""
    from mmengine.config import Config
    layout = Config.fromfile(
        REPO + '/configs/_base_/datasets/coco_openpose18_layout.py')
    codec = dict(type='PartAffinityFields', input_size=(128, 128),
                 heatmap_size=(16, 16), with_block_offsets=True,
                 skeleton_links=layout.openpose18_limbs)
    head = _head(num_keypoints=18, decoder=codec,
                 flip_indices=layout.openpose18_flip_indices,
                 output_converter=dict(num_keypoints=17,
                                       mapping=layout.openpose18_to_coco))
    sample = PoseDataSample(metainfo=dict(
        flip_indices=COCO_META['flip_indices'],
        skeleton_links=COCO_META['skeleton_links']))
    torch.manual_seed(0)
    with torch.no_grad():
        feats = (torch.rand(1, 8, 16, 16), )
        (pred, ) = head.predict([feats, feats], [sample],
                                test_cfg=dict(flip_test=True))
    assert pred.keypoints.shape[1:] == (17, 2)
    assert pred.keypoint_scores.shape[1:] == (17, )
    assert head.partner_channels(sample.metainfo)['heatmap'] == \
        layout.openpose18_flip_indices + [18]
    keypoints = np.arange(18 * 2, dtype=np.float32).reshape(1, 18, 2)
    scores = np.arange(18, dtype=np.float32)[None]
    out_kpts, out_scores = head.convert_output(keypoints, scores)
    # COCO's left eye (1) is OpenPose's 15, its right shoulder (6) is 2
    assert out_scores[0, 1] == 15 and out_scores[0, 6] == 2
    np.testing.assert_array_equal(out_kpts[0, 6], keypoints[0, 2])


def test_layout_errors_at_build_name_the_limb():
    codec = dict(type='PartAffinityFields', input_size=(128, 128),
                 heatmap_size=(16, 16), with_block_offsets=True,
                 skeleton_links=[(0, 1)] * 18 + [(16, 17)])
    with pytest.raises(ValueError, match=r'limb 18 \(16, 17\) .* outside '
                       r'0\.\.16'):
        _head(decoder=codec)
    codec['skeleton_links'] = [(0, 1)] * 5
    with pytest.raises(ValueError, match='num_limbs=19 but the decoder has 5'):
        _head(decoder=codec)
    with pytest.raises(ValueError, match='permutation of 0..16'):
        _head(flip_indices=[0] * 17)
    with pytest.raises(ValueError, match=r'output_converter pairs \[\(17, 0\)'):
        _head(output_converter=dict(num_keypoints=17, mapping=[(17, 0)]))


def test_multiscale_maps_are_averaged_at_the_largest_scale_without_offsets():
    """CMU averages the scales' maps at the largest scale's resolution: the
    baseline head decodes 32x32 maps of scales 1 and 2 at 32x32 (stride
    fd / 2), the RIE head at the first scale's 16x16 (its offsets' cells).
    The positions through the whole estimator: test_oracle_ap.py."""
    torch.manual_seed(0)
    for rie, size in ((False, 32), (True, 16)):
        head = _head(with_block_offsets=rie).eval()
        sample = PoseDataSample(metainfo=dict(
            flip_indices=COCO_META['flip_indices'],
            skeleton_links=COCO_META['skeleton_links']))
        feats = [(torch.rand(1, 8, 16, 16), ), (torch.rand(1, 8, 32, 32), )]
        with torch.no_grad():
            preds, fields = head.predict(
                feats, [sample],
                test_cfg=dict(multiscale_test=True, output_heatmaps=True))
        assert fields[0].heatmaps.shape[-2:] == (size, size), rie
    # the decoder maps stride-fd/2 maps back to input pixels
    codec = PartAffinityFields((128, 128), (16, 16))
    assert codec.map_upsample_factor(4.) == 4
    np.testing.assert_allclose(
        codec.heatmap_to_input(np.array([[10., 4.]]), 4, 4.), [[10., 4.]])
    with pytest.raises(ValueError, match='decode them at stride fd'):
        _head().decoder.decode_instances(
            np.zeros((18, 32, 32)), np.zeros((38, 32, 32)),
            np.zeros((34, 32, 32)), skeleton_links=COCO_META[
                'skeleton_links'], map_stride=4.)


def test_no_persons_are_decoded_on_the_padding():
    """A 128x64 image fitted into the 128x128 input sits between input rows
    31.5 and 95.5 (MMPose's BottomupResize pads above and below). Maps with
    one person on the image and one on the padding (what an untrained or
    padding-masked network may predict there) decode to the first only, as
    CMU OpenPose crops the padding off its maps; without the image's
    geometry in the metainfo both are decoded."""
    from mmpose_ext.testing import STANDING_PERSON
    person = np.asarray(STANDING_PERSON, dtype=np.float64) * 0.3
    on_image = person + [40., 40.]  # rows 39-93
    on_padding = person * 0.5 + [90., 2.]  # rows 1-28: all above 31.5
    head = _head(with_block_offsets=False).eval()
    codec = PartAffinityFields((128, 128), (16, 16))
    encoded = codec.encode(np.stack([on_image, on_padding]),
                           np.ones((2, 17)),
                           skeleton_links=COCO_META['skeleton_links'])
    maps = PafMaps(*(torch.from_numpy(encoded[k])[None]
                     for k in ('heatmaps', 'pafs')))
    head.last_stage_maps = lambda feats: maps
    geometry = dict(input_size=(128, 128), input_center=(64., 32.),
                    input_scale=(128., 128.), ori_shape=(64, 128))
    inside = cells_on_image((16, 16), geometry)
    assert inside[:, 0].tolist() == [False] * 4 + [True] * 8 + [False] * 4
    assert inside.all(axis=0).sum() == 0 and inside.any(axis=0).all()
    found = {}
    for name, extra in (('with', geometry), ('without', {})):
        sample = PoseDataSample(metainfo=dict(
            flip_indices=COCO_META['flip_indices'],
            skeleton_links=COCO_META['skeleton_links'], **extra))
        (pred, ) = head.predict((torch.zeros(1, 8, 16, 16), ), [sample])
        found[name] = pred.keypoints
    assert len(found['without']) == 2
    (keypoints, ) = found['with']
    np.testing.assert_allclose(keypoints, on_image, atol=3)  # fd 8


def scale_maps_of_a_real_image(device='cpu'):
    """The baseline paper config's model and the oracle's per-scale maps of
    the bundled 5-person image (ground truth encoded at each of the four
    scales' inputs), with what the estimator hands the head."""
    import contextlib
    import io
    import os.path as osp

    from mmengine.registry import init_default_scope

    from mmpose_ext.evaluation.oracle import (build_oracle_model,
                                              oracle_scale_maps)
    init_default_scope('mmpose')
    cfg = Config.fromfile(osp.join(
        REPO, 'configs/openpose/coco/openpose_vgg19_2xb5-600kit_coco-'
        '368x368.py'))
    model = build_oracle_model(cfg)
    with contextlib.redirect_stdout(io.StringIO()):
        scale_maps, samples, test_cfg = oracle_scale_maps(
            cfg, model, osp.join(COCO_MINI, 'person_keypoints.json'),
            osp.join(COCO_MINI, 'images'), index=3)
    scale_maps = [PafMaps(*(None if m is None else m.to(device)
                            for m in maps)) for maps in scale_maps]
    return model, scale_maps, samples, test_cfg


def predict_on_maps(model, scale_maps, samples, test_cfg, dense):
    model.head.decoder.dense_upsampling = dense
    model.head.forward = lambda feats: [feats[0]]  # the maps pass through
    (pred, ) = model.head.predict([(maps, ) for maps in scale_maps], samples,
                                  test_cfg=test_cfg)
    return pred


def test_four_scale_post_processing_equals_the_dense_reference():
    """The paper's test on a real 5-person image: four scales' maps (the
    ground truth at each scale's input: 23x38 ... 92x151) averaged, padding
    zeroed, peaks found on the tensors, grouped, converted to COCO-17: the
    same persons as upsampling everything (the reference), keypoints within
    0.01 px, scores within 1e-4."""
    model, scale_maps, samples, test_cfg = scale_maps_of_a_real_image()
    assert len(scale_maps) == 4 and test_cfg['multiscale_test']
    local = predict_on_maps(model, scale_maps, samples, test_cfg, False)
    dense = predict_on_maps(model, scale_maps, samples, test_cfg, True)
    assert len(local.keypoints) == len(dense.keypoints) == 5
    np.testing.assert_allclose(local.keypoints, dense.keypoints, atol=0.01)
    np.testing.assert_allclose(local.keypoint_scores, dense.keypoint_scores,
                               atol=1e-4)
    np.testing.assert_allclose(local.bbox_scores, dense.bbox_scores,
                               atol=1e-4)


def test_head_decode_takes_the_maps_in_the_codec_order():
    """``head.decode`` (MMPose's BaseHead API) on a batch of PafMaps, or a
    plain tuple in the same order, gives the codec's decoding of each
    sample; maps in the old (pafs, heatmaps) order are refused by the
    channel count."""
    codec_cfg = dict(type='PartAffinityFields', input_size=(128, 128),
                     heatmap_size=(16, 16),
                     skeleton_links=COCO_META['skeleton_links'])
    head = _head(with_block_offsets=False, decoder=codec_cfg)
    codec = PartAffinityFields((128, 128), (16, 16))
    from mmpose_ext.testing import STANDING_PERSON
    person = np.asarray(STANDING_PERSON, dtype=np.float64) * 0.3 + 40
    encoded = codec.encode(person[None], np.ones((1, 17)),
                           skeleton_links=COCO_META['skeleton_links'])
    maps = PafMaps(*(torch.from_numpy(encoded[k])[None].repeat(2, 1, 1, 1)
                     for k in ('heatmaps', 'pafs')))
    expected, scores = codec.decode(encoded['heatmaps'], encoded['pafs'],
                                    skeleton_links=COCO_META['skeleton_links'])
    for outputs in (maps, tuple(maps)):
        preds = head.decode(outputs)
        assert len(preds) == 2
        for pred in preds:
            np.testing.assert_allclose(pred.keypoints, expected, atol=1e-4)
            np.testing.assert_allclose(pred.keypoint_scores, scores,
                                       atol=1e-5)
    with pytest.raises(ValueError, match='PAF channels'):
        head.decode((maps.pafs, maps.heatmaps))
