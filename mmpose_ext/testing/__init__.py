# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
from .oracle_grouping import bottomup_test_inputs, oracle_coco_ap
from .standing_person import STANDING_PERSON, standing_person

__all__ = [
    'bottomup_test_inputs', 'oracle_coco_ap',
    'STANDING_PERSON', 'standing_person'
]
