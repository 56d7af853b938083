# Associative Embedding (MMPose's HRNet-W32 AE at 512x512) with EnhanceNet on
# the detection branch (Liu, Dou et al., Tables 4 and 6): the 17 detection
# heatmaps are super-resolved 4x (128x128 -> 512x512), the tag maps (the
# embedding branch) are kept and resized to 512x512 for grouping. The paper
# applied it to the original stacked-hourglass AE. MMPose 1.3.2 ships its
# HRNet-W32 AE without a training pipeline (train_pipeline = []); this config
# adds one: MMPose 0.x's AE augmentation (rotation +-30, scale 0.75-1.5 of the
# short side, shift 40 px, flip), the 4x targets of
# EnhancedAssociativeEmbedding and the loss mask of BottomupHeatmapMask; the
# loss is L^LR + L^HR (eq. 8) plus MMPose's tag loss at 0.001. Not trained
# here (the bundled-sample run is ae_hrnet-tiny_enhancenet-*-sample-*).
_base_ = [
    'mmpose::body_2d_keypoint/associative_embedding/coco/'
    'ae_hrnet-w32_8xb24-300e_coco-512x512.py'
]

custom_imports = dict(imports=['mmpose_ext'], allow_failed_imports=False)
# keypoint maps without a background channel, and PAF arrows where the
# samples have them (browse_dataset, test.py --show-dir, --draw-heatmap)
visualizer = dict(type='PartAffinityFieldVisualizer')

# the base config's head and codec, with EnhanceNet on the detection branch;
# its decoder already decodes at the input size (restore_heatmap_size=True),
# which is M^HR's size with r = 4
model = dict(
    head=dict(
        type='AssociativeEmbeddingEnhancementHead',
        upscale_factor=4,
        channels=128,
        enhance_input='features+maps',
        upscaler='subpixel',
        hr_loss_weight=1.0,
        # per-instance keypoint weights do not fit bottom-up heatmaps (see
        # AssociativeEmbeddingEnhancementHead.loss): the mask only
        keypoint_loss=dict(type='KeypointMSELoss', use_target_weight=False)))

train_codec = dict(
    _base_.codec, type='EnhancedAssociativeEmbedding', upscale_factor=4)
train_pipeline = [
    dict(type='LoadImage'),
    dict(
        type='BottomupRandomAffine',
        input_size=_base_.codec['input_size'],
        shift_factor=40 / 512,
        scale_factor=(0.75, 1.5),
        scale_type='short',
        rotate_factor=30.),
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='GenerateTarget', encoder=train_codec),
    dict(type='BottomupHeatmapMask'),
    dict(
        type='PackPoseInputs',
        meta_keys=('id', 'img_id', 'img_path', 'crowd_index', 'ori_shape',
                   'img_shape', 'input_size', 'input_center', 'input_scale',
                   'flip', 'flip_direction', 'flip_indices', 'raw_ann_info',
                   'skeleton_links')),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
