# The RIE config (Table III "Ours fd=8") in the COCO-17 keypoint layout instead
# of OpenPose-18: no neck, MMPose's 19 COCO links (from the dataset meta), 17
# heatmaps + background, 34 offsets, no conversion of annotations or
# predictions. Everything else as the RIE config. The paper uses OpenPose-18;
# this config measures what the layout changes (oracle_ap.py on your data).
_base_ = ['./openpose-rie_vgg19_2xb5-600kit_coco-368x368.py']

fd = 8
codec = dict(
    type='PartAffinityFields',
    input_size=(368, 368),
    heatmap_size=(368 // fd, 368 // fd),
    sigma=1.5,
    limb_width=1.,
    with_block_offsets=True,
    # CMU OpenPose's test procedure (connect56LineVec.m, evalCOCO.m): limb
    # scores with the distance prior, more than 80% of the 10 samples above
    # 0.05, persons with >= 4 parts and >= 0.4 per part, ranked by CMU's COCO
    # score
    limb_distance_prior=True,
    min_limb_sample_ratio=0.9,
    min_parts=4,
    min_mean_score=0.4,
    person_score='cmu_coco')
# PAF arrows in the colours of the dataset meta's links
visualizer = dict(limbs=None, limbs_meta=None)
model = dict(
    head=dict(
        num_keypoints=17,
        decoder=dict(_delete_=True, **codec),
        flip_indices=None,
        output_converter=None))

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
    dict(type='GenerateTarget', encoder=codec),
    dict(type='BottomupHeatmapMask', invalid_cell='any',
         outside_valid=True),  # as the base
    dict(
        type='PackPoseInputs',
        meta_keys={{_base_.bottomup_train_meta_keys}}),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
