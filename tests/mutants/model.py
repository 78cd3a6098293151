"""Mutants of the model claims: each plants the opposite of a recorded truth about the course network."""
from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from tensorspec.harness.mutation import Mutant

M, SHAPES, BN, CONV = ("spec/test_model.py", "spec/test_shape_trace.py", "spec/test_batchnorm.py",
                       "spec/test_conv_output_size.py")
_setattr = nn.Module.__setattr__
_linear_init = nn.Linear.__init__
_named_parameters = nn.Module.named_parameters
_relu_init = nn.ReLU.__init__
_conv_forward = nn.Conv2d._conv_forward
_argmax = torch.Tensor.argmax
_conv2d = F.conv2d
_max_pool2d = F.max_pool2d
_batch_norm = F.batch_norm


def module_attributes_not_registered(mp: pytest.MonkeyPatch):
    def setattr_(self, name, value):
        if isinstance(value, nn.Module):
            object.__setattr__(self, name, value)  # a plain attribute: not a child, its parameters unseen
        else:
            _setattr(self, name, value)
    mp.setattr(nn.Module, "__setattr__", setattr_)


def fc1_in_features_not_following_conv2(mp: pytest.MonkeyPatch):
    from tensorspec.course import network
    mp.setattr(network, "FLAT_FEATURES", 12 * 5 * 5)


def conv_weight_is_a_plain_tensor(mp: pytest.MonkeyPatch):
    mp.setattr(torch.nn.modules.conv, "Parameter", lambda data, requires_grad=True: data.requires_grad_(requires_grad))


def linear_layers_have_no_bias(mp: pytest.MonkeyPatch):
    mp.setattr(nn.Linear, "__init__", lambda self, i, o, bias=True, **k: _linear_init(self, i, o, bias=False, **k))


def parameters_skip_biases(mp: pytest.MonkeyPatch):
    def named_parameters(self, *a, **k):
        return ((n, p) for n, p in _named_parameters(self, *a, **k) if not n.endswith("bias"))
    mp.setattr(nn.Module, "named_parameters", named_parameters)


def print_ignores_repr_override(mp: pytest.MonkeyPatch):
    mp.setattr(nn.Module, "__str__", lambda self: nn.Module.__repr__(self))


def linear_drops_bias(mp: pytest.MonkeyPatch):
    mp.setattr(F, "linear", lambda x, w, b=None: torch.matmul(x, w.t()))


def call_skips_hooks(mp: pytest.MonkeyPatch):
    mp.setattr(nn.Module, "__call__", lambda self, *a, **k: self.forward(*a, **k))


def relu_module_holds_a_weight(mp: pytest.MonkeyPatch):
    def init(self, *a, **k):
        _relu_init(self, *a, **k)
        self.slope = nn.Parameter(torch.ones(1))
    mp.setattr(nn.ReLU, "__init__", init)


def conv_needs_a_batch_axis(mp: pytest.MonkeyPatch):
    """Conv2d before torch 1.11: only 4-D input."""
    def conv_forward(self, input, weight, bias):
        if input.dim() != 4:
            raise RuntimeError(f"Expected 4-dimensional input for 4-dimensional weight, but got {input.dim()}-dimensional input")
        return _conv_forward(self, input, weight, bias)
    mp.setattr(nn.Conv2d, "_conv_forward", conv_forward)


def argmax_dim1_reads_dim0(mp: pytest.MonkeyPatch):
    def argmax(self, dim=None, keepdim=False):
        if dim == 1 and self.dim() == 2 and self.shape[0] > 1:
            return _argmax(self, dim=0, keepdim=keepdim)[:self.shape[0]].expand(self.shape[0]).clone() % self.shape[1]
        return _argmax(self, dim=dim, keepdim=keepdim)
    mp.setattr(torch.Tensor, "argmax", argmax)


def conv_output_rounds_up(mp: pytest.MonkeyPatch):
    def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
        sh, sw = (stride, stride) if isinstance(stride, int) else stride
        return _conv2d(F.pad(input, (0, sw - 1, 0, sh - 1)), weight, bias, stride, padding, dilation, groups)
    mp.setattr(F, "conv2d", conv2d)


def max_pool_stride_one(mp: pytest.MonkeyPatch):
    mp.setattr(F, "max_pool2d", lambda t, kernel_size, stride=None, *a, **k: _max_pool2d(t, kernel_size, 1, *a, **k))


def flatten_channels_last(mp: pytest.MonkeyPatch):
    mp.setattr(nn.Flatten, "forward", lambda self, x: x.permute(0, 2, 3, 1).flatten(1))


def manual_seed_ignored(mp: pytest.MonkeyPatch):
    mp.setattr(torch, "manual_seed", lambda seed: torch.default_generator)


def batchnorm_eval_uses_batch_stats(mp: pytest.MonkeyPatch):
    def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-5):
        if not training:
            return _batch_norm(input, None, None, weight, bias, True, momentum, eps)
        return _batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)
    mp.setattr(F, "batch_norm", batch_norm)


def batchnorm_running_var_biased(mp: pytest.MonkeyPatch):
    def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-5):
        out = _batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)
        if training and running_var is not None:
            dims = [0] + list(range(2, input.dim()))
            n = input.numel() // input.shape[1]
            with torch.no_grad():  # undo the unbiased update, redo it with the biased variance
                running_var.sub_(momentum * input.var(dim=dims, unbiased=True)).add_(
                    momentum * input.var(dim=dims, unbiased=False) if n > 1 else 0)
        return out
    mp.setattr(F, "batch_norm", batch_norm)


MUTANTS = [
    Mutant("module_attributes_not_registered", "model.module_subclass", M, "layer attributes are not registered as children"),
    Mutant("fc1_in_features_not_following_conv2", "model.hyperparameters", M, "fc1.in_features 300, not conv2's 12*4*4"),
    Mutant("conv_weight_is_a_plain_tensor", "model.weight_is_parameter", M, "Conv2d's weight is a plain tensor"),
    Mutant("linear_layers_have_no_bias", "model.weight_shapes", M, "nn.Linear without bias: shapes and count change"),
    Mutant("parameters_skip_biases", "model.parameters", M, "named_parameters/parameters omit biases"),
    Mutant("print_ignores_repr_override", "model.repr", M, "print(module) ignores a __repr__ override"),
    Mutant("linear_drops_bias", "model.linear_is_matmul", M, "F.linear computes x @ W.T without + b"),
    Mutant("call_skips_hooks", "model.call_runs_forward", M, "module(x) calls forward without the hooks"),
    Mutant("relu_module_holds_a_weight", "model.functional_stateless", M, "nn.ReLU holds a parameter"),
    Mutant("conv_needs_a_batch_axis", "model.single_image", M, "Conv2d accepts only 4-D input (before torch 1.11)"),
    Mutant("argmax_dim1_reads_dim0", "model.batch_predictions", M, "argmax(dim=1) answers along dim 0"),
    Mutant("conv_output_rounds_up", "model.output_size_formula", CONV, "conv2d output size rounds up, not down"),
    Mutant("max_pool_stride_one", "model.shape_trace", SHAPES, "F.max_pool2d ignores stride (uses 1)"),
    Mutant("flatten_channels_last", "model.sequential", M, "nn.Flatten flattens in channels-last order"),
    Mutant("manual_seed_ignored", "model.manual_seed", M, "torch.manual_seed does not seed"),
    Mutant("batchnorm_eval_uses_batch_stats", "model.batchnorm", BN, "BatchNorm in eval mode uses batch statistics"),
    Mutant("batchnorm_running_var_biased", "model.batchnorm", BN, "running_var updated with the biased variance"),
]
