# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""mmpose_ext: four pose-estimation papers as registered MMPose 1.x parts.

``install_requires`` gives a library's ranges. The pinned, tested stack and the
way some of it must be installed (mmcv built from source with its ops, mmpose and
mmdet without their declared dependencies, xtcocotools from source) are in
``requirements/`` and ``tools/install.sh``.
"""
import os.path as osp

from setuptools import find_packages, setup


def read_version():
    scope = {}
    with open(osp.join('mmpose_ext', 'version.py')) as f:
        exec(f.read(), scope)
    return scope['__version__']


setup(
    name='mmpose_ext',
    version=read_version(),
    description='CAL, EnhanceNet, FR-SBN and bottom-up OpenPose (PAF) with '
    'RIE/KL/SALM/PDD for MMPose 1.x',
    long_description=open('README.md', encoding='utf-8').read(),
    long_description_content_type='text/markdown',
    license='Apache License 2.0',
    packages=find_packages(exclude=('configs', 'tools', 'tests', 'demo')),
    python_requires='>=3.8',
    install_requires=[
        'torch>=2.0',
        'torchvision',
        'numpy',
        'mmengine>=0.10.0,<1.0.0',
        'mmcv>=2.0.0,<2.2.0',
        'mmpose>=1.3.0,<1.4.0',
    ],
    extras_require={
        'mmdet': ['mmdet>=3.0.0,<3.4.0'],
        'tests': ['pytest>=7', 'hypothesis>=6'],
    },
    classifiers=[
        'License :: OSI Approved :: Apache Software License',
        'Programming Language :: Python :: 3',
        'Topic :: Scientific/Engineering :: Artificial Intelligence',
    ],
    zip_safe=False,
)
