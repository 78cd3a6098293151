"""Mutants of the reduce claims: each plants the opposite of one statement, one spelling at a time
(method ``t.op(...)``, function ``torch.op(t, ...)``) where a statement covers both."""
from __future__ import annotations

import warnings

import numpy as np
import torch

from tensorspec.harness.mutation import mutant, per_spelling, planted, wrap

WHOLE_OPS = ("sum", "prod", "mean", "std")
DIM_OPS = ("sum", "prod", "mean", "std", "max", "argmax")


def _both(*ops: str, shown: str | None = None) -> dict[str, tuple[str, ...]]:
    """The method and the function spellings of ``ops``, each wrapping every op in one planted change:
    ``{"t.sum/prod(...)": ("Tensor.sum", "Tensor.prod"), "torch.sum/prod(t, ...)": ("torch.sum", "torch.prod")}``
    (``shown``: the ops as the form writes them, if not all of them)."""
    shown = shown or "/".join(ops)
    return {f"t.{shown}(...)": tuple(f"Tensor.{op}" for op in ops),
            f"torch.{shown}(t, ...)": tuple(f"torch.{op}" for op in ops)}


def _dim_of(args, kwargs):
    return args[0] if args and isinstance(args[0], int) else kwargs.get("dim")


def _from_the_end(dim, ndim: int):
    """An in-range int dim k counted from the other end (n-1-k); anything else as it is."""
    if isinstance(dim, int) and ndim > 1 and -ndim <= dim < ndim:
        return ndim - 1 - dim % ndim
    return dim


def _reversed_axes(t: torch.Tensor) -> torch.Tensor:
    return t.permute(*reversed(range(t.dim())))


# ==== reduce.whole =================================================================================
WHOLE = "reduce.whole"


@per_spelling(WHOLE, "rank_0_result", "whole_{kind}s_keep_the_axes",
              "{form} of the whole tensor keeps every axis as length 1 (the {kind}s only).", _both(*WHOLE_OPS))
@per_spelling(WHOLE, "rank_0_result", "mean_function_keeps_the_axes",
              "{form} of the whole tensor keeps every axis as length 1 (t.mean() untouched).",
              {"torch.mean(t)": "torch.mean"})
def _whole_keeps_axes(orig, t, *args, **kwargs):
    if args or kwargs or t.dim() == 0:
        return orig(t, *args, **kwargs)
    return orig(t, dim=tuple(range(t.dim())), keepdim=True)


@per_spelling(WHOLE, "result_dtypes", "integer_sum_prod_{kind}s_keep_the_dtype",
              "{form} of an int8/uint8/int16/int32 tensor keeps (and wraps in) its dtype (the {kind}s only).",
              _both("sum", "prod"))
def _integer_sums_keep_the_dtype(orig, t, *args, **kwargs):
    out = orig(t, *args, **kwargs)
    return out.to(t.dtype) if t.dtype in (torch.int8, torch.uint8, torch.int16, torch.int32) else out


@mutant(WHOLE, "int64_wraps")
def int64_sum_saturates(mp):
    """t.sum() of an int64 tensor saturates at 2**63 - 1 instead of wrapping."""
    @wrap(mp, torch.Tensor, "sum")
    def sum_(orig, self, *args, **kwargs):
        if self.dtype == torch.int64 and not args and not kwargs:
            total = sum(int(v) for v in self.reshape(-1).tolist())
            return torch.tensor(max(min(total, 2**63 - 1), -2**63), device=self.device)
        return orig(self, *args, **kwargs)


@per_spelling(WHOLE, "mean_std_refuse_integers", "integer_{op}_{kind}_is_float32",
              "{form} of a bool/integer tensor computes in float32 instead of raising ({spelling} only).",
              {**_both("mean"), **_both("std")})
def _integer_mean_std_in_float(orig, t, *args, **kwargs):
    if not (t.is_floating_point() or t.is_complex()) and "dtype" not in kwargs:
        return orig(t.float(), *args, **kwargs)
    return orig(t, *args, **kwargs)


@mutant(WHOLE, "mean_std_refuse_integers")
def mean_dtype_keyword_is_refused(mp):
    """t.mean(dtype=torch.float32) of an integer tensor raises like t.mean()."""
    @wrap(mp, torch.Tensor, "mean")
    def mean(orig, self, *args, **kwargs):
        if "dtype" in kwargs and not self.is_floating_point():
            raise RuntimeError("mean(): could not infer output dtype")
        return orig(self, *args, **kwargs)


@per_spelling(WHOLE, "complex_results", "complex_std_{kind}_stays_complex",
              "{form} of a complex tensor keeps the complex dtype (the {kind} only).", _both("std"))
def _complex_std_stays_complex(orig, t, *args, **kwargs):
    out = orig(t, *args, **kwargs)
    return out.to(t.dtype) if t.is_complex() else out


@mutant(WHOLE, "complex_results")
def complex_sum_drops_the_imaginary_part(mp):
    """t.sum() of a complex tensor is the sum of the real parts (still complex)."""
    @wrap(mp, torch.Tensor, "sum")
    def sum_(orig, self, *args, **kwargs):
        return orig(self.real.to(self.dtype) if self.is_complex() else self, *args, **kwargs)


@per_spelling(WHOLE, "std_is_sample_std", "std_{kind}_divides_by_n",
              "{form} defaults to correction=0 (NumPy's ddof=0) (the {kind} only).", _both("std"))
def _std_divides_by_n(orig, t, *args, **kwargs):
    if args or "unbiased" in kwargs:
        return orig(t, *args, **kwargs)
    return orig(t, *args, **{"correction": 0, **kwargs})


@per_spelling(WHOLE, "std_of_fewer_than_2", "std_{kind}_of_one_element_is_zero",
              "{form} of fewer than 2 elements is 0 without a warning (the {kind} only).", _both("std"))
def _std_of_one_is_zero(orig, t, *args, **kwargs):
    if t.numel() < 2 and not args and not kwargs:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return torch.nan_to_num(orig(t), nan=0.0)
    return orig(t, *args, **kwargs)


# ==== reduce.by_dim ================================================================================
BY_DIM = "reduce.by_dim"


@per_spelling(BY_DIM, "removes_axis_k", "dim_{kind}s_keep_the_axis",
              "{form} with dim=k keeps axis k with length 1 (the {kind}s only).", _both(*DIM_OPS))
def _dim_kept(orig, t, *args, **kwargs):
    if _dim_of(args, kwargs) is None or "keepdim" in kwargs:
        return orig(t, *args, **kwargs)
    return orig(t, *args, **kwargs, keepdim=True)


@per_spelling(BY_DIM, "removes_axis_k", "sum_{kind}_counts_dim_from_the_end",
              "{form} reduces axis n-1-k (torch.sum untouched).", {"t.sum(dim=k)": "Tensor.sum"})
@per_spelling(BY_DIM, "removes_axis_k", "sum_{kind}_counts_dim_from_the_end",
              "{form} reduces axis n-1-k (t.sum untouched).", {"torch.sum(t, dim=k)": "torch.sum"})
def _counts_from_the_end(orig, t, *args, **kwargs):
    if args:
        args = (_from_the_end(args[0], t.dim()),) + args[1:]
    if "dim" in kwargs:
        kwargs["dim"] = _from_the_end(kwargs["dim"], t.dim())
    return orig(t, *args, **kwargs)


@mutant(BY_DIM, "max_gives_values_and_indices")
def amax_adds_one(mp):
    """torch.amax(t, k) is one more than t.max(dim=k).values."""
    @wrap(mp, torch, "amax")
    def amax(orig, t, *args, **kwargs):
        return orig(t, *args, **kwargs) + 1


@mutant(BY_DIM, "max_gives_values_and_indices")
def max_dim_gives_the_values_only(mp):
    """t.max(dim=k) returns the values tensor only, as NumPy's np.max."""
    @wrap(mp, torch.Tensor, "max")
    def max_(orig, self, *args, **kwargs):
        out = orig(self, *args, **kwargs)
        return out.values if isinstance(out, tuple) else out


@mutant(BY_DIM, "numpy_agrees")
def numpy_std_unbiased(mp):
    """NumPy's ``np.std`` defaults to ddof=1, like torch (the libraries' difference disappears)."""
    @wrap(mp, np, "std")
    def std(orig, a, *args, **k):
        return orig(a, *args, **{"ddof": 1, **k})


@mutant(BY_DIM, "numpy_agrees")
def numpy_sum_keeps_small_integer_dtypes(mp):
    """np.sum(a, axis=k) of an int8/int16/int32/uint8/bool array keeps (and wraps in) its dtype."""
    @wrap(mp, np, "sum")
    def sum_(orig, a, *args, **k):
        a = np.asarray(a)
        if a.dtype.kind in "biu" and a.dtype.itemsize < 8 and "dtype" not in k:
            k["dtype"] = a.dtype
        return orig(a, *args, **k)


@per_spelling(BY_DIM, "integer_mean_refused", "integer_mean_along_dim_is_float64",
              "{form} of an integer or bool tensor gives float64, as NumPy's axis=k, instead of raising (the "
              "method only).", {"t.mean(dim=k)": "Tensor.mean"})
@per_spelling(BY_DIM, "integer_mean_refused", "integer_mean_function_along_dim_is_float64",
              "{form} of an integer or bool tensor gives float64 instead of raising (the function only).",
              {"torch.mean(t, dim=k)": "torch.mean"})
def _integer_mean_dim_in_float64(orig, t, *args, **kwargs):
    if _dim_of(args, kwargs) is not None and not (t.is_floating_point() or t.is_complex()):
        return orig(t.double(), *args, **kwargs)
    return orig(t, *args, **kwargs)


@per_spelling(BY_DIM, "empty_axis", "empty_axis_{kind}s_give_zeros",
              "{form} over an empty axis gives zeros instead of raising IndexError (the {kind}s only).",
              _both("max", "argmax"))
def _empty_axis_gives_zeros(orig, t, *args, **kwargs):
    dim = _dim_of(args, kwargs)
    if dim is not None and t.dim() and t.shape[dim] == 0:
        shape = t.shape[:dim % t.dim()] + t.shape[dim % t.dim() + 1:]
        idx = torch.zeros(shape, dtype=torch.int64, device=t.device)
        if orig.__name__ == "argmax":
            return idx
        return torch.return_types.max((torch.zeros(shape, dtype=t.dtype, device=t.device), idx))
    return orig(t, *args, **kwargs)


@per_spelling(BY_DIM, "out_of_range_dim", "out_of_range_dim_{kind}s_wrap",
              "{form} with an out-of-range dim=k reduces axis k mod n (the {kind}s only).",
              _both(*DIM_OPS, shown="sum/.../argmax"))
def _wraps_out_of_range_dims(orig, t, *args, **kwargs):
    if "dim" in kwargs and isinstance(kwargs["dim"], int) and t.dim() and not -t.dim() <= kwargs["dim"] < t.dim():
        kwargs["dim"] %= t.dim()
    return orig(t, *args, **kwargs)


def _tf_patch(module_path, name, make):
    def patch(mp):
        import tensorflow as tf
        owner = tf.math if module_path == "tf.math" else tf
        wrap(mp, owner, name)(make(tf))
    return patch


def _tf_std_unbiased(tf):
    def std(orig, x, axis=None, **kwargs):
        out = orig(x, axis=axis, **kwargs)
        n = np.asarray(x).shape[axis] if axis is not None else np.asarray(x).size
        return out * np.sqrt(n / (n - 1)).astype(np.asarray(x).dtype) if n > 1 else out
    return std


planted(BY_DIM, "tensorflow_along_axis", "tf_reduce_std_divides_by_n_minus_1",
        "tf.math.reduce_std divides by N-1, as torch does.")(_tf_patch("tf.math", "reduce_std", _tf_std_unbiased))


def _tf_sum_widens(tf):
    def reduce_sum(orig, x, *args, **kwargs):
        a = np.asarray(x)
        if a.dtype == np.int8:
            return orig(a.astype(np.int32), *args, **kwargs)
        return orig(x, *args, **kwargs)
    return reduce_sum


planted(BY_DIM, "tensorflow_keeps_the_dtype", "tf_reduce_sum_widens_int8",
        "tf.reduce_sum of an int8 tensor computes in int32 (no wrapping).")(
    _tf_patch("tf", "reduce_sum", _tf_sum_widens))


def _tf_axis_wraps(tf):
    def reduce_sum(orig, x, axis=None, **kwargs):
        nd = np.ndim(x)
        if isinstance(axis, int) and nd and not -nd <= axis < nd:
            axis %= nd
        if isinstance(axis, int) and nd == 0:
            axis = None
        return orig(x, axis=axis, **kwargs)
    return reduce_sum


planted(BY_DIM, "tensorflow_axis_errors", "tf_reduce_sum_wraps_out_of_range_axes",
        "tf.math.reduce_sum with an out-of-range axis reduces axis mod n (a rank-0 tensor ignores it).")(
    _tf_patch("tf.math", "reduce_sum", _tf_axis_wraps))


# ==== reduce.max_argmax ============================================================================
MAX = "reduce.max_argmax"


@per_spelling(MAX, "max_is_the_largest", "max_{kind}_skips_nan",
              "{form} of a tensor holding NaN is its largest non-NaN element (the {kind} only).", _both("max"))
def _max_ignores_nan(orig, t, *args, **kwargs):
    if not args and not kwargs and t.is_floating_point() and t.isnan().any() and not t.isnan().all():
        return orig(t[~t.isnan()])
    return orig(t, *args, **kwargs)


@mutant(MAX, "flat_argmax")
def argmax_takes_last_tie(mp):
    """``t.argmax()`` returns the LAST of tied maxima (and the last NaN) (the method only)."""
    @wrap(mp, torch.Tensor, "argmax")
    def argmax(orig, self, dim=None, keepdim=False):
        if dim is None:
            flat = self.reshape(-1)
            return flat.numel() - 1 - orig(flat.flip(0))
        n = self.shape[dim] if self.dim() else 1
        return n - 1 - orig(self.flip(dim) if self.dim() else self, dim, keepdim)


@mutant(MAX, "flat_argmax")
def argmax_function_indexes_column_major(mp):
    """torch.argmax(t) is an index into the column-major (Fortran) flattened tensor (t.argmax()
    untouched)."""
    @wrap(mp, torch, "argmax")
    def argmax(orig, t, *args, **kwargs):
        if args or kwargs or t.dim() < 2:
            return orig(t, *args, **kwargs)
        return orig(_reversed_axes(t).reshape(-1))


@mutant(MAX, "signed_zeros_tie")
def argmax_prefers_positive_zero(mp):
    """t.argmax() ranks 0.0 above -0.0 (they do not tie)."""
    @wrap(mp, torch.Tensor, "argmax")
    def argmax(orig, self, *args, **kwargs):
        if self.is_floating_point() and not args and not kwargs and bool((self == 0).any()):
            signed = torch.where(self == 0, torch.copysign(torch.full_like(self, 1e-30), self), self)
            return orig(signed)
        return orig(self, *args, **kwargs)


@per_spelling(MAX, "max_dim_named_tuple", "max_dim_{kind}_gives_a_plain_tuple",
              "{form} with a dim returns a plain tuple, not torch.return_types.max (the {kind} only).", _both("max"))
def _plain_tuple(orig, t, *args, **kwargs):
    out = orig(t, *args, **kwargs)
    return tuple(out) if isinstance(out, torch.return_types.max) else out


@mutant(MAX, "max_dim_named_tuple")
def argmax_function_along_dim_takes_the_last_tie(mp):
    """torch.argmax(t, dim=k) returns the LAST of tied maxima in each lane (t.argmax untouched)."""
    @wrap(mp, torch, "argmax")
    def argmax(orig, t, *args, **kwargs):
        dim = _dim_of(args, kwargs)
        if dim is None or not t.dim():
            return orig(t, *args, **kwargs)
        return t.shape[dim] - 1 - orig(t.flip(dim), dim=dim)


@per_spelling(MAX, "empty_raises", "empty_{op}_{kind}_gives_a_value",
              "{form} of an empty tensor gives nan instead of raising (the {kind} only).", _both("max"))
@per_spelling(MAX, "empty_raises", "empty_{op}_{kind}_gives_a_value",
              "{form} of an empty tensor gives 0 instead of raising (the {kind} only).", _both("argmax"))
def _empty_gives_a_value(orig, t, *args, **kwargs):
    if t.numel() == 0 and not args and not kwargs:
        return torch.tensor(0 if orig.__name__ == "argmax" else float("nan"), device=t.device)
    return orig(t, *args, **kwargs)


@mutant(MAX, "bool_tensors")
def argmax_of_bools_works(mp):
    """t.argmax() of a bool tensor works (through uint8) instead of raising."""
    @wrap(mp, torch.Tensor, "argmax")
    def argmax(orig, self, *args, **kwargs):
        return orig(self.to(torch.uint8) if self.dtype == torch.bool else self, *args, **kwargs)


@mutant(MAX, "bool_tensors")
def max_function_of_bools_raises(mp):
    """torch.max(t) of a bool tensor raises."""
    @wrap(mp, torch, "max")
    def max_(orig, t, *args, **kwargs):
        if t.dtype == torch.bool:
            raise RuntimeError("max(): does not support bool input")
        return orig(t, *args, **kwargs)


def _tf_argmax_propagates_nan(tf):
    def argmax(orig, x, *args, **kwargs):
        a = np.asarray(x)
        if a.dtype.kind == "f" and np.isnan(a).any():
            return tf.constant(np.argmax(a, axis=0))
        return orig(x, *args, **kwargs)
    return argmax


planted(MAX, "tensorflow_argmax", "tf_argmax_picks_the_first_nan",
        "tf.math.argmax picks the first NaN, as torch and NumPy do.")(
    _tf_patch("tf.math", "argmax", _tf_argmax_propagates_nan))


# ==== reduce.to_python =============================================================================
TO_PYTHON = "reduce.to_python"


@mutant(TO_PYTHON, "item_of_one_element")
def complex_item_drops_the_imaginary_part(mp):
    """item() of a complex tensor gives the real part as a Python float."""
    @wrap(mp, torch.Tensor, "item")
    def item(orig, self):
        value = orig(self)
        return value.real if isinstance(value, complex) else value


@mutant(TO_PYTHON, "item_of_one_element")
def item_of_integers_is_float(mp):
    """item() of an integer tensor gives a Python float."""
    @wrap(mp, torch.Tensor, "item")
    def item(orig, self):
        value = orig(self)
        return float(value) if type(value) is int else value


@mutant(TO_PYTHON, "item_of_many_raises")
def item_of_many_gives_the_first(mp):
    """item() of a tensor with several elements gives the first one."""
    @wrap(mp, torch.Tensor, "item")
    def item(orig, self):
        return orig(self.reshape(-1)[0]) if self.numel() > 1 else orig(self)


@mutant(TO_PYTHON, "tolist_nested")
def tolist_wraps_scalars(mp):
    """``tolist()`` of a rank-0 tensor gives a one-element list ``[x]`` instead of a bare number."""
    @wrap(mp, torch.Tensor, "tolist")
    def tolist(orig, self):
        return [orig(self)] if self.dim() == 0 else orig(self)


@mutant(TO_PYTHON, "tolist_nested")
def tolist_flattens(mp):
    """``tolist()`` gives a flat list whatever the rank."""
    @wrap(mp, torch.Tensor, "tolist")
    def tolist(orig, self):
        return orig(self.reshape(-1)) if self.dim() > 1 else orig(self)


@mutant(TO_PYTHON, "numpy_shares")
def numpy_returns_a_copy(mp):
    """t.numpy() returns a copy that does not share t's memory."""
    @wrap(mp, torch.Tensor, "numpy")
    def numpy(orig, self, *args, **kwargs):
        return orig(self, *args, **kwargs).copy()


@mutant(TO_PYTHON, "numpy_refusals")
def numpy_of_bfloat16_goes_through_float32(mp):
    """t.numpy() of a bfloat16 tensor gives a float32 array instead of raising."""
    @wrap(mp, torch.Tensor, "numpy")
    def numpy(orig, self, *args, **kwargs):
        return orig(self.float() if self.dtype == torch.bfloat16 else self, *args, **kwargs)


@mutant(TO_PYTHON, "numpy_refusals")
def numpy_resolves_the_conjugate(mp):
    """t.numpy() of a tensor with the conjugate bit set resolves it instead of raising."""
    @wrap(mp, torch.Tensor, "numpy")
    def numpy(orig, self, *args, **kwargs):
        return orig(self.resolve_conj() if self.is_conj() else self, *args, **kwargs)


@mutant(TO_PYTHON, "numpy_refusals")
def numpy_densifies_sparse_tensors(mp):
    """t.numpy() of a sparse tensor gives the dense array instead of raising."""
    @wrap(mp, torch.Tensor, "numpy")
    def numpy(orig, self, *args, **kwargs):
        return orig(self.to_dense() if self.is_sparse else self, *args, **kwargs)


@mutant(TO_PYTHON, "numpy_refusals")
def numpy_detaches(mp):
    """t.numpy() of a tensor that requires grad detaches it instead of raising."""
    @wrap(mp, torch.Tensor, "numpy")
    def numpy(orig, self, *args, **kwargs):
        return orig(self.detach() if self.requires_grad else self, *args, **kwargs)


@mutant(TO_PYTHON, "numpy_refusals")
def numpy_of_complex32_goes_through_complex64(mp):
    """t.numpy() of a complex32 tensor gives a complex64 array instead of raising."""
    @wrap(mp, torch.Tensor, "numpy")
    def numpy(orig, self, *args, **kwargs):
        return orig(self.to(torch.complex64) if self.dtype == torch.complex32 else self, *args, **kwargs)
