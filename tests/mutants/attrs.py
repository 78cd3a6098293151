"""Mutants of the attrs claims: each plants the opposite of one statement of a recorded truth."""
from __future__ import annotations

import torch

from tensorspec.harness.mutation import mutant, wrap


@mutant("attrs.dtype_device_layout", "reports_dtype_and_device")
def zeros_forgets_its_dtype(mp):
    """torch.zeros ignores dtype= and makes the default dtype."""
    @wrap(mp, torch, "zeros")
    def zeros(orig, *a, **k):
        k.pop("dtype", None)
        return orig(*a, **k)


@mutant("attrs.dtype_device_layout", "strided_layout")
def layout_is_sparse(mp):
    """Every tensor reports layout sparse_coo."""
    mp.setattr(torch.Tensor, "layout", property(lambda self: torch.sparse_coo))


@mutant("attrs.dtype_device_layout", "sparse_layout")
def to_sparse_stays_dense(mp):
    """t.to_sparse() returns t itself (strided)."""
    mp.setattr(torch.Tensor, "to_sparse", lambda self, *a, **k: self)


@mutant("attrs.rand_defaults", "shape_and_range")
def rand_reaches_two(mp):
    """torch.rand draws from [0, 2)."""
    @wrap(mp, torch, "rand")
    def rand(orig, *a, **k):
        return orig(*a, **k) * 2


def _rand_defaults_to(mp, **defaults) -> None:
    """torch.rand takes ``defaults`` for the keywords its caller leaves out."""
    wrap(mp, torch, "rand")(lambda orig, *a, **k: orig(*a, **{**defaults, **k}))


@mutant("attrs.rand_defaults", "default_dtype_and_device")
def rand_is_float64(mp):
    """torch.rand defaults to float64."""
    _rand_defaults_to(mp, dtype=torch.float64)


@mutant("attrs.rand_defaults", "follows_changed_defaults")
def rand_ignores_the_default_device(mp):
    """torch.rand lands on the CPU whatever the default device."""
    _rand_defaults_to(mp, device="cpu")


@mutant("attrs.rand_defaults", "overrides")
def rand_ignores_a_floating_dtype(mp):
    """torch.rand(..., dtype=float64) gives the default dtype."""
    @wrap(mp, torch, "rand")
    def rand(orig, *a, **k):
        if k.get("dtype") is not None and k["dtype"].is_floating_point:
            k.pop("dtype")
        return orig(*a, **k)


@mutant("attrs.rand_defaults", "other_dtypes_refused")
def rand_makes_integers(mp):
    """torch.rand with an integer dtype= gives zeros instead of raising."""
    @wrap(mp, torch, "rand")
    def rand(orig, *a, **k):
        dtype = k.get("dtype")
        if dtype is not None and not (dtype.is_floating_point or dtype.is_complex):
            return torch.zeros(*a, **k)
        return orig(*a, **k)
