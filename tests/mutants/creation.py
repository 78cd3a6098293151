"""Mutants of the creation claims: each plants the opposite of a recorded truth.

(`creation.as_tensor_gpu_copies` has no mutant here: its test runs only where CUDA is available, so
a mutant could never be killed on a CPU machine.)
"""
from __future__ import annotations

import numpy as np
import torch

from tensorspec.harness.mutation import mutant, wrap


def _wrap_as_tensor(mp, kind: type, change):
    """torch.as_tensor with ``change(orig, data, *a, **k)`` for data of ``kind``, the real one otherwise."""
    @wrap(mp, torch, "as_tensor")
    def as_tensor(orig, d, *a, **k):
        return change(orig, d, *a, **k) if isinstance(d, kind) else orig(d, *a, **k)


def _wrap_tensor_new(mp, change):
    """torch.Tensor(...) (its ``__new__``) with its result passed through ``change(orig, cls, *a, **k)``."""
    orig = torch._C.TensorBase.__new__
    mp.setattr(torch.Tensor, "__new__", staticmethod(lambda cls, *a, **k: change(orig, cls, *a, **k)))


@mutant("creation.from_numpy_shares")
def from_numpy_copies(mp):
    """torch.from_numpy returns a copy."""
    @wrap(mp, torch, "from_numpy")
    def from_numpy(orig, a):
        return orig(a).clone()


@mutant("creation.as_tensor_shares")
def as_tensor_copies_arrays(mp):
    """as_tensor copies ndarrays."""
    _wrap_as_tensor(mp, np.ndarray, lambda orig, d, *a, **k: orig(d, *a, **k).clone())


@mutant("creation.as_tensor_shares")
def as_tensor_ignores_dtype(mp):
    """as_tensor ignores its dtype=."""
    @wrap(mp, torch, "as_tensor")
    def as_tensor(orig, d, dtype=None, device=None):
        return orig(d, device=device)


@mutant("creation.as_tensor_accepts")
def as_tensor_copies_tensors(mp):
    """as_tensor(t) is a copy, not t."""
    _wrap_as_tensor(mp, torch.Tensor, lambda orig, d, *a, **k: orig(d, *a, **k).clone())


@mutant("creation.as_tensor_saves_memory")
def as_tensor_allocates(mp):
    """as_tensor copies an ndarray into a new buffer."""
    _wrap_as_tensor(mp, np.ndarray, lambda orig, d, *a, **k: orig(np.array(d, copy=True), *a, **k))


@mutant("creation.as_tensor_list_copies")
def as_tensor_caches_lists(mp):
    """as_tensor(list) reuses one buffer for equal lists."""
    cache: dict[str, torch.Tensor] = {}
    _wrap_as_tensor(mp, list, lambda orig, d, *a, **k: cache.setdefault(repr(d), orig(d, *a, **k)))


@mutant("creation.tensor_copies")
def tensor_shares(mp):
    """torch.tensor shares ndarrays."""
    as_tensor = torch.as_tensor

    @wrap(mp, torch, "tensor")
    def tensor(orig, d, *a, **k):
        return as_tensor(d, *a, **k) if isinstance(d, np.ndarray) else orig(d, *a, **k)


@mutant("creation.tensor_infers_dtype")
def tensor_ints_are_int32(mp):
    """Python ints become int32."""
    @wrap(mp, torch, "tensor")
    def tensor(orig, d, *a, **k):
        t = orig(d, *a, **k)
        return t.to(torch.int32) if t.dtype == torch.int64 and "dtype" not in k else t


@mutant("creation.Tensor_copies")
def Tensor_always_copies(mp):
    """torch.Tensor never shares."""
    _wrap_tensor_new(mp, lambda orig, cls, *a, **k: orig(cls, *a, **k).clone())


@mutant("creation.Tensor_no_dtype")
def Tensor_accepts_dtype(mp):
    """torch.Tensor takes dtype=."""
    def new(orig, cls, *a, dtype=None, **k):
        t = orig(cls, *a, **k)
        return t if dtype is None else t.to(dtype)
    _wrap_tensor_new(mp, new)


@mutant("creation.Tensor_default_dtype")
def Tensor_always_float32(mp):
    """torch.Tensor ignores the default dtype (always float32)."""
    _wrap_tensor_new(mp, lambda orig, cls, *a, **k: orig(cls, *a, **k).float())


@mutant("creation.factories")
def rand_reaches_two(mp):
    """rand draws from [0, 2)."""
    @wrap(mp, torch, "rand")
    def rand(orig, *a, **k):
        return orig(*a, **k) * 2


@mutant("creation.like")
def ones_like_ignores_dtype(mp):
    """ones_like drops its dtype=."""
    @wrap(mp, torch, "ones_like")
    def ones_like(orig, x, *a, dtype=None, **k):
        return orig(x, *a, **k)


@mutant("creation.as_tensor_round_trips")
def numpy_copies(mp):
    """Tensor.numpy() copies."""
    @wrap(mp, torch.Tensor, "numpy")
    def numpy(orig, self, *a, **k):
        return orig(self, *a, **k).copy()


@mutant("creation.from_numpy_only_ndarray")
def from_numpy_accepts_lists(mp):
    """from_numpy converts lists."""
    @wrap(mp, torch, "from_numpy")
    def from_numpy(orig, a):
        return orig(np.asarray(a))


@mutant("creation.legacy_types")
def FloatTensor_is_double(mp):
    """FloatTensor makes float64."""
    mp.setattr(torch, "FloatTensor", torch.DoubleTensor)
