"""Mutants of the truths corrected after the last independent audit samples (creation, device, misc,
elementwise, model): each plants the opposite of one condition the catalog now states, so that its
claim must go red."""
from __future__ import annotations

import torch

from tensorspec.harness.mutation import mutant, wrap


@mutant("misc.only_2d")
def a_0d_mean_along_a_dim_raises(mp):
    """torch.mean of a 0-d tensor along a dim raises, as NumPy's mean does."""
    @wrap(mp, torch, "mean")
    def mean(orig, t, *a, **k):
        if t.dim() == 0 and (a or "dim" in k):
            raise IndexError("Dimension out of range (0-d tensor)")
        return orig(t, *a, **k)


@mutant("device.cross_device_error")
def meta_matrix_products_raise(mp):
    """torch.mm of a CPU and a meta tensor raises like the element-wise ops."""
    @wrap(mp, torch, "mm")
    def mm(orig, a, b, *rest, **k):
        if a.device != b.device:
            raise RuntimeError("Tensor on device meta is not on the expected device cpu!")
        return orig(a, b, *rest, **k)


