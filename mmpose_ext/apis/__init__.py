# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
from .frames import input_type, run_on_input, save_predictions
from .person_boxes import (boxes_from_coco_results, detect_persons,
                           person_class_id)

__all__ = [
    'input_type', 'run_on_input', 'save_predictions',
    'boxes_from_coco_results', 'detect_persons', 'person_class_id'
]
