"""Mutants of the autograd claims: each plants the opposite of a recorded truth."""
from __future__ import annotations

import torch
import torch.nn.functional as F

from tensorspec.harness.mutation import mutant, wrap


def _with_gradient(fn, gradient):
    """``fn`` with its derivative replaced: ``gradient(x, grad)`` is what flows back to ``x``."""
    class WithGradient(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return fn(x)

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return gradient(x, grad)

    return WithGradient.apply


@mutant("autograd.engine")
def backward_doubles_gradients(mp):
    """backward() accumulates twice the gradient."""
    @wrap(mp, torch.Tensor, "backward")
    def backward(orig, self, gradient=None, *args, **kwargs):
        gradient = torch.ones_like(self) if gradient is None else gradient
        return orig(self, 2 * gradient, *args, **kwargs)


@mutant("autograd.engine")
def sin_derivative_has_wrong_sign(mp):
    """d/dx sin(x) = -cos(x)."""
    mp.setattr(torch, "sin", _with_gradient(torch.sin, lambda x, grad: -grad * torch.cos(x)))


class _LegacyVariable:
    """What Variable was before PyTorch 0.4: a wrapper around a tensor, not a tensor."""

    def __init__(self, data, requires_grad=False):
        self.data, self.requires_grad = data, requires_grad


@mutant("autograd.variable_required")
def variable_is_a_wrapper(mp):
    """Variable is the pre-0.4 wrapper class."""
    mp.setattr(torch.autograd, "Variable", _LegacyVariable)


@mutant("autograd.variable_required")
def plain_tensors_cannot_require_grad(mp):
    """requires_grad_() does nothing on a plain tensor."""
    mp.setattr(torch.Tensor, "requires_grad_", lambda self, requires_grad=True: self)


@mutant("autograd.variable_drop_in")
def variable_accepts_lists(mp):
    """Variable([1., 2.]) builds a tensor."""
    @wrap(mp, torch.autograd, "Variable")
    def variable(orig, data, requires_grad=False, **k):
        return orig(data if isinstance(data, torch.Tensor) else torch.tensor(data), requires_grad=requires_grad)


@mutant("autograd.activation_nonlinear")
def linear_applies_tanh(mp):
    """nn.Linear has a built-in tanh."""
    @wrap(mp, F, "linear")
    def linear(orig, *a, **k):
        return torch.tanh(orig(*a, **k))


@mutant("autograd.activation_differentiable")
def sign_passes_gradients_through(mp):
    """sign() passes gradients straight through."""
    mp.setattr(torch, "sign", _with_gradient(torch.sign, lambda x, grad: grad))
