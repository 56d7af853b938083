# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""Sphinx configuration of the mmpose_ext documentation site.

    python -m sphinx -W -b html docs docs/_build/html

Markdown sources (myst-parser), the API reference from the docstrings
(autodoc, Google-style sections read by napoleon), the furo theme.
"""
import os
import os.path as osp
import sys

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
sys.path.insert(0, REPO)
# importing mmpose_ext must not change MMEngine while the docs are built
os.environ.setdefault('MMPOSE_EXT_PATCH_MMENGINE', '0')

from mmpose_ext.version import __version__  # noqa: E402

project = 'mmpose_ext'
author = 'mmpose_ext contributors'
copyright = '2026, mmpose_ext contributors'
release = __version__
version = __version__

extensions = [
    'myst_parser',
    'sphinx.ext.autodoc',
    'sphinx.ext.napoleon',
    'sphinx.ext.viewcode',
]
source_suffix = {'.md': 'markdown'}
root_doc = 'index'
exclude_patterns = ['_build', 'images']
myst_enable_extensions = ['colon_fence', 'dollarmath']
myst_heading_anchors = 3

autodoc_member_order = 'bysource'
autodoc_typehints = 'description'
autodoc_default_options = {'show-inheritance': True}
napoleon_google_docstring = True
napoleon_numpy_docstring = False
# 'Attributes:' as fields, not as attribute entries (a NamedTuple's fields
# are documented by autodoc already)
napoleon_use_ivar = True

html_theme = 'furo'
html_title = f'mmpose_ext {version}'
html_static_path = []
