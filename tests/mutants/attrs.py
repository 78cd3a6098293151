"""Mutants of the attrs claims: each plants the opposite of a recorded truth."""
from __future__ import annotations

import torch

from tensorspec.harness.mutation import mutant, wrap


@mutant("attrs.dtype_device_layout")
def layout_is_sparse(mp):
    """Every tensor reports layout sparse_coo."""
    mp.setattr(torch.Tensor, "layout", property(lambda self: torch.sparse_coo))


@mutant("attrs.rand_defaults")
def rand_is_float64(mp):
    """torch.rand defaults to float64."""
    @wrap(mp, torch, "rand")
    def rand(orig, *a, **k):
        return orig(*a, **{"dtype": torch.float64, **k})


@mutant("attrs.rand_defaults")
def rand_ignores_the_default_device(mp):
    """torch.rand lands on the CPU whatever the default device."""
    @wrap(mp, torch, "rand")
    def rand(orig, *a, **k):
        return orig(*a, **{"device": "cpu", **k})
