"""Planted changes for the reshape group: each must turn its claim's tests in spec/test_reshape.py red.

Targets name single tests where the claim's other tests would import TensorFlow, to keep runs fast.
"""
from __future__ import annotations

import pytest
import torch

from tensorspec.harness.mutation import Mutant

_reshape = torch.Tensor.reshape
_squeeze = torch.Tensor.squeeze
_unsqueeze = torch.Tensor.unsqueeze
_flatten = torch.Tensor.flatten
_view = torch.Tensor.view
_torch_unsqueeze = torch.unsqueeze
_torch_flatten = torch.flatten

SPEC = "spec/test_reshape.py"


def _shape_args(args) -> tuple:
    return tuple(args[0]) if len(args) == 1 and isinstance(args[0], (tuple, list, torch.Size)) else tuple(args)


def reshape_column_major(mp: pytest.MonkeyPatch) -> None:
    def reshape(self, *args):
        shape = tuple(_reshape(self, _shape_args(args)).shape)  # the real one infers -1 and checks sizes
        if self.numel() <= 1 or (self.dim() < 2 and len(shape) < 2):  # one order only
            return _reshape(self, shape)
        reversed_self = self.permute(*reversed(range(self.dim())))
        out = _reshape(reversed_self, tuple(reversed(shape)))
        return out.permute(*reversed(range(len(shape))))
    mp.setattr(torch.Tensor, "reshape", reshape)


def squeeze_only_the_first(mp: pytest.MonkeyPatch) -> None:
    def squeeze(self, *args, **kwargs):
        if args or kwargs:
            return _squeeze(self, *args, **kwargs)
        ones = [i for i, n in enumerate(self.shape) if n == 1]
        return _squeeze(self, ones[0]) if ones else _squeeze(self)
    mp.setattr(torch.Tensor, "squeeze", squeeze)


def squeeze_dim_strict(mp: pytest.MonkeyPatch) -> None:
    def squeeze(self, *args, **kwargs):
        named = args[0] if args else kwargs.get("dim")
        for d in (named if isinstance(named, (tuple, list)) else () if named is None else (named,)):
            if self.dim() and self.shape[d] != 1:
                raise ValueError("cannot select an axis to squeeze out which has size not equal to one")
        return _squeeze(self, *args, **kwargs)
    mp.setattr(torch.Tensor, "squeeze", squeeze)


def unsqueeze_negative_like_list_insert(mp: pytest.MonkeyPatch) -> None:
    def shifted(dim, ndim):  # list.insert(-1, x) puts x before the last item, not after it
        return dim - 1 if -ndim - 1 < dim < 0 else dim
    mp.setattr(torch.Tensor, "unsqueeze", lambda self, dim: _unsqueeze(self, shifted(dim, self.dim())))
    mp.setattr(torch, "unsqueeze", lambda t, dim: _torch_unsqueeze(t, shifted(dim, t.dim())))


def reshape_1_minus_1_drops_the_leading_axis(mp: pytest.MonkeyPatch) -> None:
    def reshape(self, *args):
        shape = _shape_args(args)
        return _reshape(self, (-1,) if shape == (1, -1) else shape)
    mp.setattr(torch.Tensor, "reshape", reshape)


def flatten_ignores_start_dim(mp: pytest.MonkeyPatch) -> None:
    mp.setattr(torch.Tensor, "flatten", lambda self, *args, **kwargs: _flatten(self))
    mp.setattr(torch, "flatten", lambda t, *args, **kwargs: _torch_flatten(t))


def view_copies(mp: pytest.MonkeyPatch) -> None:
    mp.setattr(torch.Tensor, "view", lambda self, *args: _view(self, *args).clone())


def reshape_always_copies(mp: pytest.MonkeyPatch) -> None:
    mp.setattr(torch.Tensor, "reshape", lambda self, *args: _reshape(self, *args).clone())


def flatten_returns_a_new_object(mp: pytest.MonkeyPatch) -> None:
    def flatten(self, *args, **kwargs):
        out = _flatten(self, *args, **kwargs)
        return _view(out, out.shape)
    mp.setattr(torch.Tensor, "flatten", flatten)


def squeeze_copies(mp: pytest.MonkeyPatch) -> None:
    mp.setattr(torch.Tensor, "squeeze", lambda self, *args, **kwargs: _squeeze(self, *args, **kwargs).clone())


MUTANTS = [
    Mutant("reshape_column_major", "reshape.preserves_elements",
           f"{SPEC}::test_reshape_keeps_the_elements_in_row_major_order",
           "reshape reads and writes the elements in column-major (Fortran) order"),
    Mutant("squeeze_only_the_first", "reshape.squeeze", f"{SPEC}::test_squeeze_removes_every_length_one_axis",
           "squeeze() removes only the first axis of length 1"),
    Mutant("squeeze_dim_strict", "reshape.squeeze",
           f"{SPEC}::test_squeeze_dim_removes_a_named_axis_only_if_its_length_is_one",
           "squeeze(d) of an axis whose length is not 1 raises, as NumPy's does"),
    Mutant("unsqueeze_negative_like_list_insert", "reshape.unsqueeze",
           f"{SPEC}::test_unsqueeze_inserts_a_length_one_axis_at_dim",
           "unsqueeze(-1) inserts before the last axis, as list.insert(-1, x)"),
    Mutant("reshape_1_minus_1_drops_the_leading_axis", "reshape.flatten_forms", SPEC,
           "reshape(1, -1) gives a 1-D tensor, without the leading axis of 1"),
    Mutant("flatten_ignores_start_dim", "reshape.flatten_start_dim",
           f"{SPEC}::test_flatten_from_start_dim_keeps_the_axes_before_it",
           "flatten(start_dim=s) flattens every axis, the batch axes too"),
    Mutant("view_copies", "reshape.view_shares",
           f"{SPEC}::test_view_shares_memory_or_refuses_a_layout_it_cannot_view",
           "view() returns a copy"),
    Mutant("reshape_always_copies", "reshape.view_shares",
           f"{SPEC}::test_reshape_and_flatten_share_exactly_when_a_view_is_possible",
           "reshape() copies even where a view is possible"),
    Mutant("flatten_returns_a_new_object", "reshape.view_shares",
           f"{SPEC}::test_flatten_returns_the_input_itself_when_there_is_nothing_to_merge",
           "flatten() of a 1-D tensor returns a new view, not the tensor itself"),
    Mutant("squeeze_copies", "reshape.view_shares",
           f"{SPEC}::test_squeeze_unsqueeze_and_same_shape_reshape_always_return_a_new_view",
           "squeeze() returns a copy"),
]
