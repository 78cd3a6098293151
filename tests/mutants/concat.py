"""Mutants of the concat claims: each plants the opposite of a recorded truth."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from tensorspec.harness.mutation import mutant, wrap


@mutant("concat.cat_existing_axis")
def cat_ignores_dim(mp):
    """``torch.cat`` always joins along axis 0."""
    @wrap(mp, torch, "cat")
    def cat(orig, tensors, dim=0, **k):
        return orig(tensors, 0, **k)


@mutant("concat.stack_new_axis")
def stack_ignores_dim(mp):
    """``torch.stack`` always inserts the new axis first."""
    @wrap(mp, torch, "stack")
    def stack(orig, tensors, dim=0, **k):
        return orig(tensors, 0, **k)


@mutant("concat.stack_is_cat_unsqueeze")
def stack_negative_dim_off_by_one(mp):
    """``torch.stack`` counts a negative dim from the INPUT rank (as cat would), not the output rank."""
    @wrap(mp, torch, "stack")
    def stack(orig, tensors, dim=0, **k):
        if dim < 0 and tensors:
            dim += tensors[0].dim()  # -1 -> n-1 instead of n
        return orig(tensors, dim, **k)


@mutant("concat.tensorflow")
def tf_stack_ignores_axis(mp):
    """``tf.stack`` always stacks along axis 0."""
    tf = pytest.importorskip("tensorflow")

    @wrap(mp, tf, "stack")
    def stack(orig, values, axis=0, name="stack"):
        return orig(values, axis=0, name=name)


@mutant("concat.numpy")
def numpy_stack_ignores_axis(mp):
    """``np.stack`` always stacks along axis 0."""
    @wrap(mp, np, "stack")
    def stack(orig, arrays, axis=0, **k):
        return orig(arrays, 0, **k)


@mutant("concat.frameworks_agree")
def torch_cat_reverses(mp):
    """``torch.cat`` joins its inputs in reverse order (NumPy and TF would then disagree)."""
    @wrap(mp, torch, "cat")
    def cat(orig, tensors, dim=0, **k):
        return orig(list(tensors)[::-1], dim, **k)


@mutant("concat.batching")
def stack_is_cat(mp):
    """``torch.stack`` behaves like ``torch.cat`` (no new axis)."""
    cat = torch.cat
    mp.setattr(torch, "stack", lambda tensors, dim=0, **k: cat(tensors, dim, **k))
