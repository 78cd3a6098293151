"""Mutants of the attrs claims: each plants the opposite of a recorded truth."""
from __future__ import annotations

import pytest
import torch

from tensorspec.harness.mutation import Mutant

T = "spec/test_attrs.py"
_rand = torch.rand


def layout_is_sparse(mp: pytest.MonkeyPatch):
    mp.setattr(torch.Tensor, "layout", property(lambda self: torch.sparse_coo))


def rand_is_float64(mp: pytest.MonkeyPatch):
    mp.setattr(torch, "rand", lambda *a, **k: _rand(*a, **{"dtype": torch.float64, **k}))


def rand_ignores_the_default_device(mp: pytest.MonkeyPatch):
    mp.setattr(torch, "rand", lambda *a, **k: _rand(*a, **{"device": "cpu", **k}))


MUTANTS = [
    Mutant("layout_is_sparse", "attrs.dtype_device_layout", T, "every tensor reports layout sparse_coo"),
    Mutant("rand_is_float64", "attrs.rand_defaults", T, "torch.rand defaults to float64"),
    Mutant("rand_ignores_the_default_device", "attrs.rand_defaults", T,
           "torch.rand lands on the CPU whatever the default device"),
]
