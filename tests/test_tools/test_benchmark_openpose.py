# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""tools/analysis_tools/benchmark_openpose.py: the decoding comparison and
the four-scale post-processing print their tables (one repeat; the timings
themselves are the script's to print, not the test's)."""
import os.path as osp
import re

from ..conftest import REPO, run_script

TOOL = osp.join(REPO, 'tools/analysis_tools/benchmark_openpose.py')


def test_decode_table_rows_and_persons_found():
    result = run_script([TOOL, '--only', 'decode', '--repeats', '1'])
    assert result.returncode == 0, result.stderr[-2000:]
    rows = [line for line in result.stdout.splitlines()
            if re.match(r'\| (x8|as given) \|', line)]
    assert len(rows) == 8
    for row in rows:
        cells = [c.strip() for c in row.strip('|').split('|')]
        persons = int(cells[1])
        assert float(cells[2]) > 0  # ours, ms
        if cells[0] == 'x8':
            assert float(cells[3]) > 0  # the dense reference, ms
            # at the paper's protocol every person of the crowd is found
            assert cells[-1] == f'{persons} of {persons}'


def test_postprocessing_table_local_and_dense_find_the_same_persons():
    result = run_script([TOOL, '--only', 'postprocessing', '--repeats', '1'])
    assert result.returncode == 0, result.stderr[-2000:]
    rows = dict(re.findall(r'\| post-processing, (\w+) \| [0-9.]+ \| (\d+) \|',
                           result.stdout))
    assert rows == {'local': '5', 'dense': '5'}
    assert '92x151' in result.stdout  # the largest scale's maps
