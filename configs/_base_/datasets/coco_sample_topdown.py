# The bundled COCO sample (tests/data/coco_mini: 4 val2017 images, 14 person
# annotations, 12 with keypoints), top-down, with ground-truth boxes for training
# and evaluation. The path is relative to this file, so the config runs from any
# working directory. Inheriting configs set the pipelines as for coco_topdown.py.
dataset_type = 'CocoDataset'
data_mode = 'topdown'
data_root = '{{ fileDirname }}/../../../tests/data/coco_mini/'

train_dataloader = dict(
    batch_size=16,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_mode=data_mode,
        ann_file='person_keypoints.json',
        data_prefix=dict(img='images/'),
        pipeline=[],
    ))
val_dataloader = dict(
    batch_size=16,
    num_workers=0,
    persistent_workers=False,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False, round_up=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_mode=data_mode,
        ann_file='person_keypoints.json',
        data_prefix=dict(img='images/'),
        test_mode=True,
        pipeline=[],
    ))
test_dataloader = val_dataloader

val_evaluator = dict(
    type='CocoMetric', ann_file=data_root + 'person_keypoints.json')
test_evaluator = val_evaluator
