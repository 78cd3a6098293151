"""Planted changes for the reshape group: each must turn its claim's tests in spec/test_reshape.py red."""
from __future__ import annotations

import torch

from tensorspec.harness.mutation import mutant, wrap


def _shape_args(args) -> tuple:
    return tuple(args[0]) if len(args) == 1 and isinstance(args[0], (tuple, list, torch.Size)) else tuple(args)


@mutant("reshape.preserves_elements")
def reshape_column_major(mp):
    """reshape reads and writes the elements in column-major (Fortran) order."""
    @wrap(mp, torch.Tensor, "reshape")
    def reshape(orig, self, *args):
        shape = tuple(orig(self, _shape_args(args)).shape)  # the real one infers -1 and checks sizes
        if self.numel() <= 1 or (self.dim() < 2 and len(shape) < 2):  # one order only
            return orig(self, shape)
        reversed_self = self.permute(*reversed(range(self.dim())))
        out = orig(reversed_self, tuple(reversed(shape)))
        return out.permute(*reversed(range(len(shape))))


@mutant("reshape.squeeze")
def squeeze_only_the_first(mp):
    """squeeze() removes only the first axis of length 1."""
    @wrap(mp, torch.Tensor, "squeeze")
    def squeeze(orig, self, *args, **kwargs):
        if args or kwargs:
            return orig(self, *args, **kwargs)
        ones = [i for i, n in enumerate(self.shape) if n == 1]
        return orig(self, ones[0]) if ones else orig(self)


@mutant("reshape.squeeze")
def squeeze_dim_strict(mp):
    """squeeze(d) of an axis whose length is not 1 raises, as NumPy's does."""
    @wrap(mp, torch.Tensor, "squeeze")
    def squeeze(orig, self, *args, **kwargs):
        named = args[0] if args else kwargs.get("dim")
        for d in (named if isinstance(named, (tuple, list)) else () if named is None else (named,)):
            if self.dim() and self.shape[d] != 1:
                raise ValueError("cannot select an axis to squeeze out which has size not equal to one")
        return orig(self, *args, **kwargs)


@mutant("reshape.unsqueeze")
def unsqueeze_negative_like_list_insert(mp):
    """unsqueeze(-1) inserts before the last axis, as list.insert(-1, x) does (method and function)."""
    def shifted(orig, t, dim):  # list.insert(-1, x) puts x before the last item, not after it
        return orig(t, dim - 1 if -t.dim() - 1 < dim < 0 else dim)
    wrap(mp, torch.Tensor, "unsqueeze")(shifted)
    wrap(mp, torch, "unsqueeze")(shifted)


@mutant("reshape.flatten_forms")
def reshape_1_minus_1_drops_the_leading_axis(mp):
    """reshape(1, -1) gives a 1-D tensor, without the leading axis of 1."""
    @wrap(mp, torch.Tensor, "reshape")
    def reshape(orig, self, *args):
        shape = _shape_args(args)
        return orig(self, (-1,) if shape == (1, -1) else shape)


@mutant("reshape.flatten_start_dim")
def flatten_ignores_start_dim(mp):
    """flatten(start_dim=s) flattens every axis, the batch axes too (method and function)."""
    for owner in (torch.Tensor, torch):
        wrap(mp, owner, "flatten")(lambda orig, t, *args, **kwargs: orig(t))


@mutant("reshape.view_shares")
def view_copies(mp):
    """view() returns a copy."""
    @wrap(mp, torch.Tensor, "view")
    def view(orig, self, *args):
        return orig(self, *args).clone()


@mutant("reshape.view_shares")
def reshape_always_copies(mp):
    """reshape() copies even where a view is possible."""
    @wrap(mp, torch.Tensor, "reshape")
    def reshape(orig, self, *args):
        return orig(self, *args).clone()


@mutant("reshape.view_shares")
def flatten_returns_a_new_object(mp):
    """flatten() of a 1-D tensor returns a new view, not the tensor itself."""
    view = torch.Tensor.view

    @wrap(mp, torch.Tensor, "flatten")
    def flatten(orig, self, *args, **kwargs):
        out = orig(self, *args, **kwargs)
        return view(out, out.shape)


@mutant("reshape.view_shares")
def squeeze_copies(mp):
    """squeeze() returns a copy."""
    @wrap(mp, torch.Tensor, "squeeze")
    def squeeze(orig, self, *args, **kwargs):
        return orig(self, *args, **kwargs).clone()
