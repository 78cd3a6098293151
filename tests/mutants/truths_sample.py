"""Mutants of the truths corrected after the last independent audit samples (creation, device, misc,
elementwise, model): each plants the opposite of one condition the catalog now states, so that its
claim must go red."""
from __future__ import annotations

import numpy as np
import torch

from tensorspec.harness.mutation import mutant, wrap


@mutant("creation.like")
def rand_like_refuses_complex_models(mp):
    """rand_like of a complex model raises, as for an integer one."""
    @wrap(mp, torch, "rand_like")
    def rand_like(orig, model, *a, **k):
        if model.is_complex() and k.get("dtype") is None:
            raise NotImplementedError('"check_uniform_bounds" not implemented for \'ComplexFloat\'')
        return orig(model, *a, **k)


@mutant("creation.as_tensor_accepts")
def empty_arrays_pass_whatever_their_strides(mp):
    """as_tensor takes an empty ndarray with a negative stride (as a copy)."""
    @wrap(mp, torch, "as_tensor")
    def as_tensor(orig, data, *a, **k):
        if isinstance(data, np.ndarray) and data.size == 0 and any(s < 0 for s in data.strides):
            data = data.copy()
        return orig(data, *a, **k)


@mutant("creation.tensor_infers_dtype")
def big_ints_overflow_whatever_the_dtype(mp):
    """An int beyond int64 raises even with a floating dtype or beside a float."""
    @wrap(mp, torch, "tensor")
    def tensor(orig, data, *a, **k):
        if isinstance(data, list) and any(isinstance(x, int) and abs(x) >= 2**63 for x in data):
            raise ValueError("Overflow when unpacking long long")
        return orig(data, *a, **k)


@mutant("elementwise.in_place_suffix")
def leaves_take_in_place_ops(mp):
    """add_ on a leaf tensor that requires grad works, as if grad mode were off."""
    @wrap(mp, torch.Tensor, "add_")
    def add_(orig, self, *a, **k):
        if self.is_leaf and self.requires_grad:
            with torch.no_grad():
                return orig(self, *a, **k)
        return orig(self, *a, **k)


@mutant("model.module_subclass")
def reassigned_children_move_to_the_end(mp):
    """Assigning a module attribute again moves it to the end of the children."""
    @wrap(mp, torch.nn.Module, "__setattr__")
    def setattr_(orig, self, name, value):
        if isinstance(value, torch.nn.Module) and name in self.__dict__.get("_modules", {}):
            del self._modules[name]
        return orig(self, name, value)


@mutant("elementwise.arith_methods")
def integer_true_division_in_float64(mp):
    """int / int computes in float64, as NumPy does, before giving float32."""
    @wrap(mp, torch.Tensor, "__truediv__")
    def truediv(orig, self, other):
        if not self.is_floating_point() and isinstance(other, int):
            return torch.from_numpy(self.numpy() / other).to(torch.get_default_dtype())
        return orig(self, other)


@mutant("model.functional_stateless")
def relu_passes_bools_through(mp):
    """F.relu of a bool tensor returns it unchanged."""
    @wrap(mp, torch.nn.functional, "relu")
    def relu(orig, x, *a, **k):
        return x.clone() if x.dtype == torch.bool else orig(x, *a, **k)


@mutant("autograd.activation_nonlinear")
def relu_leaks(mp):
    """F.relu lets 1% of a negative input through (leaky), so no ReLU is ever dead."""
    @wrap(mp, torch.nn.functional, "relu")
    def relu(orig, x, *a, **k):
        return torch.nn.functional.leaky_relu(x, 0.01)
