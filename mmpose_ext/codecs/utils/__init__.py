# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
from .disk_offset_heatmap import (generate_disk_offset_heatmaps,
                                  get_offset_refined_maximum)

__all__ = ['generate_disk_offset_heatmaps', 'get_offset_refined_maximum']
