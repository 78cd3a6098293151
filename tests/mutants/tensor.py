"""Mutants of the tensor claims: each plants the opposite of a recorded truth."""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from tensorspec.harness.mutation import mutant, wrap


@mutant("tensor.rank")
def scalar_has_rank_one(mp):
    """A 0-d tensor reports dim() == ndim == 1."""
    dim = torch.Tensor.dim
    mp.setattr(torch.Tensor, "dim", lambda self: max(1, dim(self)))
    mp.setattr(torch.Tensor, "ndim", property(lambda self: max(1, dim(self))))


@mutant("tensor.axis_length")
def negative_indices_rejected(mp):
    """select() accepts only the indices 0..n-1."""
    @wrap(mp, torch.Tensor, "select")
    def select(orig, self, dim, index):
        if index < 0:
            raise IndexError(f"select(): index {index} out of range")
        return orig(self, dim, index)


@mutant("tensor.size_is_shape")
def size_is_reversed_shape(mp):
    """t.size() lists the sides in reverse."""
    @wrap(mp, torch.Tensor, "size")
    def size(orig, self, *dim):
        return orig(self, *dim) if dim else torch.Size(reversed(self.shape))


@mutant("tensor.numel")
def numel_skips_empty_axes(mp):
    """numel() multiplies only the non-zero sides."""
    mp.setattr(torch.Tensor, "numel", lambda self: math.prod(s for s in self.shape if s))


@mutant("tensor.nchw")
def channels_last_is_nhwc_shaped(mp):
    """channels_last permutes the shape to NHWC."""
    @wrap(mp, torch.Tensor, "to")
    def to(orig, self, *args, **kwargs):
        out = orig(self, *args, **kwargs)
        return out.permute(0, 2, 3, 1).contiguous() if kwargs.get("memory_format") is torch.channels_last else out


@mutant("tensor.nchw")
def conv_accepts_nhwc(mp):
    """conv2d silently accepts an NHWC-shaped batch."""
    @wrap(mp, F, "conv2d")
    def conv2d(orig, x, weight, *args, **kwargs):
        channels = weight.shape[1]
        if x.dim() == 4 and x.shape[1] != channels and x.shape[3] == channels:
            x = x.permute(0, 3, 1, 2)  # guess that the batch was NHWC
        return orig(x, weight, *args, **kwargs)


@mutant("tensor.generalizes")
def scalar_becomes_vector(mp):
    """torch.tensor(3.0) is a 1-element vector."""
    @wrap(mp, torch, "tensor")
    def tensor(orig, data, *a, **k):
        return orig([data] if isinstance(data, (bool, int, float)) else data, *a, **k)
