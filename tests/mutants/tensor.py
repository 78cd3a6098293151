"""Mutants of the tensor claims: each plants the opposite of one statement of a recorded truth."""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from tensorspec.harness.mutation import mutant, wrap


@mutant("tensor.rank", "three_spellings")
def dim_of_a_scalar_is_one(mp):
    """t.dim() of a 0-d tensor is 1 (t.ndim unchanged)."""
    @wrap(mp, torch.Tensor, "dim")
    def dim(orig, self):
        return max(1, orig(self))


@mutant("tensor.rank", "three_spellings")
def ndim_of_a_scalar_is_one(mp):
    """t.ndim of a 0-d tensor is 1 (t.dim() unchanged)."""
    dim = torch.Tensor.dim
    mp.setattr(torch.Tensor, "ndim", property(lambda self: max(1, dim(self))))


@mutant("tensor.rank", "three_spellings")
def shape_of_a_scalar_has_one_side(mp):
    """t.shape of a 0-d tensor is torch.Size([1]) (t.dim() and t.ndim unchanged)."""
    size = torch.Tensor.size
    mp.setattr(torch.Tensor, "shape", property(lambda self: torch.Size([1]) if self.dim() == 0 else size(self)))


@mutant("tensor.rank", "rank_indices_name_an_element")
def full_index_gives_a_vector(mp):
    """rank integer indices give a 1-element vector instead of a 0-d tensor."""
    @wrap(mp, torch.Tensor, "__getitem__")
    def getitem(orig, self, index):
        out = orig(self, index)
        if isinstance(index, tuple) and self.dim() and len(index) == self.dim() and all(isinstance(i, int) for i in index):
            return out.reshape(1)
        return out


@mutant("tensor.rank", "one_more_index_raises")
def extra_index_is_ignored(mp):
    """rank + 1 indices on a tensor of rank >= 1: the extra trailing index is dropped."""
    @wrap(mp, torch.Tensor, "__getitem__")
    def getitem(orig, self, index):
        if isinstance(index, tuple) and self.dim() and len(index) == self.dim() + 1:
            index = index[:-1]
        return orig(self, index)


@mutant("tensor.rank", "zero_d_single_index")
def zero_d_index_says_too_many(mp):
    """t[0] on a 0-d tensor says "too many indices for tensor of dimension 0", like t[0, 0]."""
    @wrap(mp, torch.Tensor, "__getitem__")
    def getitem(orig, self, index):
        if self.dim() == 0 and isinstance(index, int):
            raise IndexError("too many indices for tensor of dimension 0")
        return orig(self, index)


@mutant("tensor.axis_length", "valid_indices")
def select_rejects_negative_indices(mp):
    """select() accepts only the indices 0..n-1."""
    @wrap(mp, torch.Tensor, "select")
    def select(orig, self, dim, index):
        if index < 0:
            raise IndexError(f"select(): index {index} out of range")
        return orig(self, dim, index)


@mutant("tensor.axis_length", "valid_indices")
def getitem_rejects_negative_indices(mp):
    """t[..., i] accepts only the indices 0..n-1."""
    @wrap(mp, torch.Tensor, "__getitem__")
    def getitem(orig, self, index):
        if isinstance(index, tuple) and index and isinstance(index[-1], int) and index[-1] < 0:
            raise IndexError(f"index {index[-1]} is out of bounds")
        return orig(self, index)


@mutant("tensor.axis_length", "out_of_range_messages")
def getitem_wraps_out_of_range(mp):
    """t[..., i] with i out of range wraps i modulo n instead of raising."""
    @wrap(mp, torch.Tensor, "__getitem__")
    def getitem(orig, self, index):
        if isinstance(index, tuple) and index and isinstance(index[-1], int):
            n = self.shape[len(index) - 1]
            if n and not -n <= index[-1] < n:
                index = index[:-1] + (index[-1] % n,)
        return orig(self, index)


@mutant("tensor.axis_length", "out_of_range_messages")
def select_says_dimension_out_of_range(mp):
    """select() with an out-of-range index raises with the dim-out-of-range wording."""
    @wrap(mp, torch.Tensor, "select")
    def select(orig, self, dim, index):
        n = self.shape[dim]
        if not -n <= index < n:
            raise IndexError(f"Dimension out of range (got {index})")
        return orig(self, dim, index)


@mutant("tensor.axis_length", "zero_length_axis")
def zero_length_select_gives_empty(mp):
    """select() along a zero-length axis gives an empty tensor instead of raising."""
    @wrap(mp, torch.Tensor, "select")
    def select(orig, self, dim, index):
        if self.shape[dim] == 0:
            return self.narrow(dim, 0, 0).squeeze(dim)
        return orig(self, dim, index)


@mutant("tensor.size_is_shape", "size_equals_shape")
def size_is_reversed_shape(mp):
    """t.size() lists the sides in reverse."""
    @wrap(mp, torch.Tensor, "size")
    def size(orig, self, *dim):
        return orig(self, *dim) if dim else torch.Size(reversed(self.shape))


@mutant("tensor.size_is_shape", "size_equals_shape")
def size_is_a_plain_tuple(mp):
    """t.size() returns a plain tuple, not a torch.Size."""
    @wrap(mp, torch.Tensor, "size")
    def size(orig, self, *dim):
        return orig(self, *dim) if dim else tuple(orig(self))


@mutant("tensor.size_is_shape", "size_of_a_dim")
def size_of_a_negative_dim_counts_from_the_front(mp):
    """t.size(-d) is t.size(d - 1): negative dims count from the front."""
    @wrap(mp, torch.Tensor, "size")
    def size(orig, self, *dim):
        if dim and isinstance(dim[0], int) and dim[0] < 0 and self.dim():
            return orig(self, (-dim[0] - 1) % self.dim())
        return orig(self, *dim)


@mutant("tensor.size_is_shape", "bad_dim")
def size_of_a_bad_dim_wraps(mp):
    """t.size(d) for d out of range wraps d modulo the rank instead of raising."""
    @wrap(mp, torch.Tensor, "size")
    def size(orig, self, *dim):
        if dim and self.dim() and not -self.dim() <= dim[0] < self.dim():
            return orig(self, dim[0] % self.dim())
        return orig(self, *dim)


@mutant("tensor.size_is_shape", "zero_d_has_no_dims")
def size_of_a_0d_dim_is_one(mp):
    """t.size(d) of a 0-d tensor is 1 (as if it had one axis of length 1)."""
    @wrap(mp, torch.Tensor, "size")
    def size(orig, self, *dim):
        if dim and self.dim() == 0:
            return 1
        return orig(self, *dim)


@mutant("tensor.numel", "numel_is_the_product")
def numel_skips_empty_axes(mp):
    """numel() multiplies only the non-zero sides."""
    mp.setattr(torch.Tensor, "numel", lambda self: math.prod(s for s in self.shape if s))


@mutant("tensor.numel", "notes_prod")
def empty_shape_tensor_is_int64(mp):
    """torch.tensor(torch.Size([])) is an int64 tensor (its product int64 1)."""
    @wrap(mp, torch, "tensor")
    def tensor(orig, data, *a, **k):
        if isinstance(data, torch.Size) and len(data) == 0:
            return orig(data, *a, **{"dtype": torch.int64, **k})
        return orig(data, *a, **k)


@mutant("tensor.nchw", "reads_nchw")
def conv2d_flips_the_kernel(mp):
    """conv2d computes a true convolution (the kernel flipped), not a cross-correlation."""
    @wrap(mp, F, "conv2d")
    def conv2d(orig, x, weight, *args, **kwargs):
        return orig(x, weight.flip(-1, -2), *args, **kwargs)


@mutant("tensor.nchw", "unbatched_image")
def conv2d_refuses_unbatched_images(mp):
    """conv2d refuses a 3-D (C, H, W) input."""
    @wrap(mp, F, "conv2d")
    def conv2d(orig, x, *args, **kwargs):
        if x.dim() == 3:
            raise RuntimeError("Expected 4D (batched) input to conv2d")
        return orig(x, *args, **kwargs)


@mutant("tensor.nchw", "channels_last_keeps_shape")
def channels_last_is_nhwc_shaped(mp):
    """channels_last permutes the shape to NHWC."""
    @wrap(mp, torch.Tensor, "to")
    def to(orig, self, *args, **kwargs):
        out = orig(self, *args, **kwargs)
        return out.permute(0, 2, 3, 1).contiguous() if kwargs.get("memory_format") is torch.channels_last else out


@mutant("tensor.nchw", "channels_last_same_output")
def conv2d_of_channels_last_is_off(mp):
    """conv2d of a channels_last (not contiguous) input is off by 1e-3."""
    @wrap(mp, F, "conv2d")
    def conv2d(orig, x, *args, **kwargs):
        out = orig(x, *args, **kwargs)
        if x.dim() == 4 and not x.is_contiguous() and x.is_contiguous(memory_format=torch.channels_last):
            out = out + 1e-3
        return out


@mutant("tensor.nchw", "nhwc_refused")
def conv_accepts_nhwc(mp):
    """conv2d silently accepts an NHWC-shaped batch."""
    @wrap(mp, F, "conv2d")
    def conv2d(orig, x, weight, *args, **kwargs):
        channels = weight.shape[1]
        if x.dim() == 4 and x.shape[1] != channels and x.shape[3] == channels:
            x = x.permute(0, 3, 1, 2)  # guess that the batch was NHWC
        return orig(x, weight, *args, **kwargs)


@mutant("tensor.nchw", "nhwc_with_h_equal_c_runs")
def conv_refuses_a_permuted_batch(mp):
    """Conv2d notices an NHWC batch (a permuted view, neither contiguous nor channels_last) even when H == C."""
    @wrap(mp, torch.nn.Conv2d, "_conv_forward")
    def conv_forward(orig, self, x, weight, bias):
        permuted = not x.is_contiguous() and not x.is_contiguous(memory_format=torch.channels_last)
        if permuted and x.shape[1] == weight.shape[1]:  # the case torch lets through
            raise RuntimeError(f"expected input{list(x.shape)} to be NCHW, but got a permuted NHWC batch")
        return orig(self, x, weight, bias)


@mutant("tensor.generalizes", "number_rank_0")
def scalar_becomes_vector(mp):
    """torch.tensor(3.0) is a 1-element vector."""
    @wrap(mp, torch, "tensor")
    def tensor(orig, data, *a, **k):
        return orig([data] if isinstance(data, (bool, int, float)) else data, *a, **k)


@mutant("tensor.generalizes", "nested_list_rank_n")
def nested_lists_are_flattened(mp):
    """torch.tensor of a nested list flattens it to a vector."""
    @wrap(mp, torch, "tensor")
    def tensor(orig, data, *a, **k):
        out = orig(data, *a, **k)
        return out.reshape(-1) if isinstance(data, list) and out.dim() > 1 else out


@mutant("tensor.generalizes", "ndarray_rank_n")
def ndarrays_are_flattened(mp):
    """torch.tensor of an n-d ndarray (n >= 2) flattens it to a vector."""
    import numpy as np

    @wrap(mp, torch, "tensor")
    def tensor(orig, data, *a, **k):
        out = orig(data, *a, **k)
        return out.reshape(-1) if isinstance(data, np.ndarray) and out.dim() > 1 else out
