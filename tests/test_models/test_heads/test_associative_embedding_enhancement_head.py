# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""AssociativeEmbeddingEnhancementHead: EnhanceNet on Associative Embedding's
detection branch; MMPose's grouping decodes keypoints from M^HR."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from mmpose.registry import MODELS
from mmpose.structures import PoseDataSample

K = 3


def _head(**kwargs):
    cfg = dict(
        type='AssociativeEmbeddingEnhancementHead',
        in_channels=8,
        num_keypoints=K,
        deconv_out_channels=None,
        channels=16,
        decoder=dict(
            type='AssociativeEmbedding',
            input_size=(64, 64),
            heatmap_size=(64, 64),
            decode_keypoint_order=[0, 1, 2],
            decode_max_instances=2,
            decode_topk=2))
    cfg.update(kwargs)
    return MODELS.build(cfg)


def test_shapes_and_tags_kept_from_the_embedding_branch():
    torch.manual_seed(0)
    head = _head()
    feats = (torch.rand(2, 8, 16, 16), )
    maps_hr, tags = head(feats)
    assert maps_hr.shape == (2, K, 64, 64) and tags.shape == (2, K, 64, 64)
    # the tags are the final layer's tag channels, resized bilinearly
    lr = head.final_layer(feats[0])
    assert torch.allclose(
        tags, F.interpolate(lr[:, K:], size=(64, 64), mode='bilinear',
                            align_corners=False))
    # EnhanceNet sees [F^LR, M^LR] (eq. 1): 8 feature channels + K maps
    assert head.enhancer.layers[0].in_channels == 8 + K
    assert _head(enhance_input='features').enhancer.layers[0].in_channels == 8


def test_keypoints_are_decoded_from_the_high_resolution_maps(monkeypatch):
    """A peak at HR pixel (38, 22) is 9.5 cells at LR: only M^HR holds it."""
    head = _head().eval()
    maps = torch.zeros(1, K, 64, 64)
    peaks = [(38, 22), (41, 30), (38, 38)]  # (x, y) per keypoint
    for k, (x, y) in enumerate(peaks):
        maps[0, k, y, x] = 1.0
    monkeypatch.setattr(head.enhancer, 'forward', lambda x: maps)
    sample = PoseDataSample(metainfo=dict(
        flip_indices=[0, 2, 1], img_shape=(64, 64), input_size=(64, 64)))
    with torch.no_grad():
        (pred, ) = head.predict([torch.zeros(1, 8, 16, 16)], [sample],
                                test_cfg=dict(flip_test=False))
    best = np.argmax(pred.keypoint_scores.mean(axis=1))
    np.testing.assert_allclose(pred.keypoints[best], np.array(peaks),
                               atol=0.5)


def test_flip_test_averages_the_high_resolution_maps():
    """Flip test on M^HR: the mean of the original maps and the flipped
    input's maps flipped back (channels swapped by flip_indices); the tags
    of both, the flipped ones flipped back."""
    torch.manual_seed(0)
    head = _head().eval()
    flip_indices = [0, 2, 1]
    sample = PoseDataSample(metainfo=dict(
        flip_indices=flip_indices, img_shape=(64, 64), input_size=(64, 64)))
    feats = torch.rand(1, 8, 16, 16)
    with torch.no_grad():
        preds, fields = head.predict(
            [(feats, ), (feats.flip(-1), )], [sample],
            test_cfg=dict(flip_test=True, output_heatmaps=True))
        maps, tags = head((feats, ))
        maps_flip, tags_flip = head((feats.flip(-1), ))
    back = maps_flip.flip(-1)[:, flip_indices]
    assert not torch.allclose(maps, back)  # the average is not trivial
    torch.testing.assert_close(fields[0].heatmaps, ((maps + back) / 2)[0])
    torch.testing.assert_close(
        fields[0].tags,
        torch.cat([tags, tags_flip.flip(-1)[:, flip_indices]], dim=1)[0])
    assert np.isfinite(preds[0].keypoints).all()


@pytest.mark.parametrize('kwargs,message', [
    (dict(upscale_factor=0), 'upscale_factor'),
    (dict(upscale_factor=2.5), 'upscale_factor'),
    (dict(enhance_input='tags'), 'enhance_input'),
    (dict(final_layer=None), 'final_layer'),
])
def test_build_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        _head(**kwargs)


AE_TINY_CONFIG = 'configs/enhancenet/coco/' \
    'ae_hrnet-tiny_enhancenet-1xb4-1000e_coco-sample-256x256.py'


def _real_batch():
    """4 sample images through the tiny AE config's train pipeline."""
    from mmengine.config import Config

    from ...conftest import REPO
    from ...test_engine.ddp_gradient_worker import real_batch
    cfg = Config.fromfile(f'{REPO}/{AE_TINY_CONFIG}')
    return cfg, real_batch(cfg, 4)


def _associative_embedding_by_hand(tags, keypoint_indices, push_factor):
    """Newell et al.'s grouping loss as MMPose 1.3 sums it, from the
    low-resolution tags (B, K, H, W) and each image's (N, K, 2) [flat index,
    visible]: per image, pull = mean over persons of the mean squared
    deviation of their keypoints' tags from their mean tag; push = sum over
    all ordered pairs of persons, the pair of a person with itself included,
    of exp(-(difference of mean tags)^2), over N (N - 1); both summed over
    the batch (loss weight 1), push times ``push_factor``."""
    pull_total = push_total = 0.0
    for tag_map, indices in zip(tags, keypoint_indices):
        flat = tag_map.reshape(len(tag_map), -1)
        means, pulls = [], []
        for person in indices:
            values = np.array([flat[k, i] for k, (i, visible) in
                               enumerate(person) if visible], np.float64)
            if len(values):
                means.append(values.mean())
                pulls.append(((values - values.mean())**2).mean())
        n = len(means)
        if n:
            pull_total += sum(pulls) / (n + 1e-6)
        if n > 1:
            means = np.array(means)
            push_total += push_factor * np.exp(
                -(means[None] - means[:, None])**2).sum() / (n * (n - 1) +
                                                             1e-6)
    return pull_total, push_total


def test_loss_terms_by_hand_on_a_real_batch():
    """L^LR and η·L^HR are the masked MSEs of M^LR and M^HR against the two
    target levels; the pull and push terms are the grouping loss computed
    by hand from the low-resolution tags at the persons' keypoints."""
    cfg, batch = _real_batch()
    cfg.model.head.hr_loss_weight = 0.5
    model = MODELS.build(cfg.model)
    model.init_weights()
    data = model.data_preprocessor(batch, training=True)
    samples = data['data_samples']
    feats = model.extract_feat(data['inputs'])
    losses = model.head.loss(feats, samples)
    maps_lr, maps_hr, tags = model.head._maps_and_tags(feats)
    assert maps_hr.shape[-2:] == (4 * maps_lr.shape[-2], 4 * maps_lr.shape[-1])

    def masked_mse(pred, level):
        gt = torch.stack([s.gt_fields[level].heatmaps for s in samples])
        mask = torch.stack([s.gt_fields[level].heatmap_mask
                            for s in samples]).reshape(len(samples), 1,
                                                       *gt.shape[-2:])
        weight = model.head.loss_module.keypoint_loss.loss_weight
        return weight * ((pred - gt)**2 * mask).mean()

    torch.testing.assert_close(losses['loss_kpt'], masked_mse(maps_lr, 0))
    torch.testing.assert_close(losses['loss_kpt_hr'],
                               0.5 * masked_mse(maps_hr, 1))
    pull, push = _associative_embedding_by_hand(
        tags.detach().numpy(),
        [s.gt_instance_labels.keypoint_indices.numpy() for s in samples],
        model.head.loss_module.tag_loss.push_loss_factor)
    assert pull > 0 and push > 0
    np.testing.assert_allclose(losses['loss_pull'].item(), pull, rtol=1e-5)
    np.testing.assert_allclose(losses['loss_push'].item(), push, rtol=1e-5)
    # the sample's persons without keypoints are masked out of both levels
    masked = [int((~s.gt_fields[0].heatmap_mask).sum()) for s in samples]
    assert sum(masked) > 0


def test_training_without_the_targets_names_the_fix():
    head = _head()
    sample = PoseDataSample()
    from mmengine.structures import PixelData
    sample.gt_fields = PixelData(heatmaps=torch.zeros(K, 16, 16))
    with pytest.raises(KeyError, match='EnhancedAssociativeEmbedding'):
        head.loss((torch.rand(1, 8, 16, 16), ), [sample])
