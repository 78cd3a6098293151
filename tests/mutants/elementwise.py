"""Planted changes for the elementwise group: each must turn its claim's tests in
spec/test_elementwise.py red."""
from __future__ import annotations

import pytest
import torch

from tensorspec.harness.mutation import Mutant

_div = torch.Tensor.div
_ge = torch.Tensor.ge
_op_ge = torch.Tensor.__ge__
_sqrt = torch.Tensor.sqrt
_add = torch.Tensor.add
_op_add = torch.Tensor.__add__
_setitem = torch.Tensor.__setitem__
_mm = torch.mm
_matmul = torch.Tensor.__matmul__

SPEC = "spec/test_elementwise.py"


def div_floors(mp: pytest.MonkeyPatch) -> None:
    mp.setattr(torch.Tensor, "div", lambda self, other: _div(self, other, rounding_mode="floor"))


def comparisons_give_uint8(mp: pytest.MonkeyPatch) -> None:
    mp.setattr(torch.Tensor, "ge", lambda self, other: _ge(self, other).to(torch.uint8))
    mp.setattr(torch.Tensor, "__ge__", lambda self, other: _op_ge(self, other).to(torch.uint8))


def sqrt_of_negatives_is_zero(mp: pytest.MonkeyPatch) -> None:
    mp.setattr(torch.Tensor, "sqrt", lambda self: _sqrt(self.clamp(min=0)))


def matmul_operator_is_elementwise(mp: pytest.MonkeyPatch) -> None:
    mp.setattr(torch.Tensor, "__matmul__", lambda self, other: self * other)


def add_underscore_returns_a_new_tensor(mp: pytest.MonkeyPatch) -> None:
    mp.setattr(torch.Tensor, "add_", lambda self, *args, **kwargs: _add(self, *args, **kwargs))


def setitem_writes_into_a_copy(mp: pytest.MonkeyPatch) -> None:
    mp.setattr(torch.Tensor, "__setitem__", lambda self, index, value: _setitem(self.clone(), index, value))


def mixed_dtypes_refused(mp: pytest.MonkeyPatch) -> None:
    """The note's world: + refuses operands of different dtypes."""
    def add(self, other):
        if isinstance(other, torch.Tensor) and other.dtype != self.dtype:
            raise TypeError(f"cannot add {self.dtype} and {other.dtype}")
        return _op_add(self, other)
    mp.setattr(torch.Tensor, "__add__", add)


def mm_promotes(mp: pytest.MonkeyPatch) -> None:
    def mm(a, b):
        dtype = torch.promote_types(a.dtype, b.dtype)
        return _mm(a.to(dtype), b.to(dtype))
    mp.setattr(torch, "mm", mm)


MUTANTS = [
    Mutant("div_floors", "elementwise.arith_methods", SPEC, "t.div(x) rounds down, unlike t / x"),
    Mutant("comparisons_give_uint8", "elementwise.comparisons", SPEC,
           "t.ge(x) and t >= x give uint8 tensors, as before torch 1.2"),
    Mutant("sqrt_of_negatives_is_zero", "elementwise.unary", SPEC, "t.sqrt() gives 0 for negative elements, not NaN"),
    Mutant("matmul_operator_is_elementwise", "elementwise.mul_vs_matmul", SPEC, "a @ b multiplies element-wise"),
    Mutant("add_underscore_returns_a_new_tensor", "elementwise.in_place_suffix", SPEC,
           "t.add_(x) returns a new tensor and leaves t alone"),
    Mutant("setitem_writes_into_a_copy", "elementwise.index_assign", SPEC,
           "t[:, j] = v writes into a copy, t is unchanged"),
    Mutant("mixed_dtypes_refused", "elementwise.dtype_mismatch", SPEC,
           "a + b raises for tensors of different dtypes, as the note says"),
    Mutant("mm_promotes", "elementwise.dtype_mismatch", SPEC,
           "torch.mm promotes float32 with float64 instead of refusing"),
]
