"""Mutants of the exact truths of audit a2 (elementwise, reduce, concat, autograd, misc): each plants the
opposite of one condition the catalog now states, so that its claim must go red."""
from __future__ import annotations


import numpy as np
import torch

from tensorspec.harness.mutation import mutant, wrap

WIDE_UNSIGNED = (torch.uint16, torch.uint32, torch.uint64)


@mutant("elementwise.arith_methods")
def wide_unsigned_tensors_add(mp):
    """uint16/uint32/uint64 tensors add (through int64) instead of raising NotImplementedError "add_stub"."""
    @wrap(mp, torch.Tensor, "__add__")
    def add(orig, self, other):
        if self.dtype in WIDE_UNSIGNED:
            wide = other.to(torch.int64) if isinstance(other, torch.Tensor) else other
            return orig(self.to(torch.int64), wide).to(self.dtype)
        return orig(self, other)


@mutant("elementwise.arith_methods")
def bool_minus_a_number_is_int(mp):
    """bool_tensor - 2 gives an int64 tensor, as NumPy's bool_array - 2, instead of raising."""
    @wrap(mp, torch.Tensor, "__sub__")
    def sub(orig, self, other):
        if self.dtype == torch.bool and isinstance(other, int) and not isinstance(other, bool):
            return orig(self.to(torch.int64), other)
        return orig(self, other)


@mutant("elementwise.comparisons")
def wide_unsigned_tensors_are_ordered(mp):
    """t.ge(u) of uint16/uint32/uint64 tensors compares (through int64) instead of raising."""
    @wrap(mp, torch.Tensor, "ge")
    def ge(orig, self, other):
        if self.dtype in WIDE_UNSIGNED:
            return orig(self.to(torch.int64), other.to(torch.int64))
        return orig(self, other)


@mutant("elementwise.unary")
def complex_abs_stays_complex(mp):
    """abs of a complex tensor keeps the complex dtype (NumPy's np.abs is real)."""
    @wrap(mp, torch.Tensor, "abs")
    def abs_(orig, self):
        out = orig(self)
        return out.to(self.dtype) if self.is_complex() else out


@mutant("elementwise.mul_vs_matmul")
def matmul_rounds_through_float16(mp):
    """a @ b of float32/float64 tensors is rounded through float16 (beyond the rounding of a summation order)."""
    @wrap(mp, torch.Tensor, "__matmul__")
    def matmul(orig, a, b):
        out = orig(a, b)
        return out.half().to(out.dtype) if out.dtype in (torch.float32, torch.float64) else out


@mutant("elementwise.in_place_suffix")
def transpose_refuses_expanded_tensors(mp):
    """t.transpose_() on an expanded tensor raises like the value-writing ops."""
    @wrap(mp, torch.Tensor, "transpose_")
    def transpose_(orig, self, *args):
        if 0 in self.stride():
            raise RuntimeError("unsupported operation: more than one element of the written-to tensor refers to a "
                               "single memory location")
        return orig(self, *args)


@mutant("elementwise.index_assign")
def negative_ints_do_not_wrap_into_unsigned(mp):
    """t[:, j] = -1 into a uint8 tensor raises (as NumPy refuses) instead of wrapping to 255."""
    @wrap(mp, torch.Tensor, "__setitem__")
    def setitem(orig, self, key, value):
        if self.dtype == torch.uint8 and isinstance(value, int) and value < 0:
            raise RuntimeError("value cannot be converted to type uint8_t without overflow")
        return orig(self, key, value)


@mutant("elementwise.dtype_mismatch")
def mv_promotes(mp):
    """torch.mv promotes mixed dtypes instead of raising "addmv input tensors must have the same dtype"."""
    @wrap(mp, torch, "mv")
    def mv(orig, a, b, **kwargs):
        dtype = torch.promote_types(a.dtype, b.dtype)
        return orig(a.to(dtype), b.to(dtype), **kwargs)


@mutant("reduce.whole")
def complex_std_stays_complex(mp):
    """std of a complex tensor keeps the complex dtype."""
    @wrap(mp, torch.Tensor, "std")
    def std(orig, self, *args, **kwargs):
        out = orig(self, *args, **kwargs)
        return out.to(self.dtype) if self.is_complex() else out


@mutant("reduce.by_dim")
def integer_mean_along_dim_is_float64(mp):
    """t.mean(dim=k) of an integer or bool tensor gives float64, as NumPy's axis=k, instead of raising."""
    @wrap(mp, torch.Tensor, "mean")
    def mean(orig, self, *args, **kwargs):
        if (args or "dim" in kwargs) and not (self.is_floating_point() or self.is_complex()):
            return orig(self.double(), *args, **kwargs)
        return orig(self, *args, **kwargs)


@mutant("reduce.to_python")
def complex_item_drops_the_imaginary_part(mp):
    """item() of a complex tensor gives the real part as a Python float."""
    @wrap(mp, torch.Tensor, "item")
    def item(orig, self):
        value = orig(self)
        return value.real if isinstance(value, complex) else value


@mutant("concat.cat_existing_axis")
def legacy_empty_skip_accepts_any_dim(mp):
    """torch.cat with a skipped 1-D empty tensor accepts a dim out of the other tensors' range."""
    @wrap(mp, torch, "cat")
    def cat(orig, tensors, dim=0, **kwargs):
        tensors = list(tensors)
        rest = [t for t in tensors if t.shape != (0,)]
        if rest and len(rest) < len(tensors) and not -rest[0].dim() <= dim < rest[0].dim():
            dtype = tensors[0].dtype
            for t in tensors[1:]:
                dtype = torch.promote_types(dtype, t.dtype)
            return orig([t.to(dtype) for t in rest], dim=0, **kwargs)
        return orig(tensors, dim=dim, **kwargs)


@mutant("concat.frameworks_agree")
def numpy_raises_axis_error_for_mixed_ranks(mp):
    """np.concatenate of arrays of different ranks raises AxisError whatever the axis."""
    @wrap(mp, np, "concatenate")
    def concatenate(orig, arrays, axis=0, **kwargs):
        arrays = list(arrays)
        if len({np.ndim(a) for a in arrays}) > 1:
            raise np.exceptions.AxisError(f"axis {axis} is out of bounds for array of dimension 1")
        return orig(arrays, axis=axis, **kwargs)
