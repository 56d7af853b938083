# Associative Embedding (MMPose's HRNet-W32 AE at 512x512) with EnhanceNet on
# the detection branch (Liu, Dou et al., Tables 4 and 6): the 17 detection
# heatmaps are super-resolved 4x (128x128 -> 512x512), the tag maps (the
# embedding branch) are kept and resized to 512x512 for grouping. The paper
# applied it to the original stacked-hourglass AE; MMPose 1.3.2 ships AE with
# HRNet-W32 and for inference/evaluation only (train_pipeline = []), so this
# config evaluates (tools/test.py) and runs in the bottom-up demo.
_base_ = [
    'mmpose::body_2d_keypoint/associative_embedding/coco/'
    'ae_hrnet-w32_8xb24-300e_coco-512x512.py'
]

custom_imports = dict(imports=['mmpose_ext'], allow_failed_imports=False)

# the base config's head and codec, with EnhanceNet on the detection branch;
# its decoder already decodes at the input size (restore_heatmap_size=True),
# which is M^HR's size with r = 4
model = dict(
    head=dict(
        type='AssociativeEmbeddingEnhancementHead',
        upscale_factor=4,
        channels=128,
        enhance_input='features+maps',
        upscaler='subpixel'))
