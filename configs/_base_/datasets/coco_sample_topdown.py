# The bundled COCO sample (tests/data/coco_mini: 4 val2017 images, 14 person
# annotations, 12 with keypoints), top-down, with ground-truth boxes for training
# and evaluation. Same loaders as coco_topdown.py with the sample's files; the
# path is relative to this file, so a config runs from any working directory.
# Inheriting configs set the pipelines as for coco_topdown.py.
_base_ = ['./coco_topdown.py']

data_root = '{{ fileDirname }}/../../../tests/data/coco_mini/'
sample_files = dict(
    data_root=data_root,
    ann_file='person_keypoints.json',
    data_prefix=dict(img='images/'))

train_dataloader = dict(
    batch_size=16,
    num_workers=0,
    persistent_workers=False,
    dataset=sample_files)
val_dataloader = dict(
    batch_size=16,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(bbox_file=None, **sample_files))
test_dataloader = val_dataloader

val_evaluator = dict(ann_file=data_root + 'person_keypoints.json')
test_evaluator = val_evaluator
