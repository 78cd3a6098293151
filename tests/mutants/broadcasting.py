"""Mutants of the broadcasting claims: each plants the opposite of a recorded truth."""
from __future__ import annotations

import torch

from tensorspec.harness.mutation import mutant, wrap

_NARROW = (torch.uint8, torch.int8, torch.int16, torch.int32)


@mutant("broadcasting.scalar")
def scalar_widens_narrow_ints(mp):
    """``t + 2`` promotes a narrow integer tensor (uint8/int8/int16/int32) to int64, as an int64
    tensor operand does."""
    @wrap(mp, torch.Tensor, "__add__")
    def add(orig, self, other):
        widen = isinstance(other, int) and self.dtype in _NARROW
        return orig(self.to(torch.int64) if widen else self, other)


@mutant("broadcasting.rules")
def add_aligns_left(mp):
    """``torch.add`` lines up the shapes from the LEFT (pads the shorter one with trailing 1s)."""
    @wrap(mp, torch, "add")
    def add(orig, a, b, **kwargs):
        if torch.is_tensor(a) and torch.is_tensor(b) and a.dim() != b.dim():
            n = max(a.dim(), b.dim())
            a, b = (x.reshape(tuple(x.shape) + (1,) * (n - x.dim())) for x in (a, b))
        return orig(a, b, **kwargs)
