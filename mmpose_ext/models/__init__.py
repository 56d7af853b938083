# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
from . import backbones, heads, losses, necks, pose_estimators, utils  # noqa: F401  (registration)
