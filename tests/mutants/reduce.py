"""Mutants of the reduce claims: each plants the opposite of a recorded truth."""
from __future__ import annotations

import numpy as np
import torch

from tensorspec.harness.mutation import mutant, wrap


@mutant("reduce.whole")
def std_divides_by_n(mp):
    """``t.std()`` defaults to correction=0 (NumPy's ddof=0)."""
    @wrap(mp, torch.Tensor, "std")
    def std(orig, self, *a, **k):
        return orig(self, *a, **{"correction": 0, **k})


@mutant("reduce.by_dim")
def sum_keeps_dim(mp):
    """``t.sum(dim=k)`` keeps axis k with length 1 instead of removing it."""
    @wrap(mp, torch.Tensor, "sum")
    def sum_(orig, self, *a, **k):
        return orig(self, *a, **k, keepdim=True) if a or "dim" in k else orig(self, *a, **k)


@mutant("reduce.by_dim")
def numpy_std_unbiased(mp):
    """NumPy's ``np.std`` defaults to ddof=1, like torch (the libraries' difference disappears)."""
    @wrap(mp, np, "std")
    def std(orig, a, *args, **k):
        return orig(a, *args, **{"ddof": 1, **k})


@mutant("reduce.max_argmax")
def argmax_takes_last_tie(mp):
    """``argmax`` returns the LAST of tied maxima (and the last NaN)."""
    @wrap(mp, torch.Tensor, "argmax")
    def argmax(orig, self, dim=None, keepdim=False):
        if dim is None:
            flat = self.reshape(-1)
            return flat.numel() - 1 - orig(flat.flip(0))
        n = self.shape[dim] if self.dim() else 1
        return n - 1 - orig(self.flip(dim) if self.dim() else self, dim, keepdim)


@mutant("reduce.to_python")
def tolist_wraps_scalars(mp):
    """``tolist()`` of a rank-0 tensor gives a one-element list ``[x]`` instead of a bare number."""
    @wrap(mp, torch.Tensor, "tolist")
    def tolist(orig, self):
        return [orig(self)] if self.dim() == 0 else orig(self)
