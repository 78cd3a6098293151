"""Mutants of the autograd claims: each plants the opposite of a recorded truth."""
from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from tensorspec.harness.mutation import Mutant

T = "spec/test_autograd.py"
_backward, _sin, _sign, _linear = torch.Tensor.backward, torch.sin, torch.sign, F.linear
_requires_grad_, _Variable = torch.Tensor.requires_grad_, torch.autograd.Variable


def backward_doubles_gradients(mp: pytest.MonkeyPatch):
    def backward(self, gradient=None, *args, **kwargs):
        gradient = torch.ones_like(self) if gradient is None else gradient
        return _backward(self, 2 * gradient, *args, **kwargs)
    mp.setattr(torch.Tensor, "backward", backward)


class _SinWrongSign(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _sin(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return -grad * torch.cos(x)


def sin_derivative_has_wrong_sign(mp: pytest.MonkeyPatch):
    mp.setattr(torch, "sin", _SinWrongSign.apply)


class _LegacyVariable:
    """What Variable was before PyTorch 0.4: a wrapper around a tensor, not a tensor."""

    def __init__(self, data, requires_grad=False):
        self.data, self.requires_grad = data, requires_grad


def variable_is_a_wrapper(mp: pytest.MonkeyPatch):
    mp.setattr(torch.autograd, "Variable", _LegacyVariable)


def plain_tensors_cannot_require_grad(mp: pytest.MonkeyPatch):
    mp.setattr(torch.Tensor, "requires_grad_", lambda self, requires_grad=True: self)


def variable_accepts_lists(mp: pytest.MonkeyPatch):
    mp.setattr(torch.autograd, "Variable", lambda data, requires_grad=False, **k:
               _Variable(data if isinstance(data, torch.Tensor) else torch.tensor(data), requires_grad=requires_grad))


def linear_applies_tanh(mp: pytest.MonkeyPatch):
    mp.setattr(F, "linear", lambda *a, **k: torch.tanh(_linear(*a, **k)))


class _StraightThroughSign(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return _sign(x)

    @staticmethod
    def backward(ctx, grad):
        return grad


def sign_passes_gradients_through(mp: pytest.MonkeyPatch):
    mp.setattr(torch, "sign", _StraightThroughSign.apply)


MUTANTS = [
    Mutant("backward_doubles_gradients", "autograd.engine", T, "backward() accumulates twice the gradient"),
    Mutant("sin_derivative_has_wrong_sign", "autograd.engine", T, "d/dx sin(x) = -cos(x)"),
    Mutant("variable_is_a_wrapper", "autograd.variable_required", T, "Variable is the pre-0.4 wrapper class"),
    Mutant("plain_tensors_cannot_require_grad", "autograd.variable_required", T,
           "requires_grad_() does nothing on a plain tensor"),
    Mutant("variable_accepts_lists", "autograd.variable_drop_in", T, "Variable([1., 2.]) builds a tensor"),
    Mutant("linear_applies_tanh", "autograd.activation_nonlinear", T, "nn.Linear has a built-in tanh"),
    Mutant("sign_passes_gradients_through", "autograd.activation_differentiable", T,
           "sign() passes gradients straight through"),
]
