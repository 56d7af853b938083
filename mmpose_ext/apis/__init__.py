# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
from .coco_results_person_boxes import (CocoResultsPersonBoxes,
                                        use_coco_results_boxes)

__all__ = ['CocoResultsPersonBoxes', 'use_coco_results_boxes']
