"""Mutants of the creation claims: each plants the opposite of a recorded truth.

(`creation.as_tensor_gpu_copies` has no mutant here: its test runs only where CUDA is available, so
a mutant could never be killed on a CPU machine.)
"""
from __future__ import annotations

import numpy as np
import pytest
import torch

from tensorspec.harness.mutation import Mutant

T = "spec/test_creation.py"
_from_numpy, _as_tensor, _tensor = torch.from_numpy, torch.as_tensor, torch.tensor
_ones_like, _rand, _numpy = torch.ones_like, torch.rand, torch.Tensor.numpy
_tensor_new = torch._C.TensorBase.__new__


def from_numpy_copies(mp: pytest.MonkeyPatch):
    mp.setattr(torch, "from_numpy", lambda a: _from_numpy(a).clone())


def as_tensor_copies_arrays(mp: pytest.MonkeyPatch):
    mp.setattr(torch, "as_tensor", lambda d, *a, **k: _as_tensor(d, *a, **k).clone()
               if isinstance(d, np.ndarray) else _as_tensor(d, *a, **k))


def as_tensor_ignores_dtype(mp: pytest.MonkeyPatch):
    mp.setattr(torch, "as_tensor", lambda d, dtype=None, device=None: _as_tensor(d, device=device))


def as_tensor_copies_tensors(mp: pytest.MonkeyPatch):
    mp.setattr(torch, "as_tensor", lambda d, *a, **k: _as_tensor(d, *a, **k).clone()
               if isinstance(d, torch.Tensor) else _as_tensor(d, *a, **k))


def as_tensor_allocates(mp: pytest.MonkeyPatch):
    mp.setattr(torch, "as_tensor", lambda d, *a, **k: _as_tensor(np.array(d, copy=True), *a, **k)
               if isinstance(d, np.ndarray) else _as_tensor(d, *a, **k))


def as_tensor_caches_lists(mp: pytest.MonkeyPatch):
    cache: dict[str, torch.Tensor] = {}
    mp.setattr(torch, "as_tensor", lambda d, *a, **k: cache.setdefault(repr(d), _as_tensor(d, *a, **k))
               if isinstance(d, list) else _as_tensor(d, *a, **k))


def tensor_shares(mp: pytest.MonkeyPatch):
    mp.setattr(torch, "tensor", lambda d, *a, **k: _as_tensor(d, *a, **k)
               if isinstance(d, np.ndarray) else _tensor(d, *a, **k))


def tensor_ints_are_int32(mp: pytest.MonkeyPatch):
    def tensor(d, *a, **k):
        t = _tensor(d, *a, **k)
        return t.to(torch.int32) if t.dtype == torch.int64 and "dtype" not in k else t
    mp.setattr(torch, "tensor", tensor)


def Tensor_always_copies(mp: pytest.MonkeyPatch):
    mp.setattr(torch.Tensor, "__new__", staticmethod(lambda cls, *a, **k: _tensor_new(cls, *a, **k).clone()))


def Tensor_accepts_dtype(mp: pytest.MonkeyPatch):
    def new(cls, *a, dtype=None, **k):
        t = _tensor_new(cls, *a, **k)
        return t if dtype is None else t.to(dtype)
    mp.setattr(torch.Tensor, "__new__", staticmethod(new))


def Tensor_always_float32(mp: pytest.MonkeyPatch):
    mp.setattr(torch.Tensor, "__new__", staticmethod(lambda cls, *a, **k: _tensor_new(cls, *a, **k).float()))


def rand_reaches_two(mp: pytest.MonkeyPatch):
    mp.setattr(torch, "rand", lambda *a, **k: _rand(*a, **k) * 2)


def ones_like_ignores_dtype(mp: pytest.MonkeyPatch):
    mp.setattr(torch, "ones_like", lambda x, *a, dtype=None, **k: _ones_like(x, *a, **k))


def numpy_copies(mp: pytest.MonkeyPatch):
    mp.setattr(torch.Tensor, "numpy", lambda self, *a, **k: _numpy(self, *a, **k).copy())


def from_numpy_accepts_lists(mp: pytest.MonkeyPatch):
    mp.setattr(torch, "from_numpy", lambda a: _from_numpy(np.asarray(a)))


def FloatTensor_is_double(mp: pytest.MonkeyPatch):
    mp.setattr(torch, "FloatTensor", torch.DoubleTensor)


MUTANTS = [
    Mutant("from_numpy_copies", "creation.from_numpy_shares", T, "torch.from_numpy returns a copy"),
    Mutant("as_tensor_copies_arrays", "creation.as_tensor_shares", T, "as_tensor copies ndarrays"),
    Mutant("as_tensor_ignores_dtype", "creation.as_tensor_shares", T, "as_tensor ignores its dtype="),
    Mutant("as_tensor_copies_tensors", "creation.as_tensor_accepts", T, "as_tensor(t) is a copy, not t"),
    Mutant("as_tensor_allocates", "creation.as_tensor_saves_memory", T, "as_tensor copies into a new buffer"),
    Mutant("as_tensor_caches_lists", "creation.as_tensor_list_copies", T, "as_tensor(list) reuses one buffer"),
    Mutant("tensor_shares", "creation.tensor_copies", T, "torch.tensor shares ndarrays"),
    Mutant("tensor_ints_are_int32", "creation.tensor_infers_dtype", T, "Python ints become int32"),
    Mutant("Tensor_always_copies", "creation.Tensor_copies", T, "torch.Tensor never shares"),
    Mutant("Tensor_accepts_dtype", "creation.Tensor_no_dtype", T, "torch.Tensor takes dtype="),
    Mutant("Tensor_always_float32", "creation.Tensor_default_dtype", T, "torch.Tensor ignores the default dtype"),
    Mutant("rand_reaches_two", "creation.factories", T, "rand draws from [0, 2)"),
    Mutant("ones_like_ignores_dtype", "creation.like", T, "ones_like drops its dtype="),
    Mutant("numpy_copies", "creation.as_tensor_round_trips", T, "Tensor.numpy() copies"),
    Mutant("from_numpy_accepts_lists", "creation.from_numpy_only_ndarray", T, "from_numpy converts lists"),
    Mutant("FloatTensor_is_double", "creation.legacy_types", T, "FloatTensor makes float64"),
]
