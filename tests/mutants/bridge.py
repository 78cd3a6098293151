"""Mutants of the bridge claims: each plants the opposite of a recorded truth."""
from __future__ import annotations

import numpy as np
import torch

from tensorspec.harness.mutation import mutant, wrap


@mutant("bridge.numpy_shares")
def numpy_copies(mp):
    """t.numpy() returns a copy."""
    @wrap(mp, torch.Tensor, "numpy")
    def numpy(orig, self, *a, **k):
        return orig(self, *a, **k).copy()


@mutant("bridge.numpy_to_tensor_reflects")
def from_numpy_copies(mp):
    """torch.from_numpy copies the array."""
    @wrap(mp, torch, "from_numpy")
    def from_numpy(orig, a):
        return orig(a).clone()


@mutant("bridge.round_trip")
def numpy_widens_to_float64(mp):
    """t.numpy() always gives float64."""
    @wrap(mp, torch.Tensor, "numpy")
    def numpy(orig, self, *a, **k):
        return orig(self, *a, **k).astype(np.float64)


@mutant("bridge.matplotlib_needs_numpy")
def tensors_are_not_array_like(mp):
    """np.asarray(tensor) fails, so matplotlib needs .numpy() (what the note says)."""
    def refuse(self, *args, **kwargs):
        raise TypeError("a tensor cannot be converted; call .numpy() first")
    mp.setattr(torch.Tensor, "__array__", refuse)
