"""Mutants of the reduce claims: each plants the opposite of a recorded truth."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from tensorspec.harness.mutation import Mutant

T = "spec/test_reduce.py"
_std, _sum, _argmax, _tolist = torch.Tensor.std, torch.Tensor.sum, torch.Tensor.argmax, torch.Tensor.tolist
_np_std = np.std


def std_divides_by_n(mp: pytest.MonkeyPatch):
    """``t.std()`` defaults to correction=0 (NumPy's ddof=0)."""
    mp.setattr(torch.Tensor, "std", lambda self, *a, **k: _std(self, *a, **{"correction": 0, **k}))


def sum_keeps_dim(mp: pytest.MonkeyPatch):
    """``t.sum(dim=k)`` keeps axis k with length 1 instead of removing it."""
    mp.setattr(torch.Tensor, "sum", lambda self, *a, **k: _sum(self, *a, **k, keepdim=True)
               if a or "dim" in k else _sum(self, *a, **k))


def numpy_std_unbiased(mp: pytest.MonkeyPatch):
    """NumPy's ``np.std`` defaults to ddof=1, like torch."""
    mp.setattr(np, "std", lambda a, *args, **k: _np_std(a, *args, **{"ddof": 1, **k}))


def argmax_takes_last_tie(mp: pytest.MonkeyPatch):
    """``argmax`` returns the LAST of tied maxima (and the last NaN)."""
    def argmax(self, dim=None, keepdim=False):
        if dim is None:
            flat = self.reshape(-1)
            return flat.numel() - 1 - _argmax(flat.flip(0))
        n = self.shape[dim] if self.dim() else 1
        return n - 1 - _argmax(self.flip(dim) if self.dim() else self, dim, keepdim)
    mp.setattr(torch.Tensor, "argmax", argmax)


def tolist_wraps_scalars(mp: pytest.MonkeyPatch):
    """``tolist()`` of a rank-0 tensor gives a one-element list instead of a bare number."""
    mp.setattr(torch.Tensor, "tolist", lambda self: [_tolist(self)] if self.dim() == 0 else _tolist(self))


MUTANTS = [
    Mutant(name="std_divides_by_n", claim="reduce.whole", target=T,
           description="std's default correction becomes 0"),
    Mutant(name="sum_keeps_dim", claim="reduce.by_dim", target=T,
           description="sum(dim=k) keeps the reduced axis"),
    Mutant(name="numpy_std_unbiased", claim="reduce.by_dim", target=T,
           description="np.std defaults to ddof=1 (the libraries' difference disappears)"),
    Mutant(name="argmax_takes_last_tie", claim="reduce.max_argmax", target=T,
           description="argmax picks the last of tied maxima"),
    Mutant(name="tolist_wraps_scalars", claim="reduce.to_python", target=T,
           description="0-d tolist() returns [x]"),
]
