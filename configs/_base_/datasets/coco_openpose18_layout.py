# OpenPose's 18-keypoint layout on COCO data, as CMU OpenPose and Liu et al.
# use it: COCO-17 plus the neck (the midpoint of the shoulders, labelled only
# when both shoulders are), in OpenPose's order (MMPose's coco_openpose meta):
#   0 nose, 1 neck, 2-4 right shoulder/elbow/wrist, 5-7 left shoulder/elbow/
#   wrist, 8-10 right hip/knee/ankle, 11-13 left hip/knee/ankle, 14 right eye,
#   15 left eye, 16 right ear, 17 left ear
# A config that inherits this converts the training annotations with
# MMPose's KeypointConverter(num_keypoints=18, mapping=coco_to_openpose18),
# gives its codec the 19 limbs and its head the flip pairs, and turns the
# predictions back into COCO-17 (openpose18_to_coco) for CocoMetric.

# (COCO index, OpenPose index), in OpenPose order; the neck averages the
# shoulders
coco_to_openpose18 = [(0, 0), ((5, 6), 1), (6, 2), (8, 3), (10, 4), (5, 5),
                      (7, 6), (9, 7), (12, 8), (14, 9), (16, 10), (11, 11),
                      (13, 12), (15, 13), (2, 14), (1, 15), (4, 16), (3, 17)]
# (OpenPose index, COCO index): the neck is dropped
openpose18_to_coco = [(0, 0), (15, 1), (14, 2), (17, 3), (16, 4), (5, 5),
                      (2, 6), (6, 7), (3, 8), (7, 9), (4, 10), (11, 11),
                      (8, 12), (12, 13), (9, 14), (13, 15), (10, 16)]
openpose18_flip_indices = [0, 1, 5, 6, 7, 2, 3, 4, 11, 12, 13, 8, 9, 10, 15,
                           14, 17, 16]
# CMU OpenPose's 19 limbs (POSE_COCO_PAIRS, in its order): MMPose's
# coco_openpose skeleton plus right shoulder-right ear and left shoulder-left
# ear; the neck-nose limb keeps a face on its body when the ears are missed
openpose18_limbs = [(1, 8), (8, 9), (9, 10), (1, 11), (11, 12), (12, 13),
                    (1, 2), (2, 3), (3, 4), (2, 16), (1, 5), (5, 6), (6, 7),
                    (5, 17), (1, 0), (0, 14), (0, 15), (14, 16), (15, 17)]
