# COCO person keypoints, bottom-up (whole images, all persons), laid out as in
# MMPose's docs:
#   data/coco/annotations/person_keypoints_{train,val}2017.json
#   data/coco/{train,val}2017/
# A config that inherits this sets the pipelines:
#   train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
#   val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
#   test_dataloader = val_dataloader
# CocoDataset that names bad annotations and images by id (mmpose_ext)
dataset_type = 'CheckedCocoDataset'
data_mode = 'bottomup'
data_root = 'data/coco/'

train_dataloader = dict(
    batch_size=5,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_mode=data_mode,
        ann_file='annotations/person_keypoints_train2017.json',
        data_prefix=dict(img='train2017/'),
        pipeline=[],
    ))
val_dataloader = dict(
    batch_size=1,
    num_workers=1,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False, round_up=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_mode=data_mode,
        ann_file='annotations/person_keypoints_val2017.json',
        data_prefix=dict(img='val2017/'),
        test_mode=True,
        pipeline=[],
    ))
test_dataloader = val_dataloader

# bottom-up: no boxes to rescore with, persons are scored by their keypoints
val_evaluator = dict(
    type='CocoMetric',
    ann_file=data_root + 'annotations/person_keypoints_val2017.json',
    score_mode='keypoint',
    nms_mode='none')
test_evaluator = val_evaluator

# PackPoseInputs meta keys of the bottom-up PAF pipelines: MMPose's defaults
# plus the dataset's skeleton_links (PDD pairs mirrored limbs in training, the
# decoder groups along the limbs at test time)
bottomup_train_meta_keys = ('id', 'img_id', 'img_path', 'category_id',
                            'crowd_index', 'ori_shape', 'img_shape',
                            'input_size', 'input_center', 'input_scale',
                            'flip', 'flip_direction', 'flip_indices',
                            'raw_ann_info', 'dataset_name', 'skeleton_links')
bottomup_val_meta_keys = ('id', 'img_id', 'img_path', 'crowd_index',
                          'ori_shape', 'img_shape', 'input_size',
                          'input_center', 'input_scale', 'flip',
                          'flip_direction', 'flip_indices', 'raw_ann_info',
                          'skeleton_links')
