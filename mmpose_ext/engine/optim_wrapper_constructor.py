# Copyright (c) mmpose_ext contributors. Licensed under the Apache License 2.0.
from torch import nn
from mmengine.optim import DefaultOptimWrapperConstructor
from mmpose.registry import OPTIM_WRAPPER_CONSTRUCTORS

#: modules whose biases MMEngine's bias_lr_mult leaves alone
NORM_LAYERS = (nn.modules.batchnorm._NormBase, nn.GroupNorm, nn.LayerNorm)


@OPTIM_WRAPPER_CONSTRUCTORS.register_module()
class BiasMultipliedOptimWrapperConstructor(DefaultOptimWrapperConstructor):
    """MMEngine's ``DefaultOptimWrapperConstructor`` where ``bias_lr_mult``
    and ``bias_decay_mult`` also apply to the biases that ``custom_keys``
    match, on top of the key's own multipliers.

    MMEngine gives a parameter matched by a custom key that key's ``lr_mult``
    and ``decay_mult`` instead of the bias multipliers, so a Caffe solver's
    per-layer rates, where every layer's bias learns at twice its weights'
    rate without weight decay (CMU OpenPose's ``pose_train_test.prototxt``:
    stage 1 weights 1×, biases 2×; stages 2-6 weights 4×, biases 8×), need a
    key per bias. Here a custom key's bias gets ``lr_mult · bias_lr_mult``
    and ``decay_mult · bias_decay_mult``; parameters no key matches are
    handled by MMEngine as before. Biases of normalisation layers are left
    as MMEngine leaves them.

    Example::

        optim_wrapper = dict(
            constructor='BiasMultipliedOptimWrapperConstructor',
            optimizer=dict(type='SGD', lr=2e-5, momentum=0.9,
                           weight_decay=5e-4),
            paramwise_cfg=dict(
                bias_lr_mult=2.0, bias_decay_mult=0.0,
                custom_keys={'head.paf_stages.1.': dict(lr_mult=4.0)}))
    """

    def __call__(self, model: nn.Module):
        optim_wrapper = super().__call__(model)
        custom_keys = self.paramwise_cfg.get('custom_keys', {})
        bias_lr_mult = self.paramwise_cfg.get('bias_lr_mult')
        bias_decay_mult = self.paramwise_cfg.get('bias_decay_mult')
        if not custom_keys or (bias_lr_mult is None
                               and bias_decay_mult is None):
            return optim_wrapper
        # MMEngine's order: the longest key first
        keys = sorted(sorted(custom_keys), key=len, reverse=True)
        biases = {}
        for module_name, module in model.named_modules():
            if isinstance(module, NORM_LAYERS):
                continue
            bias = getattr(module, 'bias', None)
            if isinstance(bias, nn.Parameter):
                biases[id(bias)] = f'{module_name}.bias'
        for group in optim_wrapper.optimizer.param_groups:
            params = group['params']
            name = biases.get(id(params[0])) if len(params) == 1 else None
            key = next((k for k in keys if k in (name or '')), None)
            if key is None:
                continue
            if bias_lr_mult is not None:
                group['lr'] *= bias_lr_mult
            if bias_decay_mult is not None and 'weight_decay' in group:
                group['weight_decay'] = self.base_wd * custom_keys[key].get(
                    'decay_mult', 1.) * bias_decay_mult
        return optim_wrapper
