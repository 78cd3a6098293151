"""Planted changes for the reshape group: each must turn its statement's tests in spec/test_reshape.py red.

Where a statement covers several spellings (``t.reshape`` and ``torch.reshape``, ``t.squeeze`` and
``torch.squeeze``...) or argument forms (positional and ``dim=``), one mutant per spelling or form
changes that one alone (:func:`_each_spelling`), so each is shown to be checked on its own.
"""
from __future__ import annotations

import numpy as np
import pytest
import torch

from tensorspec.harness.mutation import mutant, per_spelling, wrap

_RESHAPE, _VIEW, _FLATTEN, _SQUEEZE = torch.Tensor.reshape, torch.Tensor.view, torch.Tensor.flatten, torch.Tensor.squeeze
RESHAPE, SQUEEZE, UNSQUEEZE = "reshape.preserves_elements", "reshape.squeeze", "reshape.unsqueeze"
FLATTEN, VIEWS = "reshape.flatten_start_dim", "reshape.view_shares"


def _each_spelling(claim: str, statement: str, op: str, name: str, doc: str, change, spellings=("method", "function")):
    """Register one mutant per spelling of ``op``, each wrapping only that spelling with
    ``change(orig, t, *args, **kwargs)``: ``<op>_<spelling>_<name>``, described as ``<spelling> <doc>``."""
    forms = {"method": (f"t.{op}", f"Tensor.{op}"), "function": (f"torch.{op}", f"torch.{op}")}
    per_spelling(claim, statement, f"{op}_{{kind}}_{name}", "{form} " + doc.replace("{", "{{").replace("}", "}}")
                 + " (the other spelling untouched).", dict(forms[s] for s in spellings))(change)


def _shape_args(args) -> tuple:
    return tuple(args[0]) if len(args) == 1 and isinstance(args[0], (tuple, list, torch.Size)) else tuple(args)


def _reversed_axes(t: torch.Tensor) -> torch.Tensor:
    return t.permute(*reversed(range(t.dim())))


def _column_major(orig, t: torch.Tensor, shape) -> torch.Tensor:
    """``t`` laid into ``shape`` in column-major (Fortran) order; ``orig`` is the real reshape/view."""
    shape = tuple(orig(t, shape).shape)  # the real one infers -1 and checks the size
    if t.numel() <= 1 or (t.dim() < 2 and len(shape) < 2):  # one order only
        return orig(t, shape)
    return _reversed_axes(_RESHAPE(_reversed_axes(t), tuple(reversed(shape))))


def _instead_of_raising(words: str, fallback):
    """A change: where the real call raises RuntimeError containing ``words``, return ``fallback(t)``."""
    def change(orig, t, *args, **kwargs):
        try:
            return orig(t, *args, **kwargs)
        except RuntimeError as exc:
            if words not in str(exc):
                raise
            return fallback(t)
    return change


# ---- reshape.preserves_elements -------------------------------------------------------------------

@mutant(RESHAPE, "row_major_order")
def reshape_method_column_major(mp):
    """t.reshape(shape), one shape argument, fills the shape in column-major (Fortran) order
    (t.reshape(*sizes) and torch.reshape untouched)."""
    @wrap(mp, torch.Tensor, "reshape")
    def reshape(orig, self, *args):
        if len(args) == 1 and isinstance(args[0], (tuple, list, torch.Size)):
            return _column_major(orig, self, tuple(args[0]))
        return orig(self, *args)


@mutant(RESHAPE, "row_major_order")
def reshape_varargs_column_major(mp):
    """t.reshape(*sizes), the note's t.reshape(xx, xx, xx), fills the shape in column-major order
    (t.reshape(shape) and torch.reshape untouched)."""
    @wrap(mp, torch.Tensor, "reshape")
    def reshape(orig, self, *args):
        if len(args) > 1:
            return _column_major(orig, self, args)
        return orig(self, *args)


@mutant(RESHAPE, "row_major_order")
def reshape_function_column_major(mp):
    """torch.reshape(t, shape) fills the shape in column-major order (t.reshape untouched)."""
    @wrap(mp, torch, "reshape")
    def reshape(orig, t, shape):
        return _column_major(orig, t, shape)


def _minus_one_first(orig, t, *args):
    """A -1 that is not first is moved to the front: (3, -1) is read as (-1, 3)."""
    shape = list(_shape_args(args))
    if -1 in shape[1:]:
        shape.remove(-1)
        shape.insert(0, -1)
    return orig(t, tuple(shape))


_each_spelling(RESHAPE, "infers_minus_one", "reshape", "moves_minus_one_first",
               "reads a -1 that is not the first side as the first side: (3, -1) is (-1, 3)", _minus_one_first)
_each_spelling(RESHAPE, "wrong_count_refused", "reshape", "flattens_a_wrong_count",
               "of a shape with another element count returns t.flatten() instead of raising",
               _instead_of_raising("is invalid for input of size", lambda t: _FLATTEN(t)))
_each_spelling(RESHAPE, "two_minus_ones_refused", "reshape", "flattens_two_minus_ones",
               "with two -1s returns t.flatten() instead of raising",
               _instead_of_raising("only one dimension can be inferred", lambda t: _FLATTEN(t)))
_each_spelling(RESHAPE, "ambiguous_minus_one_refused", "reshape", "flattens_an_ambiguous_minus_one",
               "of an empty tensor with an ambiguous -1 returns t.flatten() instead of raising",
               _instead_of_raising("is ambiguous", lambda t: _FLATTEN(t)))
_each_spelling(RESHAPE, "sparse_refused", "reshape", "returns_a_sparse_tensor_itself",
               "of a sparse tensor returns it unchanged instead of raising",
               lambda orig, t, *a, **k: t if t.layout != torch.strided else orig(t, *a, **k))


@mutant(RESHAPE, "numpy_value_error")
def numpy_reshape_flattens_what_it_cannot_fill(mp):
    """np.reshape returns the flattened array where it would raise ValueError."""
    @wrap(mp, np, "reshape")
    def reshape(orig, a, *args, **kwargs):
        try:
            return orig(a, *args, **kwargs)
        except ValueError:
            return np.ravel(a)


@mutant(RESHAPE, "tensorflow_rules")
def tf_reshape_ambiguous_minus_one_is_zero(mp):
    """tf.reshape of an empty tensor reads an ambiguous -1 as 0."""
    tf = pytest.importorskip("tensorflow")

    @wrap(mp, tf, "reshape")
    def reshape(orig, tensor, shape, *args, **kwargs):
        shape = list(shape) if isinstance(shape, (tuple, list)) else shape
        if isinstance(shape, list) and -1 in shape and tf.size(tensor) == 0 and shape.count(-1) == 1:
            shape = [0 if s == -1 else s for s in shape]
        return orig(tensor, shape, *args, **kwargs)


# ---- reshape.squeeze ------------------------------------------------------------------------------

def _only_the_first(orig, t, *args, **kwargs):
    """squeeze() drops only the first length-1 axis."""
    if args or kwargs:
        return orig(t, *args, **kwargs)
    ones = [i for i, n in enumerate(t.shape) if n == 1]
    return orig(t, ones[0]) if ones else orig(t)


def _named(args, kwargs):
    named = args[0] if args else kwargs.get("dim")
    return named if isinstance(named, (tuple, list)) else () if named is None else (named,)


def _strict(orig, t, *args, **kwargs):
    """squeeze(d) of an axis whose length is not 1 raises, as NumPy's does."""
    for d in _named(args, kwargs):
        if t.dim() and -t.dim() <= d < t.dim() and t.shape[d] != 1:
            raise ValueError("cannot select an axis to squeeze out which has size not equal to one")
    return orig(t, *args, **kwargs)


def _clamped(extra: int):
    """An out-of-range dim is clamped into range instead of raising IndexError."""
    def change(orig, t, *args, **kwargs):
        dims = list(args) if args else [kwargs.pop("dim")] if "dim" in kwargs else []
        n = max(t.dim() + extra, 1)
        dims = [max(-n, min(n - 1, d)) if isinstance(d, int) else d for d in dims]
        return orig(t, *dims, **kwargs)
    return change


def _first_named_only(keyword: bool):
    """squeeze((d1, d2, ...)) drops only d1, in the positional or the dim= form."""
    def change(orig, t, *args, **kwargs):
        named = kwargs.get("dim") if keyword else (args[0] if args else None)
        if isinstance(named, (tuple, list)) and len(named) > 1:
            return orig(t, named[0])
        return orig(t, *args, **kwargs)
    return change


def _named_ignored(keyword: bool):
    """squeeze(d) drops every length-1 axis, not only d, in the positional or the dim= form."""
    def change(orig, t, *args, **kwargs):
        if (keyword and "dim" in kwargs) or (not keyword and args):
            return orig(t)
        return orig(t, *args, **kwargs)
    return change


_each_spelling(SQUEEZE, "drops_all_unit_axes", "squeeze", "drops_only_the_first_unit_axis",
               "() drops only the first axis of length 1", _only_the_first)
_each_spelling(SQUEEZE, "drops_named_unit_axes", "squeeze", "drops_the_first_named_axis_only",
               "((d1, d2, ...)) drops only d1 (positional form)", _first_named_only(keyword=False))
_each_spelling(SQUEEZE, "drops_named_unit_axes", "squeeze", "keyword_drops_the_first_named_axis_only",
               "(dim=(d1, d2, ...)) drops only d1 (the positional form untouched)", _first_named_only(keyword=True))
_each_spelling(SQUEEZE, "drops_named_unit_axes", "squeeze", "ignores_a_positional_dim",
               "(d) drops every length-1 axis, not only d (dim= untouched)", _named_ignored(keyword=False))
_each_spelling(SQUEEZE, "drops_named_unit_axes", "squeeze", "ignores_dim_keyword",
               "(dim=d) drops every length-1 axis, not only d (positional untouched)", _named_ignored(keyword=True))
_each_spelling(SQUEEZE, "keeps_named_non_unit_axis", "squeeze", "refuses_a_non_unit_axis",
               "(d) of an axis whose length is not 1 raises ValueError, as NumPy's does", _strict)
_each_spelling(SQUEEZE, "dim_out_of_range", "squeeze", "clamps_an_out_of_range_dim",
               "(d) clamps an out-of-range d into range instead of raising IndexError", _clamped(0))


@mutant(SQUEEZE, "drops_named_unit_axes")
def squeeze_method_refuses_a_rank_0_dim(mp):
    """t.squeeze(d) of a rank-0 tensor raises IndexError for d = 0 and -1 (torch.squeeze untouched)."""
    @wrap(mp, torch.Tensor, "squeeze")
    def squeeze(orig, self, *args, **kwargs):
        if self.dim() == 0 and (args or kwargs):
            raise IndexError("Dimension out of range (expected to be in range of [0, -1])")
        return orig(self, *args, **kwargs)


@mutant(SQUEEZE, "tensorflow_strict")
def tf_squeeze_keeps_a_named_non_unit_axis(mp):
    """tf.squeeze(x, d) of an axis whose length is not 1 returns x unchanged, as torch does."""
    tf = pytest.importorskip("tensorflow")

    @wrap(mp, tf, "squeeze")
    def squeeze(orig, x, axis=None, *args, **kwargs):
        if axis is not None and x.shape.rank and -x.shape.rank <= axis < x.shape.rank and x.shape[axis] != 1:
            return x
        return orig(x, axis, *args, **kwargs)


# ---- reshape.unsqueeze ----------------------------------------------------------------------------

def _like_list_insert(keyword: bool):
    """unsqueeze(-k) inserts before the k-th axis from the end, as list.insert(-k, x) does."""
    def change(orig, t, *args, **kwargs):
        if keyword and "dim" in kwargs:
            d = kwargs.pop("dim")
            return orig(t, d - 1 if -t.dim() - 1 < d < 0 else d, **kwargs)
        if not keyword and args:
            d = args[0]
            return orig(t, d - 1 if -t.dim() - 1 < d < 0 else d)
        return orig(t, *args, **kwargs)
    return change


_each_spelling(UNSQUEEZE, "inserts_at_dim", "unsqueeze", "negative_like_list_insert",
               "(d), d < 0 positional, inserts before the |d|-th axis from the end, as list.insert does",
               _like_list_insert(keyword=False))
_each_spelling(UNSQUEEZE, "inserts_at_dim", "unsqueeze", "keyword_negative_like_list_insert",
               "(dim=d), d < 0, inserts before the |d|-th axis from the end (positional untouched)",
               _like_list_insert(keyword=True))
_each_spelling(UNSQUEEZE, "dim_out_of_range", "unsqueeze", "clamps_an_out_of_range_dim",
               "(d) clamps an out-of-range d into range instead of raising IndexError", _clamped(1))


@mutant(UNSQUEEZE, "tensorflow_agrees")
def tf_expand_dims_negative_like_list_insert(mp):
    """tf.expand_dims(x, -k) inserts before the k-th axis from the end, as list.insert does."""
    tf = pytest.importorskip("tensorflow")

    @wrap(mp, tf, "expand_dims")
    def expand_dims(orig, x, axis, *args, **kwargs):
        rank = x.shape.rank
        return orig(x, axis - 1 if -rank - 1 < axis < 0 else axis, *args, **kwargs)


# ---- reshape.flatten_forms ------------------------------------------------------------------------

def _flat_column_major(orig, t, *args, **kwargs):
    """A full flatten (every axis) lays the elements out in column-major order."""
    out = orig(t, *args, **kwargs)
    if out.dim() == 1 and t.dim() >= 2:
        return _RESHAPE(_reversed_axes(t).contiguous(), (-1,))
    return out


_each_spelling("reshape.flatten_forms", "one_axis_row_major", "flatten", "column_major",
               "() lays the elements out in column-major order", _flat_column_major)
_each_spelling("reshape.flatten_forms", "one_axis_row_major", "reshape", "minus_one_column_major",
               "to (-1,) lays the elements out in column-major order",
               lambda orig, t, *args: (_flat_column_major if _shape_args(args) == (-1,) else orig)(orig, t, *args))
_each_spelling("reshape.flatten_forms", "leading_axis_of_one", "reshape", "1_minus_1_drops_the_leading_axis",
               "to (1, -1) gives a 1-D tensor, without the leading axis of 1",
               lambda orig, t, *args: orig(t, (-1,) if _shape_args(args) == (1, -1) else _shape_args(args)))


@mutant("reshape.flatten_forms", "one_axis_row_major")
def view_method_column_major(mp):
    """t.view(shape) lays the elements out in column-major order (t.reshape untouched)."""
    @wrap(mp, torch.Tensor, "view")
    def view(orig, self, *args):
        if len(args) == 1 and isinstance(args[0], torch.dtype):
            return orig(self, *args)
        return _column_major(orig, self, _shape_args(args))


# ---- reshape.flatten_start_dim --------------------------------------------------------------------

def _swapped(orig, t, *args, **kwargs):
    """start_dim after end_dim: the two are swapped instead of raising."""
    try:
        return orig(t, *args, **kwargs)
    except RuntimeError as exc:
        if "start_dim cannot come after end_dim" not in str(exc):
            raise
        return orig(t, kwargs["end_dim"], kwargs["start_dim"])


_each_spelling(FLATTEN, "merges_start_to_end", "flatten", "ignores_start_dim",
               "(start_dim=s) flattens every axis, the batch axes too", lambda orig, t, *a, **k: orig(t))
_each_spelling(FLATTEN, "dim_out_of_range", "flatten", "clamps_an_out_of_range_dim",
               "(d) clamps an out-of-range start_dim into range instead of raising IndexError", _clamped(0))
def _end_dim_clamped(orig, t, *args, **kwargs):
    """flatten(s, e): an out-of-range e is clamped into range instead of raising IndexError."""
    if len(args) == 2:
        n = max(t.dim(), 1)
        args = (args[0], max(-n, min(n - 1, args[1])))
    return orig(t, *args, **kwargs)


_each_spelling(FLATTEN, "dim_out_of_range", "flatten", "clamps_an_out_of_range_end_dim",
               "(s, e) clamps an out-of-range end_dim e into range instead of raising IndexError", _end_dim_clamped)
_each_spelling(FLATTEN, "start_after_end_refused", "flatten", "swaps_start_after_end",
               "(start_dim=s, end_dim=e) with s after e swaps them instead of raising", _swapped)


@mutant(FLATTEN, "batch_rows")
def flatten_method_reverses_the_batch(mp):
    """t.flatten(start_dim=1) returns the rows (images) in reverse order."""
    @wrap(mp, torch.Tensor, "flatten")
    def flatten(orig, self, *args, **kwargs):
        out = orig(self, *args, **kwargs)
        return out.flip(0) if kwargs.get("start_dim") == 1 else out


@mutant(FLATTEN, "numpy_and_tensorflow_reshape")
def tf_reshape_column_major(mp):
    """tf.reshape lays the elements out in column-major order."""
    tf = pytest.importorskip("tensorflow")

    @wrap(mp, tf, "reshape")
    def reshape(orig, tensor, shape, *args, **kwargs):
        out = orig(tensor, shape, *args, **kwargs)
        if tensor.shape.rank < 2 or len(out.shape) < 1:
            return out
        flipped = tf.transpose(tensor)
        return tf.transpose(orig(flipped, list(reversed(out.shape.as_list()))))


# ---- reshape.view_shares --------------------------------------------------------------------------

@mutant(VIEWS, "view_shares_when_possible")
def view_copies(mp):
    """t.view() returns a copy."""
    @wrap(mp, torch.Tensor, "view")
    def view(orig, self, *args):
        return orig(self, *args).clone()


@mutant(VIEWS, "view_refuses_otherwise")
def view_copies_where_it_cannot_view(mp):
    """t.view(shape) returns a reshaped copy where the strides allow no view, instead of raising."""
    @wrap(mp, torch.Tensor, "view")
    def view(orig, self, *args):
        try:
            return orig(self, *args)
        except RuntimeError:
            return _RESHAPE(self.contiguous(), _shape_args(args))


def _copies(orig, t, *a, **k):
    return orig(t, *a, **k).clone()


for _statement, _op, _name, _doc in (
        ("reshape_flatten_view_or_copy", "reshape", "always_copies", "copies even where a view is possible"),
        ("reshape_flatten_view_or_copy", "flatten", "always_copies", "copies even where a view is possible"),
        ("squeeze_unsqueeze_always_views", "squeeze", "copies", "returns a copy"),
        ("squeeze_unsqueeze_always_views", "unsqueeze", "copies", "returns a copy")):
    _each_spelling(VIEWS, _statement, _op, _name, _doc, _copies)
_each_spelling(VIEWS, "flatten_returns_itself", "flatten", "returns_a_new_object",
               "of a 1-D tensor returns a new view, not the tensor itself",
               lambda orig, t, *a, **k: _VIEW(orig(t, *a, **k), orig(t, *a, **k).shape))
_each_spelling(VIEWS, "squeeze_unsqueeze_always_views", "reshape", "to_its_own_shape_copies",
               "to t's own shape returns a copy",
               lambda orig, t, *a: orig(t, *a).clone() if _shape_args(a) == tuple(t.shape) else orig(t, *a))


@mutant(VIEWS, "squeeze_unsqueeze_always_views")
def view_as_copies(mp):
    """t.view_as(other) returns a copy."""
    @wrap(mp, torch.Tensor, "view_as")
    def view_as(orig, self, other):
        return orig(self, other).clone()
