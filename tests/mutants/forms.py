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

_NARROW_INTS = (torch.uint8, torch.int8, torch.int16, torch.int32)


def _aligned_left(a, b):
    """Two tensors of different ranks, the shorter padded with trailing 1s (shapes lined up on the
    left) where the shapes broadcast both ways; otherwise as they are (the clashes and their errors
    unchanged)."""
    if torch.is_tensor(a) and torch.is_tensor(b) and a.dim() != b.dim():
        n = max(a.dim(), b.dim())
        padded = tuple(x.reshape(tuple(x.shape) + (1,) * (n - x.dim())) for x in (a, b))
        try:
            torch.broadcast_shapes(a.shape, b.shape)
            torch.broadcast_shapes(*(x.shape for x in padded))
        except RuntimeError:
            return a, b
        return padded
    return a, b


def _from_the_end(dim, ndim: int):
    """An in-range int dim k counted from the other end (n-1-k); anything else as it is."""
    if isinstance(dim, int) and ndim > 1 and -ndim <= dim < ndim:
        return ndim - 1 - dim % ndim
    return dim


def _reversed_axes(t: torch.Tensor) -> torch.Tensor:
    return t.permute(*reversed(range(t.dim())))


# ---- elementwise ---------------------------------------------------------------------------------

@mutant("elementwise.arith_methods")
def rsub_operator_forgets_to_reflect(mp):
    """`y - x` with a Python scalar y on the left computes x - y (Tensor.__rsub__ only; x.sub, torch.sub
    and x - y untouched)."""
    @wrap(mp, torch.Tensor, "__rsub__")
    def rsub(orig, self, other):
        return torch.Tensor.sub(self, other)


@mutant("elementwise.arith_methods")
def radd_operator_computes_in_float64(mp):
    """`y + x` with a Python scalar y on the left computes in float64 and returns float64 (Tensor.__radd__
    only)."""
    @wrap(mp, torch.Tensor, "__radd__")
    def radd(orig, self, other):
        return orig(self.to(torch.float64), other)


@mutant("elementwise.comparisons")
def gt_function_is_ge(mp):
    """torch.gt(x, y) answers x >= y (x > y and x.gt(y) untouched)."""
    @wrap(mp, torch, "gt")
    def gt(orig, a, b, **kwargs):
        return torch.ge(a, b, **kwargs)


@mutant("elementwise.mul_vs_matmul")
def mul_function_is_matmul_on_square_matrices(mp):
    """torch.mul(a, b) of two square matrices is the matrix product (a * b and a.mul(b) untouched)."""
    @wrap(mp, torch, "mul")
    def mul(orig, a, b, **kwargs):
        if torch.is_tensor(a) and torch.is_tensor(b) and a.dim() == b.dim() == 2 and a.shape == b.shape \
                and a.shape[0] == a.shape[1] and a.shape[0] > 1:
            return torch.matmul(a, b)
        return orig(a, b, **kwargs)


@mutant("elementwise.in_place_suffix")
def iadd_operator_copies_a_non_contiguous_tensor(mp):
    """`t += v` on a non-contiguous t binds t to a new tensor and leaves the old memory as it was
    (Tensor.__iadd__ only; t.add_(v) untouched)."""
    @wrap(mp, torch.Tensor, "__iadd__")
    def iadd(orig, self, other):
        if not self.is_contiguous():
            return torch.add(self, other)
        return orig(self, other)


@mutant("elementwise.dtype_mismatch")
def add_method_casts_the_other_operand(mp):
    """a.add(b) casts a tensor b to a's dtype first, as an in-place op would (a + b and torch.add
    untouched)."""
    @wrap(mp, torch.Tensor, "add")
    def add(orig, self, other, *args, **kwargs):
        if torch.is_tensor(other) and other.dtype != self.dtype:
            other = other.to(self.dtype)
        return orig(self, other, *args, **kwargs)


# ---- broadcasting --------------------------------------------------------------------------------

@mutant("broadcasting.rules")
def add_operator_aligns_left(mp):
    """`a + b` lines up shapes from the LEFT (a.add(b) and torch.add untouched)."""
    @wrap(mp, torch.Tensor, "__add__")
    def add(orig, a, b):
        return orig(*_aligned_left(a, b))


@mutant("broadcasting.rules")
def mul_method_aligns_left(mp):
    """a.mul(b) lines up shapes from the LEFT (a * b and torch.mul untouched)."""
    @wrap(mp, torch.Tensor, "mul")
    def mul(orig, a, b, **kwargs):
        return orig(*_aligned_left(a, b), **kwargs)


@mutant("broadcasting.rules")
def iadd_operator_broadcasts_into_a_new_tensor(mp):
    """`a += b` whose broadcast shape is bigger than a's binds a to the bigger a + b instead of raising
    (Tensor.__iadd__ only; a.add_(b) untouched)."""
    @wrap(mp, torch.Tensor, "__iadd__")
    def iadd(orig, self, other):
        if torch.is_tensor(other) and torch.broadcast_shapes(self.shape, other.shape) != self.shape:
            return torch.add(self, other)
        return orig(self, other)


@mutant("broadcasting.scalar")
def add_method_scalar_widens_narrow_ints(mp):
    """t1.add(2) promotes a uint8/int8/int16/int32 t1 to int64, as an int64 tensor operand does (t1 + 2
    and torch.add untouched)."""
    @wrap(mp, torch.Tensor, "add")
    def add(orig, self, other, *args, **kwargs):
        if isinstance(other, int) and not isinstance(other, bool) and self.dtype in _NARROW_INTS:
            self = self.to(torch.int64)
        return orig(self, other, *args, **kwargs)


# ---- reduce --------------------------------------------------------------------------------------

@mutant("reduce.by_dim")
def sum_method_counts_dim_from_the_end(mp):
    """t.sum(dim=k) reduces axis n-1-k (torch.sum untouched)."""
    @wrap(mp, torch.Tensor, "sum")
    def sum_(orig, self, *args, **kwargs):
        if args:
            args = (_from_the_end(args[0], self.dim()),) + args[1:]
        if "dim" in kwargs:
            kwargs["dim"] = _from_the_end(kwargs["dim"], self.dim())
        return orig(self, *args, **kwargs)


@mutant("reduce.by_dim")
def sum_function_counts_dim_from_the_end(mp):
    """torch.sum(t, dim=k) reduces axis n-1-k (t.sum untouched)."""
    @wrap(mp, torch, "sum")
    def sum_(orig, t, *args, **kwargs):
        if args:
            args = (_from_the_end(args[0], t.dim()),) + args[1:]
        if "dim" in kwargs:
            kwargs["dim"] = _from_the_end(kwargs["dim"], t.dim())
        return orig(t, *args, **kwargs)


@mutant("reduce.whole")
def mean_function_keeps_the_axes(mp):
    """torch.mean(t) of the whole tensor keeps every axis as length 1 (t.mean() untouched)."""
    @wrap(mp, torch, "mean")
    def mean(orig, t, *args, **kwargs):
        if args or kwargs or t.dim() == 0:
            return orig(t, *args, **kwargs)
        return orig(t, dim=tuple(range(t.dim())), keepdim=True)


@mutant("reduce.max_argmax")
def argmax_function_indexes_column_major(mp):
    """torch.argmax(t) is an index into the column-major (Fortran) flattened tensor (t.argmax()
    untouched)."""
    @wrap(mp, torch, "argmax")
    def argmax(orig, t, *args, **kwargs):
        if args or kwargs or t.dim() < 2:
            return orig(t, *args, **kwargs)
        return orig(_reversed_axes(t).reshape(-1))


# ---- reshape -------------------------------------------------------------------------------------


#: the list the current runner (tests/test_mutations.py) reads; the registry is the source
