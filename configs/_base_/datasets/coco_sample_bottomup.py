# The bundled COCO sample (tests/data/coco_mini: 4 val2017 images, 12 persons
# with keypoints, scenes of 1, 2, 4 and 5), bottom-up. Same loaders as
# coco_bottomup.py with the sample's files; the path is relative to this file,
# so a config runs from any working directory. Inheriting configs set the
# pipelines as for coco_bottomup.py.
_base_ = ['./coco_bottomup.py']

data_root = '{{ fileDirname }}/../../../tests/data/coco_mini/'
sample_files = dict(
    data_root=data_root,
    ann_file='person_keypoints.json',
    data_prefix=dict(img='images/'))

train_dataloader = dict(
    batch_size=4,
    num_workers=0,
    persistent_workers=False,
    dataset=sample_files)
val_dataloader = dict(
    batch_size=1,
    num_workers=0,
    persistent_workers=False,
    dataset=sample_files)
test_dataloader = val_dataloader

val_evaluator = dict(ann_file=data_root + 'person_keypoints.json')
test_evaluator = val_evaluator
