# OpenPose + Resolution-Irrelevant Encoding at fd = 16: Table III row
# "Ours fd=16" of Liu et al., where RIE helps most.
_base_ = ['./openpose_vgg19_2xb5-600kit_coco-368x368.py']

fd = 16
codec = dict(
    type='PartAffinityFields',
    input_size=(368, 368),
    heatmap_size=(368 // fd, 368 // fd),
    sigma=1.5,
    limb_width=1.,
    with_block_offsets=True,
    skeleton_links={{_base_.openpose18_limbs}},
    # CMU OpenPose's test procedure (connect56LineVec.m, evalCOCO.m): limb
    # scores with the distance prior, more than 80% of the 10 samples above
    # 0.05, persons with >= 4 parts and >= 0.4 per part, ranked by CMU's COCO
    # score (counting the 17 COCO keypoints, not the neck)
    limb_distance_prior=True,
    min_limb_sample_ratio=0.9,
    min_parts=4,
    min_mean_score=0.4,
    person_score='cmu_coco',
    counted_parts=[0] + list(range(2, 18)))
model = dict(
    backbone=dict(output_stride=fd),
    head=dict(with_block_offsets=True, decoder=codec),
    test_cfg=dict(size_divisor=fd))

train_pipeline = [
    dict(type='LoadImage'),
    dict(
        type='PersonCentredRandomAffine',  # as the base config
        input_size=codec['input_size'],
        target_height=0.6,
        scale_factor=(0.5, 1.1),
        center_jitter=40.,
        rotate_factor=45.),
    dict(type='RandomFlip', direction='horizontal'),
    dict(
        type='FlipConsistentKeypointConverter',  # to OpenPose-18, as base
        num_keypoints=18,
        mapping={{_base_.coco_to_openpose18}}),
    dict(type='GenerateTarget', encoder=codec),
    dict(type='BottomupHeatmapMask', invalid_cell='any',
         outside_valid=True),  # as the base
    dict(
        type='PackPoseInputs',
        meta_keys={{_base_.bottomup_train_meta_keys}}),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
# the test input padded to a multiple of this config's fd
val_pipeline = [
    dict(type='LoadImage'),
    dict(
        # the image at the largest test scale (height 2 x 368); the
        # estimator makes the smaller scales from it (test_cfg.input_scale)
        type='BottomupResizeByHeight',
        input_size=tuple(2 * s for s in codec['input_size']),
        size_factor=fd),
    dict(
        type='PackPoseInputs',
        meta_keys={{_base_.bottomup_val_meta_keys}})
]
val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
test_dataloader = val_dataloader
