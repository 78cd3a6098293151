"""Mutants of the bridge claims: each plants the opposite of a recorded truth."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from tensorspec.harness.mutation import Mutant

T = "spec/test_bridge.py"
_numpy, _from_numpy = torch.Tensor.numpy, torch.from_numpy


def numpy_copies(mp: pytest.MonkeyPatch):
    mp.setattr(torch.Tensor, "numpy", lambda self, *a, **k: _numpy(self, *a, **k).copy())


def from_numpy_copies(mp: pytest.MonkeyPatch):
    mp.setattr(torch, "from_numpy", lambda a: _from_numpy(a).clone())


def numpy_widens_to_float64(mp: pytest.MonkeyPatch):
    mp.setattr(torch.Tensor, "numpy", lambda self, *a, **k: _numpy(self, *a, **k).astype(np.float64))


def tensors_are_not_array_like(mp: pytest.MonkeyPatch):
    def refuse(self, *args, **kwargs):
        raise TypeError("a tensor cannot be converted; call .numpy() first")
    mp.setattr(torch.Tensor, "__array__", refuse)


MUTANTS = [
    Mutant("numpy_copies", "bridge.numpy_shares", T, "t.numpy() returns a copy"),
    Mutant("from_numpy_copies", "bridge.numpy_to_tensor_reflects", T, "torch.from_numpy copies the array"),
    Mutant("numpy_widens_to_float64", "bridge.round_trip", T, "t.numpy() always gives float64"),
    Mutant("tensors_are_not_array_like", "bridge.matplotlib_needs_numpy", T,
           "np.asarray(tensor) fails, so matplotlib needs .numpy() (what the note says)"),
]
