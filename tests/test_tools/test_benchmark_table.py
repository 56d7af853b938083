# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""tools/analysis_tools/benchmark_table.py: the markdown table of every config."""
import os.path as osp
import re

from ..conftest import REPO, run_script, run_tool

TOOL = osp.join(REPO, 'tools/analysis_tools/benchmark_table.py')


def table_rows(markdown):
    """{row name: cells} of every table row that names a config."""
    rows = {}
    for line in markdown.splitlines():
        if line.startswith('| [') or line.startswith('| MMPose'):
            cells = [c.strip() for c in line.strip('|').split('|')]
            name = re.match(r'\[?([^\]( ]+(?: [^\]( ]+)*)', cells[0]).group(1)
            rows[name] = cells
    return rows


def test_table_of_the_sample_configs_beside_mmpose_baselines(tmp_path):
    output = tmp_path / 'docs' / 'benchmark.md'
    result = run_tool([
        TOOL, '--configs', 'configs/cal/**/*sample*.py',
        'configs/openpose/**/*tiny*.py', '--batch-sizes', '1', '2',
        '--repeats', '1', '--output', str(output)
    ])
    assert result.returncode == 0, result.stderr
    assert '[1/' in result.stdout and 'distinct networks' in result.stdout
    markdown = output.read_text()
    rows = table_rows(markdown)
    assert '## COCO, top-down, input 128x96 (h x w)' in markdown
    assert '## COCO, bottom-up, input 256x256 (h x w)' in markdown
    assert '| CPU b1 (ms) | CPU b2 (ms) |' in markdown

    # MMPose's HRNet-W32: 28.54M parameters whatever the input size; UDP and
    # DARK are the same network, so they share its measurement
    hrnet = rows['MMPose HRNet-W32']
    assert hrnet[2] == '28.54'
    for variant in ('MMPose HRNet-W32 + UDP', 'MMPose HRNet-W32 + DARK'):
        assert '(= MMPose HRNet-W32)' in rows[variant][0]
        assert rows[variant][2:6] == hrnet[2:6]
    assert 'MMPose ships no 128x96 checkpoint' in hrnet[-1]

    # ours: the measured sample AP from the metafile, a link that resolves
    cal = rows['td-cal_hrnet-tiny_1xb16-300e_coco-sample-128x96']
    assert cal[1] == 'CAL'
    assert re.fullmatch(r'AP 0\.\d+ \(bundled COCO sample, measured here\)',
                        cal[-1])
    link = re.search(r'\]\(([^)]+)\)', cal[0]).group(1)
    assert osp.isfile(osp.join(output.parent, link))
    for cells in rows.values():
        assert float(cells[3]) > 0 and float(cells[4]) > 0  # GFLOPs, b1

    # the KL translation net adds parameters but no inference FLOPs
    plain = rows['openpose-rie_vgg-tiny_1xb4-500e_coco-sample-256x256']
    kl = rows['openpose-rie-kl-salm-pdd_vgg-tiny_1xb4-500e_coco-sample-256x256']
    assert plain[3] == kl[3]
    assert abs(float(kl[2]) - float(plain[2]) - 0.19) < 0.01


def test_table_errors(tmp_path):
    result = run_script([TOOL, '--configs', 'configs/nothing/*.py',
                       '--output', str(tmp_path / 'b.md')])
    assert result.returncode != 0
    assert "no config matches ['configs/nothing/*.py']" in result.stderr
    result = run_script([TOOL, '--batch-sizes', '0'])
    assert result.returncode != 0 and '--batch-sizes' in result.stderr


def test_input_size_of_bottom_up_resize_subclasses():
    """The paper's OpenPose configs test at CMU's resolution with
    BottomupResizeByHeight (a BottomupResize): measured at its input_size,
    as a bottom-up config."""
    import runpy

    from mmengine.config import Config
    tool = runpy.run_path(TOOL)
    config = 'configs/openpose/coco/openpose_vgg19_2xb5-600kit_coco-368x368.py'
    cfg = Config.fromfile(osp.join(REPO, config))
    # the test pipeline makes the largest test scale (2 x 368): measured
    # at scale 1
    assert tool['pipeline_input_size'](cfg, config) == ((368, 368), True)
