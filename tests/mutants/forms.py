"""Planted changes in ONE spelling of an operation: the operator (``Tensor.__add__``, ``__iadd__``,
``__rsub__``...), the method (``Tensor.add``, ``Tensor.sum``, ``Tensor.view``...) or the function
(``torch.sum``, ``torch.reshape``...), the other spellings left as they are.  Each must turn its
claim red, which shows that the spec checks that spelling on its own.

Reductions and shape changes have no operator spelling in torch: their mutants are methods and
functions.
"""
from __future__ import annotations

import torch

from tensorspec.harness.mutation import mutant, wrap


def _reversed_axes(t: torch.Tensor) -> torch.Tensor:
    return t.permute(*reversed(range(t.dim())))


def _column_major(orig, t: torch.Tensor, shape) -> torch.Tensor:
    """``t`` laid into ``shape`` in column-major (Fortran) order; ``orig`` is the real reshape/view."""
    shape = tuple(orig(t, shape).shape)  # the real one infers -1 and checks the size
    if t.numel() <= 1 or (t.dim() < 2 and len(shape) < 2):  # one order only
        return orig(t, shape)
    return _reversed_axes(_reversed_axes(t).reshape(tuple(reversed(shape))))


# ---- elementwise ---------------------------------------------------------------------------------

# ---- broadcasting --------------------------------------------------------------------------------

# ---- reduce --------------------------------------------------------------------------------------

# ---- reshape -------------------------------------------------------------------------------------

@mutant("reshape.preserves_elements")
def reshape_function_column_major(mp):
    """torch.reshape(t, shape) fills the shape in column-major order (t.reshape untouched)."""
    @wrap(mp, torch, "reshape")
    def reshape(orig, t, shape):
        return _column_major(orig, t, shape)


@mutant("reshape.flatten_forms")
def view_method_column_major(mp):
    """t.view(shape) lays the elements out in column-major order (t.reshape untouched)."""
    @wrap(mp, torch.Tensor, "view")
    def view(orig, self, *args):
        if len(args) == 1 and isinstance(args[0], torch.dtype):
            return orig(self, *args)
        shape = args[0] if len(args) == 1 and not isinstance(args[0], int) else args
        return _column_major(orig, self, tuple(shape))


@mutant("reshape.squeeze")
def squeeze_function_ignores_dim(mp):
    """torch.squeeze(t, d) drops every length-1 axis, not only d (t.squeeze(d) untouched)."""
    @wrap(mp, torch, "squeeze")
    def squeeze(orig, t, *args, **kwargs):
        return orig(t)


@mutant("reshape.squeeze")
def squeeze_method_drops_the_first_named_axis_only(mp):
    """t.squeeze((d1, d2, ...)) drops only d1 (torch.squeeze untouched)."""
    @wrap(mp, torch.Tensor, "squeeze")
    def squeeze(orig, self, *args, **kwargs):
        dims = kwargs.get("dim", args[0] if args else None)
        if isinstance(dims, (tuple, list)) and len(dims) > 1:
            return orig(self, dims[0])
        return orig(self, *args, **kwargs)


#: the list the current runner (tests/test_mutations.py) reads; the registry is the source
