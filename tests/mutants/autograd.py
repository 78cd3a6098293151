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


ENGINE, REQUIRED, DROP_IN = "autograd.engine", "autograd.variable_required", "autograd.variable_drop_in"
NONLINEAR, DIFFERENTIABLE = "autograd.activation_nonlinear", "autograd.activation_differentiable"
_REQUIRES_GRAD = torch.Tensor.requires_grad  # the attribute (a descriptor), to read it while patched


# ---- autograd.engine ------------------------------------------------------------------------------

@mutant(ENGINE, "polynomial_derivatives")
def backward_doubles_gradients(mp):
    """backward() accumulates twice the gradient."""
    @wrap(mp, torch.Tensor, "backward")
    def backward(orig, self, gradient=None, *args, **kwargs):
        gradient = torch.ones_like(self) if gradient is None else gradient
        return orig(self, 2 * gradient, *args, **kwargs)


@mutant(ENGINE, "polynomial_derivatives")
def autograd_grad_doubles_gradients(mp):
    """torch.autograd.grad returns twice the gradient (backward() untouched)."""
    @wrap(mp, torch.autograd, "grad")
    def grad(orig, *args, **kwargs):
        return tuple(None if g is None else 2 * g for g in orig(*args, **kwargs))


@mutant(ENGINE, "gradcheck_composites")
def sin_derivative_has_wrong_sign(mp):
    """d/dx sin(x) = -cos(x)."""
    mp.setattr(torch, "sin", _with_gradient(torch.sin, lambda x, grad: -grad * torch.cos(x)))


# ---- autograd.variable_required -------------------------------------------------------------------

class _LegacyVariable:
    """What Variable was before PyTorch 0.4: a wrapper around a tensor, not a tensor."""

    def __init__(self, data, requires_grad=False):
        self.data, self.requires_grad = data, requires_grad


@mutant(REQUIRED, "variable_is_a_shim")
def variable_is_a_wrapper(mp):
    """Variable is the pre-0.4 wrapper class."""
    mp.setattr(torch.autograd, "Variable", _LegacyVariable)


@mutant(REQUIRED, "requires_grad_enables")
def requires_grad_method_does_nothing(mp):
    """t.requires_grad_() does nothing on a plain tensor (factories' requires_grad=True untouched)."""
    mp.setattr(torch.Tensor, "requires_grad_", lambda self, requires_grad=True: self)


@mutant(REQUIRED, "requires_grad_enables")
def tensor_factory_ignores_requires_grad(mp):
    """torch.tensor(..., requires_grad=True) makes a tensor that does not require grad."""
    @wrap(mp, torch, "tensor")
    def tensor(orig, *args, **kwargs):
        kwargs.pop("requires_grad", None)
        return orig(*args, **kwargs)


def _integer(dtype) -> bool:
    return not (dtype.is_floating_point or dtype.is_complex)


@mutant(REQUIRED, "integer_bool_refused")
def requires_grad_method_ignores_integer_tensors(mp):
    """t.requires_grad_() of an integer or bool tensor returns it unchanged instead of raising."""
    @wrap(mp, torch.Tensor, "requires_grad_")
    def requires_grad_(orig, self, requires_grad=True):
        return self if _integer(self.dtype) else orig(self, requires_grad)


@mutant(REQUIRED, "integer_bool_refused")
def tensor_factory_ignores_requires_grad_of_integers(mp):
    """torch.tensor(<integer data>, requires_grad=True) makes a tensor without grad instead of raising."""
    @wrap(mp, torch, "tensor")
    def tensor(orig, *args, **kwargs):
        requires_grad = kwargs.pop("requires_grad", False)
        out = orig(*args, **kwargs)
        return out.requires_grad_(requires_grad) if requires_grad and not _integer(out.dtype) else out


@mutant(REQUIRED, "integer_bool_refused")
def zeros_factory_ignores_requires_grad_of_integers(mp):
    """torch.zeros(..., dtype=<integer>, requires_grad=True) makes a tensor without grad instead of raising."""
    @wrap(mp, torch, "zeros")
    def zeros(orig, *args, **kwargs):
        if kwargs.get("dtype") is not None and _integer(kwargs["dtype"]):
            kwargs.pop("requires_grad", None)
        return orig(*args, **kwargs)


@mutant(REQUIRED, "integer_bool_refused")
def requires_grad_setter_ignores_integer_tensors(mp):
    """t.requires_grad = True on an integer or bool tensor is ignored instead of raising."""
    def setter(self, value):
        if not _integer(self.dtype):
            _REQUIRES_GRAD.__set__(self, value)
    mp.setattr(torch.Tensor, "requires_grad", property(_REQUIRES_GRAD.__get__, setter))


@mutant(REQUIRED, "no_graph_without_requires_grad")
def backward_without_a_graph_does_nothing(mp):
    """backward() of a tensor that does not require grad returns silently instead of raising."""
    @wrap(mp, torch.Tensor, "backward")
    def backward(orig, self, *args, **kwargs):
        return None if not self.requires_grad else orig(self, *args, **kwargs)


# ---- autograd.variable_drop_in --------------------------------------------------------------------

@mutant(DROP_IN, "same_data_and_results")
def variable_copies(mp):
    """Variable(t) wraps a copy of t (no shared memory)."""
    @wrap(mp, torch.autograd, "Variable")
    def variable(orig, data, *args, **kwargs):
        return orig(data.clone() if isinstance(data, torch.Tensor) else data, *args, **kwargs)


@mutant(DROP_IN, "not_a_constructor")
def variable_accepts_lists(mp):
    """Variable([1., 2.]) builds a tensor."""
    @wrap(mp, torch.autograd, "Variable")
    def variable(orig, data, requires_grad=False, **k):
        return orig(data if isinstance(data, torch.Tensor) else torch.tensor(data), requires_grad=requires_grad)


@mutant(DROP_IN, "detaches")
def variable_keeps_the_graph(mp):
    """Variable(y) of a computed y returns y itself, its grad_fn and graph kept."""
    @wrap(mp, torch.autograd, "Variable")
    def variable(orig, data, *args, **kwargs):
        return data if isinstance(data, torch.Tensor) and data.grad_fn is not None else orig(data, *args, **kwargs)


# ---- autograd.activation_nonlinear ----------------------------------------------------------------

@mutant(NONLINEAR, "linear_stack_is_affine")
def linear_applies_tanh(mp):
    """nn.Linear has a built-in tanh."""
    @wrap(mp, F, "linear")
    def linear(orig, *a, **k):
        return torch.tanh(orig(*a, **k))


@mutant(NONLINEAR, "activation_breaks_affinity")
def relu_is_the_identity(mp):
    """torch.relu returns its input (a linear activation)."""
    mp.setattr(torch, "relu", lambda x: x.clone())


@mutant(NONLINEAR, "activation_breaks_affinity")
def gelu_is_the_identity(mp):
    """F.gelu returns its input (a linear activation)."""
    mp.setattr(F, "gelu", lambda x, *a, **k: x.clone())


@mutant(NONLINEAR, "dead_relus_constant")
def relu_leaks(mp):
    """F.relu lets 1% of a negative input through (leaky), so no ReLU is ever dead."""
    @wrap(mp, F, "relu")
    def relu(orig, x, *a, **k):
        return F.leaky_relu(x, 0.01)


# ---- autograd.activation_differentiable -----------------------------------------------------------

@mutant(DIFFERENTIABLE, "kinks_have_fixed_slopes")
def relu_slope_at_zero_is_one(mp):
    """torch.relu passes the gradient at 0 through (relu'(0) = 1)."""
    mp.setattr(torch, "relu", _with_gradient(torch.relu, lambda x, grad: grad * (x >= 0)))


@mutant(DIFFERENTIABLE, "composed_for_free")
def sigmoid_derivative_forgets_one_minus_s(mp):
    """d/dx sigmoid(x) = sigmoid(x), the factor (1 - sigmoid(x)) forgotten."""
    mp.setattr(torch, "sigmoid", _with_gradient(torch.sigmoid, lambda x, grad: grad * torch.special.expit(x)))


def _passes_gradients_through(name: str):
    def patch(mp):
        mp.setattr(torch, name, _with_gradient(getattr(torch, name), lambda x, grad: grad))
    patch.__name__ = patch.__qualname__ = f"{name}_passes_gradients_through"
    patch.__doc__ = f"torch.{name} passes gradients straight through (derivative 1)."
    return mutant(DIFFERENTIABLE, "piecewise_constant_zero_gradient")(patch)


for _name in ("sign", "round", "floor", "ceil"):
    _passes_gradients_through(_name)


@mutant(DIFFERENTIABLE, "no_derivative_raises")
def heaviside_has_a_zero_derivative(mp):
    """torch.heaviside has derivative 0 instead of none (backward runs)."""
    heaviside = torch.heaviside

    class Heaviside(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, values):
            return heaviside(x, values)

        @staticmethod
        def backward(ctx, grad):
            return torch.zeros_like(grad), None

    mp.setattr(torch, "heaviside", Heaviside.apply)
