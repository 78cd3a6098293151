"""Mutants of the broadcasting claims: each plants the opposite of a recorded truth."""
from __future__ import annotations

import pytest
import torch

from tensorspec.harness.mutation import Mutant

T = "spec/test_broadcasting.py"
_add_op, _add = torch.Tensor.__add__, torch.add
_NARROW = (torch.uint8, torch.int8, torch.int16, torch.int32)


def scalar_widens_narrow_ints(mp: pytest.MonkeyPatch):
    """``t + 2`` promotes a narrow integer tensor to int64, as an int64 tensor operand does."""
    mp.setattr(torch.Tensor, "__add__", lambda self, other: _add_op(self.to(torch.int64), other)
               if isinstance(other, int) and self.dtype in _NARROW else _add_op(self, other))


def add_aligns_left(mp: pytest.MonkeyPatch):
    """``torch.add`` lines up the shapes from the LEFT (pads the shorter one with trailing 1s)."""
    def add(a, b, **kwargs):
        if torch.is_tensor(a) and torch.is_tensor(b) and a.dim() != b.dim():
            n = max(a.dim(), b.dim())
            a, b = (x.reshape(tuple(x.shape) + (1,) * (n - x.dim())) for x in (a, b))
        return _add(a, b, **kwargs)
    mp.setattr(torch, "add", add)


MUTANTS = [
    Mutant(name="scalar_widens_narrow_ints", claim="broadcasting.scalar", target=T,
           description="t+2 promotes uint8/int8/int16/int32 to int64"),
    Mutant(name="add_aligns_left", claim="broadcasting.rules", target=T,
           description="torch.add aligns shapes on the left instead of the right"),
]
