"""Mutants of the tensor claims: each plants the opposite of a recorded truth."""
from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F

from tensorspec.harness.mutation import Mutant

T = "spec/test_tensor.py"
_dim, _select, _size, _to, _conv2d, _tensor = (torch.Tensor.dim, torch.Tensor.select, torch.Tensor.size,
                                               torch.Tensor.to, F.conv2d, torch.tensor)


def scalar_has_rank_one(mp: pytest.MonkeyPatch):
    mp.setattr(torch.Tensor, "dim", lambda self: max(1, _dim(self)))
    mp.setattr(torch.Tensor, "ndim", property(lambda self: max(1, _dim(self))))


def negative_indices_rejected(mp: pytest.MonkeyPatch):
    def select(self, dim, index):
        if index < 0:
            raise IndexError(f"select(): index {index} out of range")
        return _select(self, dim, index)
    mp.setattr(torch.Tensor, "select", select)


def size_is_reversed_shape(mp: pytest.MonkeyPatch):
    mp.setattr(torch.Tensor, "size", lambda self, *dim: _size(self, *dim) if dim else torch.Size(reversed(self.shape)))


def numel_skips_empty_axes(mp: pytest.MonkeyPatch):
    mp.setattr(torch.Tensor, "numel", lambda self: math.prod(s for s in self.shape if s))


def channels_last_is_nhwc_shaped(mp: pytest.MonkeyPatch):
    def to(self, *args, **kwargs):
        out = _to(self, *args, **kwargs)
        return out.permute(0, 2, 3, 1).contiguous() if kwargs.get("memory_format") is torch.channels_last else out
    mp.setattr(torch.Tensor, "to", to)


def conv_accepts_nhwc(mp: pytest.MonkeyPatch):
    def conv2d(x, weight, *args, **kwargs):
        channels = weight.shape[1]
        if x.dim() == 4 and x.shape[1] != channels and x.shape[3] == channels:
            x = x.permute(0, 3, 1, 2)  # guess that the batch was NHWC
        return _conv2d(x, weight, *args, **kwargs)
    mp.setattr(F, "conv2d", conv2d)


def scalar_becomes_vector(mp: pytest.MonkeyPatch):
    mp.setattr(torch, "tensor", lambda data, *a, **k: _tensor([data] if isinstance(data, (bool, int, float)) else data,
                                                              *a, **k))


MUTANTS = [
    Mutant("scalar_has_rank_one", "tensor.rank", T, "a 0-d tensor reports dim() == ndim == 1"),
    Mutant("negative_indices_rejected", "tensor.axis_length", T, "select() accepts only 0..n-1"),
    Mutant("size_is_reversed_shape", "tensor.size_is_shape", T, "t.size() lists the sides in reverse"),
    Mutant("numel_skips_empty_axes", "tensor.numel", T, "numel() multiplies only the non-zero sides"),
    Mutant("channels_last_is_nhwc_shaped", "tensor.nchw", T, "channels_last permutes the shape to NHWC"),
    Mutant("conv_accepts_nhwc", "tensor.nchw", T, "conv2d silently accepts an NHWC-shaped batch"),
    Mutant("scalar_becomes_vector", "tensor.generalizes", T, "torch.tensor(3.0) is a 1-element vector"),
]
