"""Planted changes for the elementwise group: each must turn its claim's tests in
spec/test_elementwise.py red."""
from __future__ import annotations

import torch

from tensorspec.harness.mutation import mutant, wrap


@mutant("elementwise.arith_methods")
def div_floors(mp):
    """t.div(x) rounds down, unlike t / x."""
    @wrap(mp, torch.Tensor, "div")
    def div(orig, self, other):
        return orig(self, other, rounding_mode="floor")


@mutant("elementwise.comparisons")
def comparisons_give_uint8(mp):
    """t.ge(x) and t >= x give uint8 tensors, as before torch 1.2."""
    for name in ("ge", "__ge__"):
        wrap(mp, torch.Tensor, name)(lambda orig, self, other: orig(self, other).to(torch.uint8))


@mutant("elementwise.unary")
def sqrt_of_negatives_is_zero(mp):
    """t.sqrt() gives 0 for negative elements, not NaN."""
    @wrap(mp, torch.Tensor, "sqrt")
    def sqrt(orig, self):
        return orig(self.clamp(min=0))


@mutant("elementwise.mul_vs_matmul")
def matmul_operator_is_elementwise(mp):
    """a @ b multiplies element-wise."""
    mp.setattr(torch.Tensor, "__matmul__", lambda self, other: self * other)


@mutant("elementwise.in_place_suffix")
def add_underscore_returns_a_new_tensor(mp):
    """t.add_(x) returns a new tensor and leaves t alone."""
    mp.setattr(torch.Tensor, "add_", torch.Tensor.add)


@mutant("elementwise.index_assign")
def setitem_writes_into_a_copy(mp):
    """t[:, j] = v writes into a copy, t is unchanged."""
    @wrap(mp, torch.Tensor, "__setitem__")
    def setitem(orig, self, index, value):
        orig(self.clone(), index, value)


@mutant("elementwise.dtype_mismatch")
def mixed_dtypes_refused(mp):
    """The note's world: a + b raises for tensors of different dtypes."""
    @wrap(mp, torch.Tensor, "__add__")
    def add(orig, self, other):
        if isinstance(other, torch.Tensor) and other.dtype != self.dtype:
            raise TypeError(f"cannot add {self.dtype} and {other.dtype}")
        return orig(self, other)


@mutant("elementwise.dtype_mismatch")
def mm_promotes(mp):
    """torch.mm promotes float32 with float64 instead of refusing."""
    @wrap(mp, torch, "mm")
    def mm(orig, a, b):
        dtype = torch.promote_types(a.dtype, b.dtype)
        return orig(a.to(dtype), b.to(dtype))
