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

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from tensorspec.claims.context import differs
from tensorspec.reference.ops import (
    ref_argmax,
)
from tensorspec.reference.shapes import dim_error
from tensorspec.testing import dtypes as D
from tensorspec.testing import strategies as S
from tensorspec.testing.assertions import assert_dtype, assert_equal, assert_shape, assert_values, repro, source
from tensorspec.testing.devices import on_devices
from tensorspec.testing.exact_values import values_array
from tensorspec.testing.kernels import MISSING, call_unless_missing
from tensorspec.testing.reductions import (
    NUMPY_REF,
    OPS,
    REAL,
    TF_FLOATS,
    TF_NAME,
    TF_REF,
    TORCH_REF,
    assert_reduced,
    expected,
    numpy_result_dtype,
    quietly,
    reduction_case,
    tensor_of,
    torch_result_dtype,
)
from tensorspec.testing.spellings import spellings
from tensorspec.testing.tensorflow_compat import tf_shape, to_numpy

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
            assert_equal(tuple(out.shape), (), expr=call, name="out.shape")
            assert_equal(out.dtype, torch_result_dtype(op, dtype), expr=call, name="out.dtype")
            assert_reduced(out, expected(TORCH_REF[op], values_array(t), None, out.dtype), op=op, expr=call)


@pytest.mark.claim("reduce.whole", "std_is_sample_std")
@pytest.mark.claim("reduce.by_dim", "numpy_agrees")
@on_devices
def test_std_default_correction_differs(device):
    """std's default: torch divides by N-1 (correction=1), NumPy by N (ddof=0); each has the other's
    as an option.  (tf.math.reduce_std divides by N: test_tensorflow_reduction_dtypes.)"""
    x = torch.tensor([3.0, 5.0], device=device)
    assert_values(x.std(), math.sqrt(2.0), expr="torch.tensor([3., 5.]).std()")
    if differs("std_correction_keyword_missing"):
        with pytest.raises(TypeError, match="correction"):
            x.std(correction=0)
        assert_values(x.std(unbiased=False), 1.0, expr="torch.tensor([3., 5.]).std(unbiased=False)")
    else:
        assert_values(x.std(correction=0), 1.0, expr="torch.tensor([3., 5.]).std(correction=0)")
    assert_values(np.std(np.array([3.0, 5.0])), 1.0, expr="np.std([3., 5.])")
    assert_values(np.std(np.array([3.0, 5.0]), ddof=1), math.sqrt(2.0), expr="np.std([3., 5.], ddof=1)")


@pytest.mark.claim("reduce.whole", "int64_wraps")
@on_devices
def test_int64_sums_wrap(device):
    """int64 itself wraps silently: torch.full((2,), 2**62).sum() is -2**63."""
    big = torch.full((2,), 2**62, dtype=torch.int64, device=device)
    assert_equal((big.sum().dtype, big.sum().item()), (torch.int64, -2**63), expr="torch.full((2,), 2**62).sum()",
                 name="int64 sum")


@pytest.mark.claim("reduce.whole", "complex_results")
@on_devices
def test_complex_std_is_real(device):
    """Of a complex tensor sum and mean keep the dtype (and the values); std is real."""
    for dtype, real in ((torch.complex64, torch.float32), (torch.complex128, torch.float64)):
        z = torch.tensor([1 + 1j, 2 + 0j, 3 + 2j], dtype=dtype, device=device)
        for expr, call in {"z.std()": z.std, "torch.std(z)": lambda: torch.std(z)}.items():
            assert_equal(call().dtype, real, expr=f"{expr}, {dtype}", name=f"({expr}).dtype")
            assert_values(call(), math.sqrt(2.0), expr=f"{expr}, z = [1+1j, 2, 3+2j]")
        assert_equal((z.sum().dtype, z.mean().dtype), (dtype, dtype), expr=f"complex sum/mean ({dtype})",
                     name="sum/mean dtype")
        assert_values(z.sum(), 6 + 3j, expr="z.sum(), z = [1+1j, 2, 3+2j]", exact=True)
        assert_values(z.mean(), 2 + 1j, expr="z.mean(), z = [1+1j, 2, 3+2j]", exact=True)


@pytest.mark.claim("reduce.whole", "mean_std_refuse_integers")
@on_devices
def test_integer_means_need_a_dtype(device):
    """An integer mean works with dtype=torch.float32 or after .float()."""
    ints = torch.tensor([1, 2], device=device)
    assert_values(ints.mean(dtype=torch.float32), 1.5, expr="torch.tensor([1, 2]).mean(dtype=torch.float32)",
                  exact=True)
    assert_values(ints.float().mean(), 1.5, expr="torch.tensor([1, 2]).float().mean()", exact=True)


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
                assert_equal(type(out), torch.return_types.max, expr=call, name="type(out)")
                want = expected(ref_argmax, values_array(t), dim, torch.int64)
                assert_reduced(out.indices, want, op="argmax", expr=f"{call}.indices")
                # as numbers, as NumPy's max is compared below: a lane of zeros of both signs has its maximum's sign
                # left open (torch 2.13's amax gives -0.0 where max(dim=0) gives 0.0, found by the matrix)
                assert_values(torch.amax(t, dim), out.values, expr=f"torch.amax(t, {dim}) == {call}.values", exact=True,
                              zero_sign=False)
                out = out.values
            assert_equal(tuple(out.shape), out_shape, expr=call, name="out.shape")
            assert_equal(out.dtype, torch_result_dtype(op, dtype), expr=call, name="out.dtype")
            assert_reduced(out, expected(TORCH_REF[op], values_array(t), dim, out.dtype), op=op, expr=call)
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
        assert_reduced(np_out, expected(NUMPY_REF[op], a, dim, like), op=op, expr=np_call)


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
            assert_equal(reduce(t, dim=dim).tolist(), want, expr="t = [[0, 1, 0], [2, 0, 2], [0, 3, 3]]", name=call)


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
        assert_equal(tuple(out.shape), (), expr=f"t = torch.tensor(3.); {call}", name=f"({call}).shape")
        assert_values(out, want, expr=f"t = torch.tensor(3.); {call}", exact=True)


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
        assert_equal(got, ((), torch.int64, total), expr=f"t = torch.tensor({values}); {call}", name="torch sum")
    np_out = a.sum(axis=0)
    want = (numpy_result_dtype("sum", a.dtype), total)
    assert_equal((np_out.dtype, int(np_out)), want, expr=f"np.sum({values})", name="np sum")
    for call, reduce in spellings("mean", "dim=0").items():
        with pytest.raises(RuntimeError, match=re.escape("mean(): could not infer output dtype")):
            reduce(torch.from_numpy(a).to(device), dim=0)
    assert_equal(np.mean(a, axis=0).dtype, np.dtype(np.float64), expr=f"np.mean({values}, axis=0)",
                 name="np.mean(axis=0).dtype")


# ---- reduce.by_dim: TensorFlow ---------------------------------------------------------------------


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
        assert_equal(tf_shape(out), out_shape, expr=call, name="tf out.shape")
        like = torch.int64 if op == "argmax" else dtype
        assert_reduced(to_numpy(out), expected(TF_REF[op], a, dim, like), op=op, expr=call)


@pytest.mark.claim("reduce.by_dim", "tensorflow_along_axis")
def test_tensorflow_worked_examples(tf):
    """Worked examples, every run: reduce_std divides by N; argmax skips NaN; reduce_max over an empty
    axis is -inf."""
    x = np.array([[3.0, np.nan], [5.0, 1.0]])
    assert_values(to_numpy(tf.math.reduce_std(x[:, 0], axis=0)), 1.0, expr="tf.math.reduce_std([3., 5.]) divides by N")
    assert_equal(to_numpy(tf.math.argmax(x, axis=0)).tolist(), [1, 1], expr="x = [[3, nan], [5, 1]]: NaN skipped",
                 name="tf.math.argmax(x, axis=0)")
    assert_values(to_numpy(tf.reduce_max(np.zeros((0, 2)), axis=0)), [-np.inf, -np.inf],
                  expr="tf.reduce_max over (0, 2), axis=0", exact=True)


@pytest.mark.claim("reduce.by_dim", "tensorflow_keeps_the_dtype")
def test_tensorflow_reduction_dtypes(tf):
    """TF keeps the input dtype: int8 sums wrap, integer means are truncated integers, bool sums and
    integer std are refused; empty axes give 0 / 1 / NaN / the dtype's lowest value."""
    i8 = np.array([100, 100, 100], np.int8)
    assert_equal((tf.reduce_sum(i8).dtype, int(tf.reduce_sum(i8))), (tf.int8, 44), expr="300 wraps",
                 name="tf.reduce_sum(int8)")
    assert_equal(int(tf.reduce_mean(np.array([1, 2], np.int32))), 1, expr="[1, 2]", name="tf.reduce_mean(int32)")
    assert_equal(int(tf.reduce_mean(np.array([-1, -2], np.int32))), -1, expr="[-1, -2]", name="tf.reduce_mean(int32)")
    with pytest.raises(tf.errors.InvalidArgumentError, match="bool is not in the list of allowed values"):
        tf.reduce_sum(np.array([True, False]))
    with pytest.raises(TypeError, match="Input must be either real or complex"):
        tf.math.reduce_std(np.array([1, 2], np.int32))
    empty = np.zeros((0, 2), np.int32)
    got = [to_numpy(f(empty, axis=0)).tolist() for f in (tf.reduce_sum, tf.reduce_prod, tf.reduce_mean, tf.reduce_max)]
    lowest = int(np.iinfo(np.int32).min)
    assert_equal(got, [[0, 0], [1, 1], [0, 0], [lowest, lowest]], expr="np.zeros((0, 2), np.int32), axis=0",
                 name="tf sum/prod/mean/max over an empty int32 axis")


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


