# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""Round trip of top-down codecs through MMPose's whole path, in one run.

Every annotated person of a COCO-format file goes image → ground-truth box
(``GetBBoxCenterScale``) → crop (``TopdownAffine``, UDP for the UDP codecs) →
``GenerateTarget`` → ``decode`` → ``TopdownPoseEstimator.add_pred_to_datasample``
(MMPose's mapping back to the image); the distance to the annotated image
keypoint is printed in input pixels (image pixels × input size / box size),
mean and max over the labelled keypoints inside the crop. CAL's codec is shown
beside MMPose's UDPHeatmap and MSRAHeatmap at each input size of the CAL
configs; σ is the CAL configs' (0.5, 1, 2, 3 heatmap px) for CAL and
2 heatmap px at 256×192 scaled with the size for MMPose's Gaussian codecs.

    python tools/analysis_tools/topdown_round_trip.py \
        [--ann-file ANN --img-root DIR]

Defaults to the bundled COCO sample (tests/data/coco_mini).
"""
import argparse
import os.path as osp

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
# [w, h] input sizes of the CAL configs and CAL's sigma there (heatmap px)
SIZES = {(48, 64): 0.5, (96, 128): 1.0, (192, 256): 2.0, (288, 384): 3.0}


def codecs_for(input_size, cal_sigma):
    """(name, codec config, TopdownAffine use_udp) at one input size."""
    heatmap_size = (input_size[0] // 4, input_size[1] // 4)
    sigma = 2.0 * input_size[0] / 192
    common = dict(input_size=input_size, heatmap_size=heatmap_size)
    return [
        ('CAL ConfidenceAwareHeatmap',
         dict(type='ConfidenceAwareHeatmap', sigma=cal_sigma, **common), True),
        ('UDPHeatmap combined',
         dict(type='UDPHeatmap', heatmap_type='combined', **common), True),
        ('UDPHeatmap gaussian',
         dict(type='UDPHeatmap', sigma=sigma, **common), True),
        ('MSRAHeatmap', dict(type='MSRAHeatmap', sigma=sigma, **common),
         False),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        '--ann-file',
        default=osp.join(REPO, 'tests/data/coco_mini/person_keypoints.json'))
    parser.add_argument(
        '--img-root', default=osp.join(REPO, 'tests/data/coco_mini/images'))
    args = parser.parse_args()

    import mmpose_ext  # noqa: F401  (registers ConfidenceAwareHeatmap)
    from mmpose_ext.evaluation import coco_topdown_dataset, round_trip_errors
    dataset = coco_topdown_dataset(args.ann_file, args.img_root)

    print(f'Round trip image -> crop -> encode -> decode -> image on '
          f'{args.ann_file}\n(mean / max error in input pixels, labelled '
          'keypoints inside the crop)\n')
    rows, counts = {}, []
    for input_size, cal_sigma in SIZES.items():
        for name, codec_cfg, use_udp in codecs_for(input_size, cal_sigma):
            errors = round_trip_errors(dataset, codec_cfg, use_udp)
            rows.setdefault(name, []).append(
                f'{errors.mean():.4f} / {errors.max():.4f}')
        counts.append(len(errors))
    print('| codec | ' + ' | '.join(f'{w}×{h}' for w, h in SIZES) + ' |')
    print('|---|' + '---|' * len(SIZES))
    for name, cells in rows.items():
        print(f'| {name} | {" | ".join(cells)} |')
    print(f'\nkeypoints per size: {counts}; target for CAL: mean <= 0.001 '
          'input px')


if __name__ == '__main__':
    main()
