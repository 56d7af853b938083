# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""The README's quick start, run as written: for each method, its
`tools/train.py` (with ``--cfg-options train_cfg.max_epochs=2`` added, so the
checkpoint read afterwards is ``epoch_2.pth``), `tools/test.py` and
`demo/inferencer_demo.py` commands, in a copy of their work dirs under a
temporary folder."""
import os.path as osp
import re
import shlex

import pytest

from .conftest import REPO, run_script, run_tool


def _quick_start_blocks():
    with open(osp.join(REPO, 'README.md')) as f:
        text = f.read()
    section = text[text.index('## Quick start per method'):
                   text.index('## Where things are')]
    return re.findall(r'```bash\n(.*?)```', section, re.S)


def test_the_quick_start_has_a_block_per_method():
    blocks = _quick_start_blocks()
    configs = [re.search(r'^CONFIG=(\S+)', b, re.M).group(1) for b in blocks]
    assert [c.split('/')[1] for c in configs] == [
        'cal', 'enhancenet', 'fr_sbn', 'openpose']
    for config in configs:
        assert osp.isfile(osp.join(REPO, config)), config


@pytest.mark.parametrize('index', range(4), ids=['cal', 'enhancenet',
                                                 'fr_sbn', 'openpose'])
def test_quick_start_commands_run(index, tmp_path):
    block = _quick_start_blocks()[index]
    lines = [line for line in block.splitlines() if line.strip()]
    config = lines[0].split('=', 1)[1]
    commands = [shlex.split(line.replace('$CONFIG', config))
                for line in lines[1:]]
    assert [c[:2] for c in commands] == [
        ['python', 'tools/train.py'], ['python', 'tools/test.py'],
        ['python', 'demo/inferencer_demo.py']]

    def here(args):
        # work_dirs/ and outputs/ under tmp_path; epoch_N.pth -> epoch_2.pth
        return [re.sub(r'epoch_\d+\.pth', 'epoch_2.pth',
                       str(tmp_path / a) if a.startswith(('work_dirs/',
                                                          'outputs/'))
                       else a) for a in args]

    train, test, demo = (here(c[1:]) for c in commands)
    result = run_tool(train + ['--cfg-options', 'train_cfg.max_epochs=2',
                               'train_cfg.val_interval=2'])
    assert result.returncode == 0, result.stderr[-3000:]
    result = run_script(test)
    assert result.returncode == 0, result.stderr[-3000:]
    assert 'coco/AP' in result.stdout + result.stderr
    result = run_script(demo)
    assert result.returncode == 0, result.stderr[-3000:]
    out = demo[demo.index('--vis-out-dir') + 1]
    assert osp.isfile(osp.join(out, '000000197388.jpg'))
