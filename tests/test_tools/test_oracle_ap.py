# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""tools/analysis_tools/oracle_ap.py: the config's test pipeline, the codec's
encoding of the ground truth in place of the network, the head's decode and
the estimator's mapping back, scored by the config's evaluator."""
import json
import os.path as osp
import runpy
import sys

import pytest

from ..conftest import CAL_TINY_CONFIG, COCO_MINI, REPO, SAMPLE_CONFIG

TOOL = osp.join(REPO, 'tools/analysis_tools/oracle_ap.py')
DATA = ['--ann-file', osp.join(COCO_MINI, 'person_keypoints.json'),
        '--img-root', osp.join(COCO_MINI, 'images')]


def _oracle(monkeypatch, capsys, *args):
    monkeypatch.setattr(sys, 'argv', [TOOL, *args])
    runpy.run_path(TOOL, run_name='__main__')
    return capsys.readouterr().out.strip().splitlines()


@pytest.mark.parametrize('config', [
    CAL_TINY_CONFIG,
    osp.join(REPO, 'configs/cal/coco/td-cal_hrnet-w32_8xb64-250e_coco-64x48.py'),
    osp.join(REPO, 'configs/enhancenet/coco/'
             'td-hm_res18_enhancenet-1xb16-300e_coco-sample-128x96.py'),
    osp.join(REPO, 'configs/fr_sbn/coco/'
             'td-hm_res18_fr-sbn-1xb16-300e_coco-sample-128x96.py'),
])
def test_top_down_paper_codecs_are_exact_on_the_sample(
        monkeypatch, capsys, config):
    lines = _oracle(monkeypatch, capsys, config, *DATA)
    assert lines[-1] == 'oracle AP 1.0000 (4 images, 12 persons)'


def test_mmpose_msra_codec_loses_ap_and_the_tool_shows_it(
        monkeypatch, capsys):
    """MMPose's MSRAHeatmap at 128×96 decodes to stride-4 cells: the oracle
    is below 1 (0.908 on the sample), so the tool can fail a codec."""
    lines = _oracle(monkeypatch, capsys, SAMPLE_CONFIG)  # config's test set
    ap = float(lines[-1].split()[2])
    assert 0.8 < ap < 0.95
    assert lines[-1].endswith('(4 images, 12 persons)')


def test_bottom_up_associative_embedding_is_refused_by_name(
        monkeypatch, capsys):
    config = osp.join(REPO, 'configs/enhancenet/coco/'
                      'ae_hrnet-w32_enhancenet-8xb24-300e_coco-512x512.py')
    with pytest.raises(ValueError, match='PartAffinityFieldHead is'):
        _oracle(monkeypatch, capsys, config, *DATA)


@pytest.mark.parametrize('config,options,low,high', [
    # the tiny config as configured (256x256 fit, one scale)
    ('openpose-rie_vgg-tiny_1xb4-500e_coco-sample-256x256.py', [], 0.97, 1.),
    # the paper's RIE config as configured: height 368, 4 scales averaged
    ('openpose-rie_vgg19_2xb5-600kit_coco-368x368.py', [], 0.97, 1.),
    # the baseline at cell centres, one scale at height 368: what the
    # upsampling recovers
    ('openpose_vgg19_2xb5-600kit_coco-368x368.py',
     ['--cfg-options', 'model.head.decoder.upsample_factor=1',
      'model.test_cfg.multiscale_test=False', 'model.test_cfg.input_scale=1.0',
      'test_dataloader.dataset.pipeline.1.input_size=(368,368)'], 0.6, 0.9),
    ('openpose_vgg19_2xb5-600kit_coco-368x368.py', [], 0.97, 1.),
])
def test_bottom_up_paf_configs_through_the_estimator(monkeypatch, capsys,
                                                     config, options, low,
                                                     high):
    """The estimator's own predict (its scales, the head's averaging and
    decoding, the mapping back to the image) on ground-truth maps; measured
    here: 0.980, 0.981, 0.820 (cell centres, one scale), 0.981 (the
    baseline as configured: upsampled, 4 scales)."""
    lines = _oracle(monkeypatch, capsys,
                    osp.join(REPO, 'configs/openpose/coco', config), *DATA,
                    *options)
    assert lines[-1].endswith('(4 images, 12 persons)')
    assert low <= float(lines[-1].split()[2]) <= high


def test_bottom_up_image_without_persons(monkeypatch, capsys, tmp_path):
    """An image whose persons were all removed (MMPose's bottom-up data info
    then has no keypoint keys) is scored with no ground truth, not a
    KeyError."""
    with open(osp.join(COCO_MINI, 'person_keypoints.json')) as f:
        coco = json.load(f)
    single = [a['image_id'] for a in coco['annotations']
              if a['num_keypoints'] > 0]
    emptied = min(single, key=single.count)  # the one-person image
    coco['annotations'] = [a for a in coco['annotations']
                           if a['image_id'] != emptied]
    ann_file = tmp_path / 'no_persons_in_one_image.json'
    ann_file.write_text(json.dumps(coco))
    lines = _oracle(monkeypatch, capsys,
                    osp.join(REPO, 'configs/openpose/coco/'
                             'openpose-rie_vgg-tiny_1xb4-500e_coco-sample-'
                             '256x256.py'),
                    '--ann-file', str(ann_file), '--img-root',
                    osp.join(COCO_MINI, 'images'))
    assert lines[-1].endswith('(4 images, 11 persons)')
    assert float(lines[-1].split()[2]) >= 0.97
