# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""mmpose_ext: four pose-estimation papers as registered MMPose 1.x parts.

As MMPose's own setup.py: ``install_requires`` is what the package imports
outside OpenMMLab (``requirements/runtime.txt``, all wheels, nothing to build);
the OpenMMLab packages are the ``mim`` extra (``requirements/mminstall.txt``),
because mmcv is built from source for most torch versions. ``pip install -e .``
in an environment with the stack installed therefore builds nothing. The tested
stack and how each piece must be installed is ``tools/install.sh``.

The mim extension (``add_mim_extension``) puts ``configs``, ``tools``, ``demo``,
``model-index.yml``, ``sample-index.yml`` and the bundled sample data
(``tests/data``: the sample configs and the demo's default person boxes point
at it relative to themselves) under ``mmpose_ext/.mim`` (symlinks for an
editable install, copies for a wheel), where ``mim search/train/test
mmpose_ext`` looks. The test packages themselves are not installed.
"""
import os
import os.path as osp
import platform
import shutil
import sys

from setuptools import find_packages, setup

MIM_FILES = ('configs', 'tools', 'demo', 'model-index.yml', 'sample-index.yml',
             'tests/data')


def read_version():
    scope = {}
    with open(osp.join('mmpose_ext', 'version.py')) as f:
        exec(f.read(), scope)
    return scope['__version__']


def parse_requirements(path):
    """Requirement lines of ``path``, without comments and blank lines."""
    with open(path) as f:
        lines = (line.split('#', 1)[0].strip() for line in f)
        return [line for line in lines if line]


def add_mim_extension():
    """Put what mim needs (configs, tools, demo, the two indexes) into
    ``mmpose_ext/.mim``: symlinks for an editable install (``pip install -e
    .``, setuptools' ``editable_wheel`` or the older ``develop``), copies for
    a wheel or a source distribution, nothing for other commands."""
    if {'develop', 'editable_wheel'} & set(sys.argv):
        mode = 'copy' if platform.system() == 'Windows' else 'symlink'
    elif {'sdist', 'bdist_wheel'} & set(sys.argv):
        mode = 'copy'
    else:
        return
    repo_path = osp.dirname(osp.abspath(__file__))
    mim_path = osp.join(repo_path, 'mmpose_ext', '.mim')
    os.makedirs(mim_path, exist_ok=True)
    for name in MIM_FILES:
        src_path = osp.join(repo_path, name)
        tar_path = osp.join(mim_path, name)
        os.makedirs(osp.dirname(tar_path), exist_ok=True)
        if osp.islink(tar_path) or osp.isfile(tar_path):
            os.remove(tar_path)
        elif osp.isdir(tar_path):
            shutil.rmtree(tar_path)
        if mode == 'symlink':
            os.symlink(osp.relpath(src_path, osp.dirname(tar_path)), tar_path)
        elif osp.isdir(src_path):
            shutil.copytree(
                src_path, tar_path,
                ignore=shutil.ignore_patterns('__pycache__', '*.pyc'))
        else:
            shutil.copyfile(src_path, tar_path)


if __name__ == '__main__':
    add_mim_extension()
    setup(
        name='mmpose_ext',
        version=read_version(),
        description='CAL, EnhanceNet, FR-SBN and bottom-up OpenPose (PAF) '
        'with RIE/KL/SALM/PDD for MMPose 1.x',
        long_description=open('README.md', encoding='utf-8').read(),
        long_description_content_type='text/markdown',
        license='Apache License 2.0',
        packages=find_packages(
            exclude=('configs', 'configs.*', 'tools', 'tools.*', 'tests',
                     'tests.*', 'demo', 'demo.*', 'docs', 'docs.*')),
        include_package_data=True,
        # torch 2.13 and newer publish wheels for Python 3.10 and newer only
        python_requires='>=3.10',
        install_requires=parse_requirements('requirements/runtime.txt'),
        extras_require={
            'mim': parse_requirements('requirements/mminstall.txt'),
            'optional': parse_requirements('requirements/optional.txt'),
            'tests': parse_requirements('requirements/tests.txt'),
            'tools': parse_requirements('requirements/tools.txt'),
        },
        classifiers=[
            'License :: OSI Approved :: Apache Software License',
            'Programming Language :: Python :: 3',
            'Programming Language :: Python :: 3.10',
            'Programming Language :: Python :: 3.11',
            'Programming Language :: Python :: 3.12',
            'Topic :: Scientific/Engineering :: Artificial Intelligence',
        ],
        zip_safe=False,
    )
