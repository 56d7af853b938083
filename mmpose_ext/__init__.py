# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""mmpose_ext: CAL, EnhanceNet, FR-SBN and bottom-up OpenPose for MMPose 1.x.

Importing this package registers every codec, model part, transform, hook and
visualizer into MMPose's own registries (``mmpose.registry``), and makes
MMEngine load checkpoints with ``torch.load(weights_only=True)`` and an
explicit allow-list (:mod:`mmpose_ext.engine.checkpoint_loading`). Configs load it with::

    custom_imports = dict(imports=['mmpose_ext'], allow_failed_imports=False)
"""
from . import (codecs, datasets, engine, models,  # noqa: F401 (registration)
               visualization)
from .version import __version__

__all__ = ['__version__']
