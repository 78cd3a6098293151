"""Mutants of the concat claims: each plants the opposite of a recorded truth."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from tensorspec.harness.mutation import Mutant

T = "spec/test_concat.py"
_cat, _stack, _np_stack = torch.cat, torch.stack, np.stack


def cat_ignores_dim(mp: pytest.MonkeyPatch):
    """``torch.cat`` always joins along axis 0."""
    mp.setattr(torch, "cat", lambda tensors, dim=0, **k: _cat(tensors, 0, **k))


def stack_ignores_dim(mp: pytest.MonkeyPatch):
    """``torch.stack`` always inserts the new axis first."""
    mp.setattr(torch, "stack", lambda tensors, dim=0, **k: _stack(tensors, 0, **k))


def stack_negative_dim_off_by_one(mp: pytest.MonkeyPatch):
    """``torch.stack`` counts a negative dim from the INPUT rank (as cat would), not the output rank."""
    def stack(tensors, dim=0, **k):
        if dim < 0 and tensors:
            dim += tensors[0].dim()  # -1 -> n-1 instead of n
        return _stack(tensors, dim, **k)
    mp.setattr(torch, "stack", stack)


def tf_stack_ignores_axis(mp: pytest.MonkeyPatch):
    """``tf.stack`` always stacks along axis 0."""
    tf = pytest.importorskip("tensorflow")
    real = tf.stack
    mp.setattr(tf, "stack", lambda values, axis=0, name="stack": real(values, axis=0, name=name))


def numpy_stack_ignores_axis(mp: pytest.MonkeyPatch):
    """``np.stack`` always stacks along axis 0."""
    mp.setattr(np, "stack", lambda arrays, axis=0, **k: _np_stack(arrays, 0, **k))


def torch_cat_reverses(mp: pytest.MonkeyPatch):
    """``torch.cat`` joins its inputs in reverse order (NumPy and TF would then disagree)."""
    mp.setattr(torch, "cat", lambda tensors, dim=0, **k: _cat(list(tensors)[::-1], dim, **k))


def stack_is_cat(mp: pytest.MonkeyPatch):
    """``torch.stack`` behaves like ``torch.cat`` (no new axis)."""
    mp.setattr(torch, "stack", lambda tensors, dim=0, **k: _cat(tensors, dim, **k))


MUTANTS = [
    Mutant(name="cat_ignores_dim", claim="concat.cat_existing_axis", target=T,
           description="torch.cat always uses dim 0"),
    Mutant(name="stack_ignores_dim", claim="concat.stack_new_axis", target=T,
           description="torch.stack always uses dim 0"),
    Mutant(name="stack_negative_dim_off_by_one", claim="concat.stack_is_cat_unsqueeze", target=T,
           description="torch.stack wraps negative dims by the input rank"),
    Mutant(name="tf_stack_ignores_axis", claim="concat.tensorflow", target=T,
           description="tf.stack always uses axis 0"),
    Mutant(name="numpy_stack_ignores_axis", claim="concat.numpy", target=T,
           description="np.stack always uses axis 0"),
    Mutant(name="torch_cat_reverses", claim="concat.frameworks_agree", target=T,
           description="torch.cat joins inputs in reverse order"),
    Mutant(name="stack_is_cat", claim="concat.batching", target=T,
           description="torch.stack adds no axis"),
]
