"""reduce: whole-tensor and per-axis reductions, max/argmax, and turning results into Python (DL13).

Values come from tensorspec.testing.exact_values (reductions of them are exact in any order, NaN/±inf/-0.0
and ties included) and are checked against the pure-Python lane-by-lane references of
tensorspec.reference.ops.  NumPy and TensorFlow are run on the same inputs; where they differ
(std's default correction, result dtypes, empty axes, NaN in argmax, error types) the test states
each library's behaviour.
"""
from __future__ import annotations

import math
import re
import warnings
from functools import partial

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tensorspec.testing import dtypes as D
from tensorspec.testing import strategies as S
from tensorspec.testing.assertions import (assert_dtype, assert_equal, assert_shape, assert_shares,
                                           assert_values, repro, source)
from tensorspec.claims.context import differs
from tensorspec.testing.devices import on_cuda, on_devices
from tensorspec.testing.kernels import MISSING, call_unless_missing
from tensorspec.testing.dtypes import storage_dtype
from tensorspec.testing.exact_values import ELEMENTS, comparable, values_array
from tensorspec.reference.ops import (lanes, ref_argmax, ref_argmax_skipping_nan, ref_max, ref_mean,
                                      ref_prod, ref_std, ref_sum)
from tensorspec.reference.shapes import dim_error
from tensorspec.testing.spellings import spellings
from tensorspec.testing.tensorflow_compat import tf_shape, to_numpy

INTS, FLOATS, REAL = D.TORCH_INTEGER, D.TORCH_FLOAT, D.TORCH_REAL
OP_DTYPES = {"sum": REAL, "prod": REAL, "mean": FLOATS, "std": FLOATS, "max": REAL, "argmax": INTS + FLOATS}
OPS = tuple(OP_DTYPES)
MAX_SIZE = 32  # keeps integer products below 2**32

# What each library's reduction computes on one lane (std: torch divides by N-1, NumPy and TF by N;
# argmax: torch and NumPy pick the first NaN, TF skips NaN; max of an empty lane: TF gives -inf).
TORCH_REF = {"sum": ref_sum, "prod": ref_prod, "mean": ref_mean, "std": partial(ref_std, correction=1),
             "max": ref_max, "argmax": ref_argmax}
NUMPY_REF = {**TORCH_REF, "std": partial(ref_std, correction=0)}
TF_REF = {**NUMPY_REF, "argmax": ref_argmax_skipping_nan,
          "max": lambda lane: ref_max(lane) if lane else -math.inf}
TF_NAME = {"sum": "reduce_sum", "prod": "reduce_prod", "mean": "reduce_mean", "std": "reduce_std",
           "max": "reduce_max", "argmax": "argmax"}
# Tolerances of mean/std (the others are exact): a library may round once more than the reference.
TOL = {torch.float16: (4e-3, 1e-3), torch.bfloat16: (1.6e-2, 1e-2), torch.float32: (1e-5, 1e-5),
       torch.float64: (1e-7, 1e-7)}


@st.composite
def reduction_case(draw, ops=OPS, dtypes=None, min_dims=0, min_side=0):
    """(op, torch dtype, array): values suited to the op, drawn in a NumPy dtype that holds them."""
    op = draw(st.sampled_from(ops), label="op")
    dtype = draw(st.sampled_from(dtypes or OP_DTYPES[op]), label="dtype")
    shape = draw(S.shapes(min_dims=min_dims, min_side=min_side, max_size=MAX_SIZE), label="shape")
    return op, dtype, draw(hnp.arrays(storage_dtype(dtype), shape, elements=ELEMENTS[op](dtype)), label="a")


def tensor_of(a: np.ndarray, dtype: torch.dtype, device) -> torch.Tensor:
    return torch.from_numpy(a).to(device=device, dtype=dtype)


def torch_result_dtype(op: str, dtype: torch.dtype) -> torch.dtype:
    """argmax gives int64; sum/prod of bool or integers give int64; everything else keeps the dtype."""
    if op == "argmax" or (op in ("sum", "prod") and not dtype.is_floating_point):
        return torch.int64
    return dtype


def numpy_result_dtype(op: str, dtype: np.dtype) -> np.dtype:
    """argmax gives intp; sum/prod of bool/signed give NumPy's default int (int64), of unsigned uint64."""
    if op == "argmax":
        return np.dtype(np.intp)
    if op in ("sum", "prod") and dtype.kind in "biu":
        return np.dtype(np.uint64 if dtype.kind == "u" else np.int64)
    return dtype


def expected(ref, a_values: np.ndarray, axis, like: torch.dtype) -> torch.Tensor:
    """``ref`` over each lane of ``a_values`` along ``axis``, as a tensor of dtype ``like``."""
    ls, shape = lanes(a_values, axis)
    wide = torch.float64 if like.is_floating_point else (torch.bool if like == torch.bool else torch.int64)
    return torch.tensor([ref(lane) for lane in ls], dtype=wide).reshape(shape).to(like)


def assert_reduced(actual, want: torch.Tensor, op: str, expr: str) -> None:
    """Values and shape equal, exactly for sum/prod/max/argmax, within TOL for mean/std."""
    __tracebackhide__ = True
    if not isinstance(actual, torch.Tensor):
        arr = np.asarray(actual)
        actual = torch.from_numpy(arr.astype(np.int64) if arr.dtype.kind == "u" else arr)
    rtol, atol = TOL[want.dtype] if op in ("mean", "std") else (0, 0)
    try:
        torch.testing.assert_close(actual.cpu(), want, rtol=rtol, atol=atol, equal_nan=True, check_dtype=False)
    except AssertionError as exc:
        raise AssertionError(f"values differ [{expr}]\n{exc}") from None


def quietly(fn, *args, **kwargs):
    """Call without the warnings an empty or one-element lane triggers (tested where they matter)."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


# ---- reduce.whole --------------------------------------------------------------------------------

def prod_gap(op: str, t: torch.Tensor, half_missing: bool, bfloat16_missing: bool) -> bool:
    """prod of a float16 (``half_missing``) or bfloat16 (``bfloat16_missing``) CPU tensor, in a release
    range of the catalog that lacks that kernel."""
    if op != "prod" or t.device.type != "cpu":
        return False
    return (t.dtype == torch.float16 and half_missing) or (t.dtype == torch.bfloat16 and bfloat16_missing)


@pytest.mark.claim("reduce.whole", "rank_0_result", "result_dtypes", "mean_std_refuse_integers", "std_is_sample_std",
                   "std_of_fewer_than_2")
@pytest.mark.parametrize("op", ("sum", "prod", "mean", "std"))  # every op on every run, not a draw
@on_devices
@given(data=st.data())
def test_whole_tensor_reductions_give_rank_0(device, op, data):
    """sum/prod/mean/std() give a rank-0 tensor, as t.op() and as torch.op(t); sum/prod promote
    bool/int to int64; mean/std refuse non-float dtypes; std divides by N-1 (NaN, with a warning, for
    fewer than 2 elements)."""
    _, dtype, a = data.draw(reduction_case(ops=(op,), dtypes=REAL), label="case")
    t = tensor_of(a, dtype, device)
    forms = spellings(op)
    with repro(f"t = torch.tensor({source(a)}).to({dtype})\n{'; '.join(forms)}"):
        for call, reduce in forms.items():
            if op in ("mean", "std") and not dtype.is_floating_point:
                message = ("mean(): could not infer output dtype" if op == "mean"
                           else "std and var only support floating point and complex dtypes")
                with pytest.raises(RuntimeError, match=re.escape(message)):
                    reduce(t)
                continue
            if op == "std" and t.numel() < 2 and differs("std_few_elements_no_warning"):
                with warnings.catch_warnings():
                    warnings.simplefilter("error")  # no warning in this range
                    out = reduce(t)
            elif op == "std" and t.numel() < 2:
                with pytest.warns(UserWarning, match="degrees of freedom is <= 0"):
                    out = reduce(t)
            else:
                gap = prod_gap(op, t, differs("prod_half_cpu_missing"), differs("prod_bfloat16_cpu_missing"))
                out = call_unless_missing(gap, dtype, reduce, t)
                if out is MISSING:
                    continue
            assert_equal("out.shape", tuple(out.shape), (), expr=call)
            assert_equal("out.dtype", out.dtype, torch_result_dtype(op, dtype), expr=call)
            assert_reduced(out, expected(TORCH_REF[op], values_array(t), None, out.dtype), op, call)


@pytest.mark.claim("reduce.whole", "std_is_sample_std")
@pytest.mark.claim("reduce.by_dim", "numpy_agrees")
@on_devices
def test_std_default_correction_differs(device):
    """std's default: torch divides by N-1 (correction=1), NumPy by N (ddof=0); each has the other's
    as an option.  (tf.math.reduce_std divides by N: test_tensorflow_reduction_dtypes.)"""
    x = torch.tensor([3.0, 5.0], device=device)
    assert_values(x.std(), math.sqrt(2.0), "torch.tensor([3., 5.]).std()")
    if differs("std_correction_keyword_missing"):
        with pytest.raises(TypeError, match="correction"):
            x.std(correction=0)
        assert_values(x.std(unbiased=False), 1.0, "torch.tensor([3., 5.]).std(unbiased=False)")
    else:
        assert_values(x.std(correction=0), 1.0, "torch.tensor([3., 5.]).std(correction=0)")
    assert_values(np.std(np.array([3.0, 5.0])), 1.0, "np.std([3., 5.])")
    assert_values(np.std(np.array([3.0, 5.0]), ddof=1), math.sqrt(2.0), "np.std([3., 5.], ddof=1)")


@pytest.mark.claim("reduce.whole", "int64_wraps")
@on_devices
def test_int64_sums_wrap(device):
    """int64 itself wraps silently: torch.full((2,), 2**62).sum() is -2**63."""
    big = torch.full((2,), 2**62, dtype=torch.int64, device=device)
    assert_equal("int64 sum", (big.sum().dtype, big.sum().item()), (torch.int64, -2**63), expr="torch.full((2,), 2**62).sum()")


@pytest.mark.claim("reduce.whole", "complex_results")
@on_devices
def test_complex_std_is_real(device):
    """Of a complex tensor sum and mean keep the dtype (and the values); std is real."""
    for dtype, real in ((torch.complex64, torch.float32), (torch.complex128, torch.float64)):
        z = torch.tensor([1 + 1j, 2 + 0j, 3 + 2j], dtype=dtype, device=device)
        for expr, call in {"z.std()": z.std, "torch.std(z)": lambda: torch.std(z)}.items():
            assert_equal(f"({expr}).dtype", call().dtype, real, expr=f"{expr}, {dtype}")
            assert_values(call(), math.sqrt(2.0), f"{expr}, z = [1+1j, 2, 3+2j]")
        assert_equal("sum/mean dtype", (z.sum().dtype, z.mean().dtype), (dtype, dtype), expr=f"complex sum/mean ({dtype})")
        assert_values(z.sum(), 6 + 3j, "z.sum(), z = [1+1j, 2, 3+2j]", exact=True)
        assert_values(z.mean(), 2 + 1j, "z.mean(), z = [1+1j, 2, 3+2j]", exact=True)


@pytest.mark.claim("reduce.whole", "mean_std_refuse_integers")
@on_devices
def test_integer_means_need_a_dtype(device):
    """An integer mean works with dtype=torch.float32 or after .float()."""
    ints = torch.tensor([1, 2], device=device)
    assert_values(ints.mean(dtype=torch.float32), 1.5, "torch.tensor([1, 2]).mean(dtype=torch.float32)", exact=True)
    assert_values(ints.float().mean(), 1.5, "torch.tensor([1, 2]).float().mean()", exact=True)


# ---- reduce.by_dim -------------------------------------------------------------------------------
@pytest.mark.claim("reduce.by_dim", "removes_axis_k", "max_gives_values_and_indices", "numpy_agrees", "empty_axis")
@on_devices
@given(data=st.data())
def test_reduce_along_dim_matches_numpy(device, data):
    """``dim=k`` removes axis k, as t.op(dim=k) and as torch.op(t, dim=k); values per lane match the
    reference; NumPy's ``axis=k`` gives the same shape and values, except std (ddof=0) and the result
    dtypes of integer sums; max/argmax over an empty axis raise (IndexError in torch, ValueError in
    NumPy)."""
    op, dtype, a = data.draw(reduction_case(min_dims=1), label="case")
    dim = data.draw(S.dims(a.ndim), label="dim")
    t = tensor_of(a, dtype, device)
    forms = spellings(op, f"dim={dim}")
    np_call = f"np.{op}({source(a)}, axis={dim})"
    with repro(f"t = torch.tensor({source(a)}).to({dtype})\n{'; '.join(forms)}\n{np_call}"):
        out_shape = a.shape[:dim % a.ndim] + a.shape[dim % a.ndim + 1:]
        for call, reduce in forms.items():
            if op in ("max", "argmax") and a.shape[dim] == 0:
                with pytest.raises(IndexError, match=re.escape(
                        f"{op}(): Expected reduction dim {dim % a.ndim} to have non-zero size.")):
                    reduce(t, dim=dim)
                continue
            gap = prod_gap(op, t, differs("prod_half_cpu_missing_by_dim"), differs("prod_bfloat16_cpu_missing_by_dim"))
            out = call_unless_missing(gap, dtype, quietly, reduce, t, dim=dim)
            if out is MISSING:
                continue
            if op == "max":  # a (values, indices) named tuple, where NumPy gives the values only
                assert_equal("type(out)", type(out), torch.return_types.max, expr=call)
                want = expected(ref_argmax, values_array(t), dim, torch.int64)
                assert_reduced(out.indices, want, "argmax", f"{call}.indices")
                assert_values(torch.amax(t, dim), out.values, f"torch.amax(t, {dim}) == {call}.values", exact=True)
                out = out.values
            assert_equal("out.shape", tuple(out.shape), out_shape, expr=call)
            assert_equal("out.dtype", out.dtype, torch_result_dtype(op, dtype), expr=call)
            assert_reduced(out, expected(TORCH_REF[op], values_array(t), dim, out.dtype), op, call)
        if op in ("max", "argmax") and a.shape[dim] == 0:
            message = {"max": "zero-size array to reduction operation maximum which has no identity",
                       "argmax": "attempt to get argmax of an empty sequence"}[op]
            with pytest.raises(ValueError, match=message):
                getattr(np, op)(a, axis=dim)
            return

        np_out = np.asarray(quietly(getattr(np, op), a, axis=dim))
        assert_dtype(np_out, numpy_result_dtype(op, a.dtype), expr=np_call, name="np_out.dtype")
        assert_shape(np_out, out_shape, expr=np_call, name="np_out.shape")
        like = D.TORCH_OF_NUMPY.get(np_out.dtype, torch.int64)
        assert_reduced(np_out, expected(NUMPY_REF[op], a, dim, like), op, np_call)


@pytest.mark.claim("reduce.by_dim", "out_of_range_dim")
@on_devices
@given(data=st.data())
def test_out_of_range_dim(device, data):
    """An out-of-range dim: IndexError 'Dimension out of range (expected to be in range of [-n, n-1], ...)'
    in torch, method and function alike (a rank-0 tensor accepts 0 and -1); NumPy raises AxisError (an
    IndexError and ValueError)."""
    op = data.draw(st.sampled_from(OPS), label="op")
    shape = data.draw(S.shapes(max_dims=4), label="shape")
    dim = data.draw(S.out_of_range_dims(len(shape)), label="dim")
    t = torch.zeros(shape, device=device)
    with repro(f"torch.zeros({shape}).{op}(dim={dim})"):
        for reduce in spellings(op, f"dim={dim}").values():
            with pytest.raises(IndexError, match=dim_error(len(shape), dim)):
                reduce(t, dim=dim)
        if shape:  # NumPy's rank-0 arrays are inconsistent: sum/max accept axis=0, mean/std do not
            with pytest.raises(np.exceptions.AxisError,
                               match=re.escape(f"axis {dim} is out of bounds for array of dimension {len(shape)}")):
                getattr(np, op)(np.zeros(shape), axis=dim)


@pytest.mark.claim("reduce.by_dim", "removes_axis_k")
@on_devices
def test_the_notes_sum_over_dim_0_and_dim_1(device):
    """The note's question, ``t.sum(dim=0)`` vs ``t.sum(dim=1)`` (and ``torch.sum(t, dim=k)``): dim=0
    sums down the columns (one value per column), dim=1 along the rows (one per row)."""
    t = torch.tensor([[0, 1, 0], [2, 0, 2], [0, 3, 3]], device=device)
    for dim, want in ((0, [2, 4, 5]), (1, [1, 4, 6])):
        for call, reduce in spellings("sum", f"dim={dim}").items():
            assert_equal(call, reduce(t, dim=dim).tolist(), want, expr="t = [[0, 1, 0], [2, 0, 2], [0, 3, 3]]")


@pytest.mark.claim("reduce.by_dim", "removes_axis_k")
@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("dim", [0, -1])
@on_devices
def test_a_rank_0_tensor_takes_dim_0_and_minus_1(op, dim, device):
    """A rank-0 tensor accepts dim=0 and dim=-1 (its one 'lane' is the tensor itself): the result is
    rank 0, t itself for sum/prod/mean/max, 0 for argmax, nan for std (one element)."""
    t = torch.tensor(3.0, device=device)
    want = {"argmax": 0, "std": math.nan}.get(op, 3.0)
    for call, reduce in spellings(op, f"dim={dim}").items():
        out = quietly(reduce, t, dim=dim)
        out = out.values if op == "max" else out
        assert_equal(f"({call}).shape", tuple(out.shape), (), expr=f"t = torch.tensor(3.); {call}")
        assert_values(out, want, f"t = torch.tensor(3.); {call}", exact=True)


INTEGER_SUM_CASES = [  # (dtype, values): sums that leave the input dtype's range
    (np.bool_, [True, True, True]), (np.uint8, [200, 100]), (np.int8, [100, 100, 100]),
    (np.int16, [30000, 30000]), (np.int32, [2**31 - 1, 1]),
]


@pytest.mark.claim("reduce.by_dim", "numpy_agrees", "integer_mean_refused")
@on_devices
@pytest.mark.parametrize("np_dtype,values", INTEGER_SUM_CASES, ids=lambda v: getattr(v, "__name__", None))
def test_integer_sums_widen(device, np_dtype, values):
    """Summing bool/small ints: torch gives int64, NumPy int64 (uint64 for unsigned); no wrap-around.
    Their mean(dim) is a RuntimeError in torch, float64 in NumPy."""
    a = np.array(values, dtype=np_dtype)
    total = sum(int(v) for v in values)
    for call, reduce in spellings("sum", "dim=0").items():
        out = reduce(torch.from_numpy(a).to(device), dim=0)
        got = (tuple(out.shape), out.dtype, out.item())
        assert_equal("torch sum", got, ((), torch.int64, total), expr=f"t = torch.tensor({values}); {call}")
    np_out = a.sum(axis=0)
    want = (numpy_result_dtype("sum", a.dtype), total)
    assert_equal("np sum", (np_out.dtype, int(np_out)), want, expr=f"np.sum({values})")
    for call, reduce in spellings("mean", "dim=0").items():
        with pytest.raises(RuntimeError, match=re.escape("mean(): could not infer output dtype")):
            reduce(torch.from_numpy(a).to(device), dim=0)
    assert_equal("np.mean(axis=0).dtype", np.mean(a, axis=0).dtype, np.dtype(np.float64), expr=f"np.mean({values}, axis=0)")


# ---- reduce.by_dim: TensorFlow ---------------------------------------------------------------------
TF_FLOATS = [torch.float16, torch.float32, torch.float64]


@pytest.mark.claim("reduce.by_dim", "tensorflow_along_axis")
@given(data=st.data())
def test_tensorflow_reduces_along_axis(tf, data):
    """tf.reduce_sum/prod/mean, tf.math.reduce_std, tf.reduce_max and tf.math.argmax along ``axis=k``:
    same shapes; std divides by N; the max of an empty axis is -inf; argmax over an empty axis raises
    InvalidArgumentError and skips NaN."""
    op, dtype, a = data.draw(reduction_case(min_dims=1, dtypes=TF_FLOATS), label="case")
    dim = data.draw(S.dims(a.ndim), label="dim")
    fn = getattr(tf.math, TF_NAME[op])
    call = f"tf.math.{TF_NAME[op]}({source(a)}, axis={dim})"
    with repro(f"import tensorflow as tf\n{call}"):
        if op == "argmax" and a.shape[dim] == 0:
            with pytest.raises(tf.errors.InvalidArgumentError, match=f"Reduction axis {dim} is empty in shape"):
                fn(a, axis=dim)
            return
        out = fn(a, axis=dim)
        out_shape = a.shape[:dim % a.ndim] + a.shape[dim % a.ndim + 1:]
        assert_equal("tf out.shape", tf_shape(out), out_shape, expr=call)
        like = torch.int64 if op == "argmax" else dtype
        assert_reduced(to_numpy(out), expected(TF_REF[op], a, dim, like), op, call)


@pytest.mark.claim("reduce.by_dim", "tensorflow_along_axis")
def test_tensorflow_worked_examples(tf):
    """Worked examples, every run: reduce_std divides by N; argmax skips NaN; reduce_max over an empty
    axis is -inf."""
    x = np.array([[3.0, np.nan], [5.0, 1.0]])
    assert_values(to_numpy(tf.math.reduce_std(x[:, 0], axis=0)), 1.0, "tf.math.reduce_std([3., 5.]) divides by N")
    assert_equal("tf.math.argmax(x, axis=0)", to_numpy(tf.math.argmax(x, axis=0)).tolist(), [1, 1],
                 expr="x = [[3, nan], [5, 1]]: NaN skipped")
    assert_values(to_numpy(tf.reduce_max(np.zeros((0, 2)), axis=0)), [-np.inf, -np.inf], "tf.reduce_max over (0, 2), axis=0",
                  exact=True)


@pytest.mark.claim("reduce.by_dim", "tensorflow_keeps_the_dtype")
def test_tensorflow_reduction_dtypes(tf):
    """TF keeps the input dtype: int8 sums wrap, integer means are truncated integers, bool sums and
    integer std are refused; empty axes give 0 / 1 / NaN / the dtype's lowest value."""
    i8 = np.array([100, 100, 100], np.int8)
    assert_equal("tf.reduce_sum(int8)", (tf.reduce_sum(i8).dtype, int(tf.reduce_sum(i8))), (tf.int8, 44), expr="300 wraps")
    assert_equal("tf.reduce_mean(int32)", int(tf.reduce_mean(np.array([1, 2], np.int32))), 1, expr="[1, 2]")
    assert_equal("tf.reduce_mean(int32)", int(tf.reduce_mean(np.array([-1, -2], np.int32))), -1, expr="[-1, -2]")
    with pytest.raises(tf.errors.InvalidArgumentError, match="bool is not in the list of allowed values"):
        tf.reduce_sum(np.array([True, False]))
    with pytest.raises(TypeError, match="Input must be either real or complex"):
        tf.math.reduce_std(np.array([1, 2], np.int32))
    empty = np.zeros((0, 2), np.int32)
    got = [to_numpy(f(empty, axis=0)).tolist() for f in (tf.reduce_sum, tf.reduce_prod, tf.reduce_mean, tf.reduce_max)]
    lowest = int(np.iinfo(np.int32).min)
    assert_equal("tf sum/prod/mean/max over an empty int32 axis", got,
                 [[0, 0], [1, 1], [0, 0], [lowest, lowest]], expr="np.zeros((0, 2), np.int32), axis=0")


@pytest.mark.claim("reduce.by_dim", "tensorflow_axis_errors")
@given(data=st.data())
def test_tensorflow_out_of_range_axis(tf, data):
    """TF: InvalidArgumentError 'Invalid reduction dimension' (argmax: 'Expected dimension in the range
    [-n, n)'); a rank-0 tensor accepts no axis at all (torch accepts 0 and -1)."""
    op = data.draw(st.sampled_from(OPS), label="op")
    shape = data.draw(S.shapes(max_dims=4), label="shape")
    ndim = len(shape)
    dim = data.draw(S.out_of_range_dims(ndim) if ndim else st.sampled_from([0, -1, 1]), label="dim")
    message = (f"Expected dimension in the range [{-ndim}, {ndim}), but got {dim}" if op == "argmax"
               else f"Invalid reduction dimension ({dim} for input with {ndim} dimension(s)")
    with repro(f"tf.math.{TF_NAME[op]}(np.zeros({shape}, np.float32), axis={dim})"):
        with pytest.raises(tf.errors.InvalidArgumentError, match=re.escape(message)):
            getattr(tf.math, TF_NAME[op])(np.zeros(shape, np.float32), axis=dim)


# ---- reduce.max_argmax ---------------------------------------------------------------------------
LAYOUTS = ("contiguous", "fortran", "strided")


@pytest.mark.claim("reduce.max_argmax", "max_is_the_largest", "flat_argmax", "empty_raises")
@on_devices
@given(data=st.data())
def test_max_and_flat_argmax(device, data):
    """``max()`` is the largest element (NaN if any); ``argmax()`` a rank-0 int64 index into the
    row-major flattened tensor (first NaN, else first of tied maxima), whatever the memory layout;
    NumPy's ``argmax()`` agrees.  Empty tensors raise."""
    dtype = data.draw(st.sampled_from(INTS + FLOATS), label="dtype")
    shape = data.draw(S.shapes(max_size=MAX_SIZE), label="shape")
    layout = data.draw(st.sampled_from(LAYOUTS), label="layout")
    a = data.draw(hnp.arrays(storage_dtype(dtype), shape, elements=comparable(dtype)), label="a")
    t = torch.from_numpy(S.laid_out(a, layout)).to(device=device, dtype=dtype)
    forms = [*zip(spellings("max").items(), spellings("argmax").items())]  # (t.max(), t.argmax()), (torch.max(t), ...)
    with repro(f"t = torch.tensor({source(a)}).to({dtype})  # layout {layout}\n"
               f"{'; '.join(call for pair in forms for call, _ in pair)}"):
        for (max_call, max_), (argmax_call, argmax) in forms:
            exprs = f"{max_call}, {argmax_call}"
            if t.numel() == 0:
                unspecified = re.escape("(): Expected reduction dim to be specified for input.numel() == 0")
                with pytest.raises(RuntimeError, match="max" + unspecified):
                    max_(t)
                with pytest.raises(IndexError, match="argmax" + unspecified):
                    argmax(t)
                continue
            m, i = max_(t), argmax(t)
            assert_equal("(max.shape, argmax.shape)", (tuple(m.shape), tuple(i.shape)), ((), ()), expr=exprs)
            assert_equal("(max.dtype, argmax.dtype)", (m.dtype, i.dtype), (dtype, torch.int64), expr=exprs)
            flat = values_array(t).reshape(-1).tolist()
            assert_reduced(m, expected(ref_max, np.array(flat), None, dtype), "max", max_call)
            assert_equal(argmax_call, i.item(), ref_argmax(flat), expr=f"flattened: {flat}")
            assert_values(t.reshape(-1)[i], m, f"t.reshape(-1)[{argmax_call}] == {max_call}", exact=True,
                          zero_sign=False)
        if t.numel():
            assert_equal("np.argmax(a)", int(np.argmax(a)), ref_argmax(flat), expr=f"flattened: {flat}")


@pytest.mark.claim("reduce.max_argmax", "max_dim_named_tuple")
@on_devices
@given(data=st.data())
def test_max_and_argmax_along_dim(device, data):
    """``max(dim)`` is a (values, indices) named tuple; ``argmax(dim)`` equals its indices: per lane the
    first NaN, else the first of tied maxima; the same as t.max(dim=k) and as torch.max(t, dim=k)."""
    dtype = data.draw(st.sampled_from(INTS + FLOATS), label="dtype")
    shape = data.draw(S.shapes(min_dims=1, min_side=1, max_size=MAX_SIZE), label="shape")
    dim = data.draw(S.dims(len(shape)), label="dim")
    a = data.draw(hnp.arrays(storage_dtype(dtype), shape, elements=comparable(dtype)), label="a")
    t = tensor_of(a, dtype, device)
    forms = [*zip(spellings("max", f"dim={dim}").items(), spellings("argmax", f"dim={dim}").items())]
    with repro(f"t = torch.tensor({source(a)}).to({dtype})\n{'; '.join(call for pair in forms for call, _ in pair)}"):
        for (max_call, max_), (argmax_call, argmax) in forms:
            r = max_(t, dim=dim)
            assert_equal(f"type({max_call})", (type(r), isinstance(r, tuple), len(r)),
                         (torch.return_types.max, True, 2), expr=max_call)
            assert r[0] is r.values and r[1] is r.indices, f"{max_call} should unpack as (values, indices)"
            assert_reduced(r.values, expected(ref_max, values_array(t), dim, dtype), "max", f"{max_call}.values")
            want = expected(ref_argmax, values_array(t), dim, torch.int64)
            assert_reduced(r.indices, want, "argmax", f"{max_call}.indices")
            assert_values(argmax(t, dim=dim), r.indices, f"{argmax_call} == {max_call}.indices", exact=True)


@pytest.mark.claim("reduce.max_argmax", "flat_argmax", "max_dim_named_tuple")
@on_devices
def test_ties_and_nan_pick_the_first(device):
    """Worked example: ties give the first index, a NaN wins (the first NaN), per row and flattened."""
    t = torch.tensor([[1.0, 5.0, 5.0, 2.0], [math.nan, 2.0, math.nan, 9.0]], device=device)
    assert_equal("t.argmax()", t.argmax().item(), 4, expr="first NaN of the flattened tensor")
    r = t.max(dim=1)
    assert_equal("t.max(dim=1).indices", r.indices.tolist(), [1, 0], expr="first tie / first NaN")
    assert_values(r.values, [5.0, math.nan], "t.max(dim=1).values", exact=True)
    assert_equal("t.argmax(dim=0)", t.argmax(dim=0).tolist(), [1, 0, 1, 1], expr="columns: NaN > 1, 5 > 2, NaN > 5, 9 > 2")


@pytest.mark.claim("reduce.max_argmax", "signed_zeros_tie")
@on_devices
def test_zeros_of_both_signs_tie(device, claim_fact):
    """Worked example: -0.0 and 0.0 are equal, so they tie: argmax gives the first one's index, and
    t[t.argmax()] == t.max() holds as ``==`` says, while the zero max() returns may carry the other
    sign (recorded as a fact, NumPy's beside it)."""
    for values in ([-0.0, 0.0], [0.0, -0.0]):
        t = torch.tensor(values, device=device)
        assert_equal("t.argmax()", t.argmax().item(), 0, expr=f"torch.tensor({values})")
        assert_equal("t.max() == t[t.argmax()]", bool(t.max() == t[t.argmax()]), True, expr=f"torch.tensor({values})")
        claim_fact(f"torch.tensor({values}).max() / np.max", f"{t.max().item()} / {np.array(values).max()}")

@pytest.mark.claim("reduce.max_argmax", "bool_tensors")
@on_devices
def test_argmax_refuses_bool(device):
    """``max`` takes bool tensors, ``argmax`` does not (RuntimeError "argmax(): does not support bool
    input"); NumPy's argmax does."""
    t = torch.tensor([[False, True], [True, True]], device=device)
    for call, max_ in spellings("max").items():
        assert_equal(call, (max_(t).dtype, max_(t).item()), (torch.bool, True), expr="bool max")
    for call, argmax in spellings("argmax").items():
        with pytest.raises(RuntimeError, match=re.escape("argmax(): does not support bool input")):
            argmax(t)
    assert_equal("np.argmax", int(np.argmax(np.array([[False, True], [True, True]]))), 1, expr="np.argmax(bool)")


@pytest.mark.claim("reduce.max_argmax", "tensorflow_argmax")
@given(data=st.data())
def test_tensorflow_argmax_is_per_axis_and_skips_nan(tf, data):
    """``tf.math.argmax(x)`` reduces axis 0 (not the flattened tensor); along an axis it skips NaN
    (while tf.reduce_max propagates it), so on a lane with NaN TF's argmax and max disagree."""
    dtype = data.draw(st.sampled_from(TF_FLOATS), label="dtype")
    shape = data.draw(S.shapes(min_dims=1, min_side=1, max_size=MAX_SIZE), label="shape")
    a = data.draw(hnp.arrays(storage_dtype(dtype), shape, elements=comparable(dtype)), label="a")
    with repro(f"import tensorflow as tf\ntf.math.argmax({source(a)})"):
        out = tf.math.argmax(a)
        assert_equal("tf.math.argmax(x).shape", tf_shape(out), a.shape[1:], expr="default axis=0")
        want = expected(ref_argmax_skipping_nan, a, 0, torch.int64)
        assert_reduced(to_numpy(out), want, "argmax", "tf.math.argmax(x)")
        want = expected(ref_max, a, 0, dtype)
        assert_reduced(to_numpy(tf.reduce_max(a, axis=0)), want, "max", "tf.reduce_max(x, axis=0)")


# ---- reduce.to_python ----------------------------------------------------------------------------
PY_TYPE = {torch.bool: bool, **{d: int for d in INTS}, **{d: float for d in FLOATS}}


def same_nested(x, y) -> bool:
    """Nested lists/scalars equal, NaN equal to NaN, and of the same Python types."""
    if isinstance(x, list) or isinstance(y, list):
        return isinstance(x, list) and isinstance(y, list) and len(x) == len(y) and all(map(same_nested, x, y))
    if type(x) is not type(y):
        return False
    return x == y or (isinstance(x, float) and math.isnan(x) and math.isnan(y))


@pytest.mark.claim("reduce.to_python", "item_of_one_element", "item_of_many_raises", "tolist_nested", "numpy_shares",
                   "numpy_refusals")
@given(data=st.data())
def test_item_tolist_numpy(data):
    """``item()`` gives a Python bool/int/float for a tensor of exactly one element (any rank) and
    raises otherwise; ``tolist()`` nested lists (a bare scalar for rank 0); ``numpy()`` an ndarray
    sharing memory, CPU only, not for bfloat16."""
    dtype = data.draw(st.sampled_from(REAL), label="dtype")
    shape = data.draw(st.one_of(S.shapes(), st.integers(0, 5).map(lambda n: (1,) * n)), label="shape")
    a = data.draw(hnp.arrays(storage_dtype(dtype), shape, elements=comparable(dtype)), label="a")
    t = tensor_of(a, dtype, "cpu")
    ref = values_array(t).tolist()  # NumPy's tolist of the same values is the reference structure
    with repro(f"t = torch.tensor({source(a)}).to({dtype})\nt.item(); t.tolist(); t.numpy()"):
        if t.numel() == 1:
            v = t.item()
            assert_equal("type(t.item())", type(v), PY_TYPE[dtype], expr="t.item()")
            assert same_nested(v, PY_TYPE[dtype](values_array(t).reshape(-1)[0].item())), f"t.item()={v!r}"
        else:
            message = f"a Tensor with {t.numel()} elements cannot be converted to Scalar"
            if differs("item_many_valueerror"):
                error, message = ValueError, "only one element tensors can be converted to Python scalars"
            else:
                error = RuntimeError
            with pytest.raises(error, match=re.escape(message)):
                t.item()
        lst = t.tolist()
        want = _typed(ref, PY_TYPE[dtype])
        assert same_nested(lst, want), f"t.tolist()={lst!r}, but should be {want!r}"
        if dtype == torch.bfloat16:
            with pytest.raises(TypeError, match="Got unsupported ScalarType BFloat16"):
                t.numpy()
        else:
            arr = t.numpy()
            assert_equal("type(t.numpy())", type(arr), np.ndarray, expr="t.numpy()")
            want = (shape, D.NUMPY_OF_TORCH[dtype])
            assert_equal("t.numpy() (shape, dtype)", (arr.shape, arr.dtype), want, expr="t.numpy()")
            if t.numel():
                assert_shares(t, arr, expr="t.numpy()")


def _typed(x, py_type):
    return [_typed(v, py_type) for v in x] if isinstance(x, list) else py_type(x)


@pytest.mark.claim("reduce.to_python", "cuda_numpy_refused")
@on_cuda
def test_a_cuda_tensor_has_no_numpy(device):
    """t.numpy() of a CUDA tensor raises TypeError "can't convert cuda..."; item() and tolist() work."""
    t = torch.tensor([[1.0, 2.0]], device=device)
    with pytest.raises(TypeError, match="can't convert cuda"):
        t.numpy()
    assert_equal("t[0, 1].item()", t[0, 1].item(), 2.0, expr="CUDA item()")
    assert_equal("t.tolist()", t.tolist(), [[1.0, 2.0]], expr="CUDA tolist()")


@pytest.mark.claim("reduce.to_python", "item_of_one_element", "numpy_refusals")
@on_devices
@pytest.mark.filterwarnings("ignore:ComplexHalf support is experimental")
def test_complex_item_and_the_tensors_numpy_refuses(device):
    """item() of a complex tensor is a Python complex; numpy() refuses complex32 and sparse tensors
    (TypeError) and tensors with the conjugate bit set (RuntimeError) until resolve_conj()."""
    z = torch.tensor([[1 + 2j]], device=device)
    assert_equal("t.item()", (type(z.item()), z.item()), (complex, 1 + 2j), expr="torch.tensor([[1+2j]]).item()")
    if torch.device(device).type != "cpu":
        return  # numpy() of any CUDA tensor is the TypeError of test_item_tolist_numpy
    with pytest.raises(TypeError, match="Got unsupported ScalarType ComplexHalf"):
        torch.ones(2, dtype=torch.complex32).numpy()
    with pytest.raises(TypeError, match="can't convert Sparse layout tensor to numpy"):
        torch.eye(2).to_sparse().numpy()
    for expr, conj in (("t.conj()", z.conj()), ("torch.fft.ifft(torch.ones(4))", torch.fft.ifft(torch.ones(4)))):
        assert_equal(f"{expr}.is_conj()", conj.is_conj(), True, expr=expr)
        with pytest.raises(RuntimeError, match="Can't call numpy\\(\\) on Tensor that has conjugate bit set"):
            conj.numpy()
        assert_values(conj.resolve_conj().numpy(), conj, f"{expr}.resolve_conj().numpy()", exact=True)


@pytest.mark.claim("reduce.to_python", "item_of_one_element", "tolist_nested", "numpy_shares", "numpy_refusals")
@on_devices
def test_the_notes_mean_conversions(device):
    """The note's chain on a mean: ``.item()`` a float, ``.tolist()`` also a float (not a list), and
    ``.numpy()`` a 0-d ndarray (CPU only); with requires_grad, ``.numpy()`` needs ``.detach()`` first."""
    m = torch.tensor([[1.0, 2.0], [3.0, 4.0]], device=device).mean()
    assert_equal("t.mean().item()", (type(m.item()), m.item()), (float, 2.5), expr="t.mean().item()")
    assert_equal("t.mean().tolist()", (type(m.tolist()), m.tolist()), (float, 2.5), expr="t.mean().tolist()")
    if torch.device(device).type == "cpu":
        arr = m.numpy()
        assert_equal("t.mean().numpy()", (type(arr), arr.shape, arr.item()), (np.ndarray, (), 2.5), expr="t.mean().numpy()")
    g = torch.tensor([1.0, 2.0], device=device, requires_grad=True).mean()
    assert_equal("g.item()", g.item(), 1.5, expr="requires_grad: item() works")
    with pytest.raises(RuntimeError, match=re.escape("Can't call numpy() on Tensor that requires grad")):
        g.numpy()
