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


@mutant("misc.only_2d")
def a_0d_mean_along_a_dim_raises(mp):
    """torch.mean of a 0-d tensor along a dim raises, as NumPy's mean does."""
    @wrap(mp, torch, "mean")
    def mean(orig, t, *a, **k):
        if t.dim() == 0 and (a or "dim" in k):
            raise IndexError("Dimension out of range (0-d tensor)")
        return orig(t, *a, **k)


@mutant("device.cross_device_error")
def meta_matrix_products_raise(mp):
    """torch.mm of a CPU and a meta tensor raises like the element-wise ops."""
    @wrap(mp, torch, "mm")
    def mm(orig, a, b, *rest, **k):
        if a.device != b.device:
            raise RuntimeError("Tensor on device meta is not on the expected device cpu!")
        return orig(a, b, *rest, **k)


@mutant("model.module_subclass")
def reassigned_children_move_to_the_end(mp):
    """Assigning a module attribute again moves it to the end of the children."""
    @wrap(mp, torch.nn.Module, "__setattr__")
    def setattr_(orig, self, name, value):
        if isinstance(value, torch.nn.Module) and name in self.__dict__.get("_modules", {}):
            del self._modules[name]
        return orig(self, name, value)


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
