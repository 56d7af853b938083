# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""CAL's configs share one codec between targets, decoder and loss."""
import glob
import os.path as osp

import pytest

from mmpose_ext.utils import check_types, load_config

from ..conftest import REPO

CONFIGS = sorted(glob.glob(osp.join(REPO, 'configs/cal/coco/*.py')))


@pytest.mark.parametrize('path', CONFIGS, ids=osp.basename)
def test_config_is_consistent(path):
    cfg = load_config(path)
    check_types(cfg)
    codec = cfg.codec
    assert cfg.model.head.decoder == codec
    assert cfg.model.head.loss.radius == codec['radius']
    targets = [t for t in cfg.train_dataloader.dataset.pipeline
               if t['type'] == 'GenerateTarget']
    assert [t['encoder'] for t in targets] == [codec]
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        affine = [t for t in cfg[loader].dataset.pipeline
                  if t['type'] == 'TopdownAffine']
        assert affine and affine[0]['input_size'] == codec['input_size']
        assert affine[0]['use_udp'] is True
    # GMM components: 1 up to 128x96, 2 above (ablations aside)
    if '_gmm' not in path:
        large = codec['input_size'][0] > 96
        assert cfg.model.head.loss.get('num_components', 1) == (2 if large
                                                                 else 1)
    hooks = [h['type'] for h in cfg.custom_hooks]
    assert ('ConfidenceAwareStageHook' in hooks) == ('one-stage' not in path)


def gaussian_kept(codec_cfg, keypoint=None):
    """The share of the Gaussian C (summed over the heatmap grid) that the
    codec's target G = B·C keeps: 1 − (what the disk cuts off)."""
    import numpy as np
    from mmpose.registry import KEYPOINT_CODECS
    cfg = dict(codec_cfg, heatmap_type='gaussian')
    codec = KEYPOINT_CODECS.build(cfg)
    W, H = codec.heatmap_size
    if keypoint is None:  # off the grid, near the centre
        keypoint = np.array([W / 2 + 0.3, H / 2 - 0.2])
    encoded = codec.encode((keypoint * codec.scale_factor)[None, None])
    ys, xs = np.mgrid[:H, :W]
    full = np.exp(-((xs - keypoint[0])**2 + (ys - keypoint[1])**2) /
                  (2 * codec.sigma**2))
    return encoded['heatmaps'][0].sum() / full.sum()


@pytest.mark.parametrize('path', CONFIGS, ids=osp.basename)
def test_the_target_keeps_the_gaussian(path):
    """The disk of radius ceil(3σ) keeps >= 95% of the Gaussian at every
    input size (R = 4 at 384×288 kept 59%)."""
    cfg = load_config(path)
    assert gaussian_kept(cfg.codec) >= 0.95
    # the old fixed radius at 384x288, for contrast
    if '384x288' in path:
        assert gaussian_kept(dict(cfg.codec, radius=4)) < 0.7


def test_default_radius_is_three_sigma():
    from mmpose_ext.codecs import ConfidenceAwareHeatmap, default_disk_radius
    assert [default_disk_radius(s) for s in (0.3, 0.5, 1, 2, 3)] == [
        2, 2, 3, 6, 9]
    codec = ConfidenceAwareHeatmap((288, 384), (72, 96), sigma=3)
    assert codec.radius == 9


# the offset loss weight alpha of the authors' release (LOSS.OFFSET_WEIGHT
# of experiments/coco/hrnet/*.yaml): 0.7 for HRNet-W32 at 64x48 and 128x96,
# 1.0 for W48 and for every model above 128x96
RELEASE_ALPHA = {('w32', '64x48'): 0.7, ('w32', '128x96'): 0.7}


@pytest.mark.parametrize(
    'path', [p for p in CONFIGS if 'tiny' not in p], ids=osp.basename)
def test_alpha_as_the_authors_release(path):
    name = osp.basename(path)
    width = 'w48' if 'w48' in name else 'w32'
    size = name.rsplit('-', 1)[1][:-3]
    assert load_config(path).model.head.loss.alpha == RELEASE_ALPHA.get(
        (width, size), 1.0)
