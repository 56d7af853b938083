# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
"""The paths only a GPU takes (``python -m pytest -m gpu tests``; skipped
without CUDA, as MMPose marks its GPU tests): one training step per method
under MMEngine's AmpOptimWrapper (float16), a run resumed from checkpoints
saved on the GPU (``Runner.resume`` maps them to CUDA), CAL's mixture fitted
on the GPU, and MMPoseInferencer on the GPU."""
import os.path as osp
import re

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.optim import AmpOptimWrapper
from mmpose.registry import MODELS

from .conftest import COCO_MINI, SAMPLE_CONFIG, run_tool, train_args
from .test_engine.ddp_gradient_worker import real_batch
from .test_models.test_amp_training_step import CONFIGS

pytestmark = [
    pytest.mark.gpu,
    pytest.mark.skipif(not torch.cuda.is_available(), reason='needs CUDA'),
]


@pytest.mark.parametrize('method', sorted(CONFIGS))
def test_amp_float16_training_step(method):
    """AmpOptimWrapper's autocast (float16) and loss scaler: finite float32
    losses, a step applied, the weights changed."""
    cfg = Config.fromfile(CONFIGS[method])
    torch.manual_seed(0)
    model = MODELS.build(cfg.model).cuda()
    model.init_weights()
    model.train()
    wrapper = AmpOptimWrapper(
        optimizer=torch.optim.SGD(model.parameters(), lr=1e-3),
        dtype='float16')
    before = [p.detach().clone() for p in model.parameters()]
    data = model.data_preprocessor(real_batch(cfg, 4), training=True)
    with wrapper.optim_context(model):
        losses = model(data['inputs'], data['data_samples'], mode='loss')
    terms = {k: v for k, v in losses.items() if 'loss' in k}
    assert terms and all(
        v.dtype == torch.float32 and torch.isfinite(v).all()
        for v in terms.values()), terms
    wrapper.update_params(sum(terms.values()))
    assert any(not torch.equal(b, p.detach())
               for b, p in zip(before, model.parameters()))


LOSS = re.compile(
    r'Epoch\(train\)\s+\[(\d+)\]\[(\d+)/\d+\].*? loss: ([0-9.e+-]+)')


@pytest.mark.parametrize('amp', [False, True])
def test_resume_on_the_gpu_continues_the_run(tmp_path, amp):
    """tools/train.py on the GPU with two workers and no configured seed:
    resumed from its epoch-1 checkpoint (mapped to CUDA by Runner.resume,
    generator states included), the losses of epoch 2 are the uninterrupted
    run's."""
    def run(work_dir, *extra):
        args = train_args(work_dir, 2, *extra)
        args[args.index('randomness.seed=0')] = 'randomness.seed=None'
        args += ['train_dataloader.batch_size=4',
                 'train_dataloader.num_workers=2',
                 'default_hooks.logger.interval=1']
        if amp:
            args.insert(args.index('--cfg-options'), '--amp')
        result = run_tool(args, env=dict(PYTHONUNBUFFERED='1'))
        assert result.returncode == 0, result.stderr[-3000:]
        return {(int(e), int(i)): float(v)
                for e, i, v in LOSS.findall(result.stdout + result.stderr)}

    whole = run(tmp_path / 'whole')
    checkpoint = torch.load(tmp_path / 'whole' / 'epoch_1.pth',
                            map_location='cuda', weights_only=False)
    assert checkpoint['meta']['random_states']['ranks'][0]['cuda'] is not None
    resumed = run(tmp_path / 'resumed', '--resume',
                  str(tmp_path / 'whole' / 'epoch_1.pth'))
    assert sorted(resumed) == [(2, 1), (2, 2), (2, 3)]
    for key, value in resumed.items():
        assert value == pytest.approx(whole[key], rel=1e-4), key


def test_cal_mixture_on_the_gpu_equals_the_cpu_fit():
    from mmpose_ext.models.losses.confidence_aware_loss import \
        fit_gaussian_mixture
    generator = torch.Generator().manual_seed(0)
    points = torch.cat([
        torch.randn(300, 2, generator=generator, dtype=torch.float64) * 0.5,
        torch.randn(200, 2, generator=generator, dtype=torch.float64) + 3
    ])
    on_cpu = fit_gaussian_mixture(points, num_components=2)
    on_gpu = fit_gaussian_mixture(points.cuda(), num_components=2)
    for cpu_value, gpu_value in zip(on_cpu, on_gpu):
        assert gpu_value.device.type == 'cuda'
        torch.testing.assert_close(gpu_value.cpu(), cpu_value, rtol=1e-6,
                                   atol=1e-8)


def test_inferencer_on_the_gpu(tmp_path):
    from mmengine.runner import save_checkpoint
    from mmpose.apis import MMPoseInferencer
    torch.manual_seed(0)
    model = MODELS.build(Config.fromfile(SAMPLE_CONFIG).model)
    model.init_weights()
    checkpoint = str(tmp_path / 'model.pth')
    save_checkpoint({'state_dict': model.state_dict(), 'meta': {}},
                    checkpoint)
    inferencer = MMPoseInferencer(pose2d=SAMPLE_CONFIG,
                                  pose2d_weights=checkpoint,
                                  det_model='whole_image', device='cuda')
    assert next(inferencer.inferencer.model.parameters()).is_cuda
    image = osp.join(COCO_MINI, 'images', '000000000785.jpg')
    (person, ) = next(inferencer(image))['predictions'][0]
    assert np.isfinite(person['keypoints']).all()


@pytest.mark.parametrize('dtype', [torch.float32, torch.float16])
def test_paf_post_processing_on_the_gpu_equals_the_cpu(dtype):
    """The paper's four-scale test on maps on the GPU (float32, and float16
    as autocast gives them): averaged, padding zeroed and peaks found on
    the GPU, then grouped on the CPU, with the persons of the same maps as
    CPU tensors."""
    from .test_models.test_heads.test_part_affinity_field_head import (
        predict_on_maps, scale_maps_of_a_real_image)
    from mmpose_ext.models.heads.part_affinity_field_prediction import \
        PafMaps
    model, maps, samples, test_cfg = scale_maps_of_a_real_image('cpu')
    cpu = predict_on_maps(model, maps, samples, test_cfg, False)
    on_gpu = [PafMaps(*(None if m is None else m.cuda().to(dtype)
                        for m in scale)) for scale in maps]
    gpu = predict_on_maps(model, on_gpu, samples, test_cfg, False)
    assert len(gpu.keypoints) == len(cpu.keypoints) == 5
    atol = 0.01 if dtype == torch.float32 else 1.
    np.testing.assert_allclose(gpu.keypoints, cpu.keypoints, atol=atol)
    np.testing.assert_allclose(gpu.keypoint_scores, cpu.keypoint_scores,
                               atol=1e-4 if dtype == torch.float32 else 2e-3)
