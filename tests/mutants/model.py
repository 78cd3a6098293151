"""Mutants of the model claims: each plants the opposite of a recorded truth about the course network."""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from tensorspec.harness.mutation import mutant, wrap


def _wrap_batch_norm(mp, change):
    """F.batch_norm replaced by ``change(orig, input, running_mean, running_var, weight, bias,
    training, momentum, eps)``, every argument passed in full."""
    @wrap(mp, F, "batch_norm")
    def batch_norm(orig, input, running_mean, running_var, weight=None, bias=None, training=False,
                   momentum=0.1, eps=1e-5):
        return change(orig, input, running_mean, running_var, weight, bias, training, momentum, eps)


@mutant("model.module_subclass")
def module_attributes_not_registered(mp):
    """Layer attributes are not registered as children (their parameters unseen)."""
    @wrap(mp, nn.Module, "__setattr__")
    def setattr_(orig, self, name, value):
        if isinstance(value, nn.Module):
            object.__setattr__(self, name, value)  # a plain attribute: not a child
        else:
            orig(self, name, value)


@mutant("model.hyperparameters")
def fc1_in_features_not_following_conv2(mp):
    """fc1.in_features is 300 (12*5*5), not what conv2 gives (12*4*4)."""
    from tensorspec.course import network

    mp.setattr(network, "FLAT_FEATURES", 12 * 5 * 5)


@mutant("model.weight_is_parameter")
def conv_weight_is_a_plain_tensor(mp):
    """Conv2d's weight is a plain tensor, not a Parameter."""
    mp.setattr(torch.nn.modules.conv, "Parameter", lambda data, requires_grad=True: data.requires_grad_(requires_grad))


@mutant("model.weight_shapes")
def linear_layers_have_no_bias(mp):
    """nn.Linear without bias: the shapes and the count change."""
    @wrap(mp, nn.Linear, "__init__")
    def init(orig, self, i, o, bias=True, **k):
        orig(self, i, o, bias=False, **k)


@mutant("model.parameters")
def parameters_skip_biases(mp):
    """named_parameters/parameters omit biases."""
    @wrap(mp, nn.Module, "named_parameters")
    def named_parameters(orig, self, *a, **k):
        return ((n, p) for n, p in orig(self, *a, **k) if not n.endswith("bias"))


@mutant("model.repr")
def print_ignores_repr_override(mp):
    """print(module) ignores a __repr__ override."""
    mp.setattr(nn.Module, "__str__", lambda self: nn.Module.__repr__(self))


@mutant("model.linear_is_matmul")
def linear_drops_bias(mp):
    """F.linear computes x @ W.T without + b."""
    mp.setattr(F, "linear", lambda x, w, b=None: torch.matmul(x, w.t()))


@mutant("model.call_runs_forward")
def call_skips_hooks(mp):
    """module(x) calls forward without the hooks."""
    mp.setattr(nn.Module, "__call__", lambda self, *a, **k: self.forward(*a, **k))


@mutant("model.functional_stateless")
def relu_module_holds_a_weight(mp):
    """nn.ReLU holds a parameter."""
    @wrap(mp, nn.ReLU, "__init__")
    def init(orig, self, *a, **k):
        orig(self, *a, **k)
        self.slope = nn.Parameter(torch.ones(1))


@mutant("model.single_image")
def conv_needs_a_batch_axis(mp):
    """Conv2d accepts only 4-D input (before torch 1.11)."""
    @wrap(mp, nn.Conv2d, "_conv_forward")
    def conv_forward(orig, self, input, weight, bias):
        if input.dim() != 4:
            raise RuntimeError(f"Expected 4-dimensional input for 4-dimensional weight, but got {input.dim()}-dimensional input")
        return orig(self, input, weight, bias)


@mutant("model.batch_predictions")
def argmax_dim1_reads_dim0(mp):
    """argmax(dim=1) answers along dim 0."""
    @wrap(mp, torch.Tensor, "argmax")
    def argmax(orig, self, dim=None, keepdim=False):
        if dim == 1 and self.dim() == 2 and self.shape[0] > 1:
            return orig(self, dim=0, keepdim=keepdim)[:self.shape[0]].expand(self.shape[0]).clone() % self.shape[1]
        return orig(self, dim=dim, keepdim=keepdim)


@mutant("model.output_size_formula")
def conv_output_rounds_up(mp):
    """The conv2d output size rounds up, not down."""
    @wrap(mp, F, "conv2d")
    def conv2d(orig, input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
        sh, sw = (stride, stride) if isinstance(stride, int) else stride
        return orig(F.pad(input, (0, sw - 1, 0, sh - 1)), weight, bias, stride, padding, dilation, groups)


@mutant("model.shape_trace")
def max_pool_stride_one(mp):
    """F.max_pool2d ignores stride (uses 1)."""
    @wrap(mp, F, "max_pool2d")
    def max_pool2d(orig, t, kernel_size, stride=None, *a, **k):
        return orig(t, kernel_size, 1, *a, **k)


@mutant("model.sequential")
def flatten_channels_last(mp):
    """nn.Flatten flattens in channels-last order."""
    mp.setattr(nn.Flatten, "forward", lambda self, x: x.permute(0, 2, 3, 1).flatten(1))


@mutant("model.manual_seed")
def manual_seed_ignored(mp):
    """torch.manual_seed does not seed."""
    mp.setattr(torch, "manual_seed", lambda seed: torch.default_generator)


@mutant("model.batchnorm")
def batchnorm_eval_uses_batch_stats(mp):
    """BatchNorm in eval mode uses the batch statistics."""
    def batch_norm(orig, input, running_mean, running_var, weight, bias, training, momentum, eps):
        if not training:
            return orig(input, None, None, weight, bias, True, momentum, eps)
        return orig(input, running_mean, running_var, weight, bias, training, momentum, eps)
    _wrap_batch_norm(mp, batch_norm)


@mutant("model.batchnorm")
def batchnorm_running_var_biased(mp):
    """running_var is updated with the biased variance."""
    def batch_norm(orig, input, running_mean, running_var, weight, bias, training, momentum, eps):
        out = orig(input, running_mean, running_var, weight, bias, training, momentum, eps)
        if training and running_var is not None:
            dims = [0] + list(range(2, input.dim()))
            n = input.numel() // input.shape[1]
            with torch.no_grad():  # undo the unbiased update, redo it with the biased variance
                running_var.sub_(momentum * input.var(dim=dims, unbiased=True)).add_(
                    momentum * input.var(dim=dims, unbiased=False) if n > 1 else 0)
        return out
    _wrap_batch_norm(mp, batch_norm)
