# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""tools/analysis_tools/check_training_start.py: a config's first
iterations on the bundled sample, judged finite and falling or not."""
import os.path as osp
import re

from ..conftest import OPENPOSE_RIE_CONFIG, REPO, run_script

TOOL = osp.join(REPO, 'tools/analysis_tools/check_training_start.py')
LINE = re.compile(r'^(\S+): finite (yes|no at iteration \d+), loss (\S+) -> '
                  r'(\S+) \((\S+)\), (falls|does not fall) \((\d+) '
                  r'iterations\)$', re.M)


def test_a_config_that_learns_and_one_that_diverges():
    result = run_script([TOOL, OPENPOSE_RIE_CONFIG, '--iters', '8'])
    (line, ) = LINE.findall(result.stdout)
    assert line[1] == 'yes' and line[5] == 'falls' and line[6] == '8', \
        result.stdout
    assert result.returncode == 0
    # the same at a learning rate no network survives
    result = run_script([TOOL, OPENPOSE_RIE_CONFIG, '--iters', '8',
                         '--cfg-options', 'optim_wrapper.optimizer.lr=1e6'])
    (line, ) = LINE.findall(result.stdout)
    assert line[1].startswith('no at iteration') or line[5] == \
        'does not fall', result.stdout
    assert result.returncode == 1
