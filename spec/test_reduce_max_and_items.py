"""reduce: max/argmax (values, indices, ties, NaN) and turning results into Python numbers and lists (DL13)."""
from __future__ import annotations

import math
import re

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tensorspec.claims.context import differs
from tensorspec.reference.ops import (
    ref_argmax,
    ref_argmax_skipping_nan,
    ref_max,
)
from tensorspec.testing import dtypes as D
from tensorspec.testing import strategies as S
from tensorspec.testing.assertions import assert_equal, assert_shares, assert_values, repro, source
from tensorspec.testing.devices import on_cuda, on_devices
from tensorspec.testing.dtypes import storage_dtype
from tensorspec.testing.exact_values import comparable, values_array
from tensorspec.testing.layouts import array_in_layout
from tensorspec.testing.reductions import (
    FLOATS,
    INTS,
    MAX_SIZE,
    REAL,
    TF_FLOATS,
    assert_reduced,
    expected,
    tensor_of,
)
from tensorspec.testing.spellings import spellings
from tensorspec.testing.tensorflow_compat import tf_shape, to_numpy

# ---- reduce.max_argmax ---------------------------------------------------------------------------
LAYOUTS = ("contiguous", "fortran", "stepped")  # of tensorspec.testing.layouts


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
    t = torch.from_numpy(array_in_layout(a, layout)).to(device=device, dtype=dtype)
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
            assert_equal((tuple(m.shape), tuple(i.shape)), ((), ()), expr=exprs, name="(max.shape, argmax.shape)")
            assert_equal((m.dtype, i.dtype), (dtype, torch.int64), expr=exprs, name="(max.dtype, argmax.dtype)")
            flat = values_array(t).reshape(-1).tolist()
            assert_reduced(m, expected(ref_max, np.array(flat), None, dtype), op="max", expr=max_call)
            assert_equal(i.item(), ref_argmax(flat), expr=f"flattened: {flat}", name=argmax_call)
            assert_values(t.reshape(-1)[i], m, expr=f"t.reshape(-1)[{argmax_call}] == {max_call}", exact=True,
                          zero_sign=False)
        if t.numel():
            assert_equal(int(np.argmax(a)), ref_argmax(flat), expr=f"flattened: {flat}", name="np.argmax(a)")


@pytest.mark.claim("reduce.max_argmax", "max_is_the_largest", "flat_argmax")
@on_devices
@pytest.mark.parametrize("dtype", [torch.float16, torch.float32, torch.float64], ids=str)
def test_a_nan_is_the_max_and_the_first_nan_the_argmax(device, dtype):
    """The case the property may not draw in a derandomized run: a NaN anywhere makes max() NaN and
    argmax() the index of the first NaN, in every spelling."""
    t = torch.tensor([[1.0, float("nan")], [5.0, float("nan")]], dtype=dtype, device=device)
    for (max_call, max_), (argmax_call, argmax) in zip(spellings("max").items(), spellings("argmax").items()):
        with repro(f"t = torch.tensor([[1.0, nan], [5.0, nan]], dtype={dtype}); {max_call}; {argmax_call}"):
            assert_equal(bool(max_(t).isnan()), True, expr=max_call, name=f"{max_call}.isnan()")
            assert_equal(argmax(t).item(), 1, expr=argmax_call, name=argmax_call)


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
            assert_equal((type(r), isinstance(r, tuple), len(r)), (torch.return_types.max, True, 2), expr=max_call,
                         name=f"type({max_call})")
            assert r[0] is r.values and r[1] is r.indices, f"{max_call} should unpack as (values, indices)"
            assert_reduced(r.values, expected(ref_max, values_array(t), dim, dtype), op="max",
                           expr=f"{max_call}.values")
            want = expected(ref_argmax, values_array(t), dim, torch.int64)
            assert_reduced(r.indices, want, op="argmax", expr=f"{max_call}.indices")
            assert_values(argmax(t, dim=dim), r.indices, expr=f"{argmax_call} == {max_call}.indices", exact=True)


@pytest.mark.claim("reduce.max_argmax", "flat_argmax", "max_dim_named_tuple")
@on_devices
def test_ties_and_nan_pick_the_first(device):
    """Worked example: ties give the first index, a NaN wins (the first NaN), per row and flattened."""
    t = torch.tensor([[1.0, 5.0, 5.0, 2.0], [math.nan, 2.0, math.nan, 9.0]], device=device)
    assert_equal(t.argmax().item(), 4, expr="first NaN of the flattened tensor", name="t.argmax()")
    r = t.max(dim=1)
    assert_equal(r.indices.tolist(), [1, 0], expr="first tie / first NaN", name="t.max(dim=1).indices")
    assert_values(r.values, [5.0, math.nan], expr="t.max(dim=1).values", exact=True)
    assert_equal(t.argmax(dim=0).tolist(), [1, 0, 1, 1], expr="columns: NaN > 1, 5 > 2, NaN > 5, 9 > 2",
                 name="t.argmax(dim=0)")


@pytest.mark.claim("reduce.max_argmax", "signed_zeros_tie")
@on_devices
def test_zeros_of_both_signs_tie(device, claim_fact):
    """Worked example: -0.0 and 0.0 are equal, so they tie: argmax gives the first one's index, and
    t[t.argmax()] == t.max() holds as ``==`` says, while the zero max() returns may carry the other
    sign (recorded as a fact, NumPy's beside it)."""
    for values in ([-0.0, 0.0], [0.0, -0.0]):
        t = torch.tensor(values, device=device)
        assert_equal(t.argmax().item(), 0, expr=f"torch.tensor({values})", name="t.argmax()")
        assert_equal(bool(t.max() == t[t.argmax()]), True, expr=f"torch.tensor({values})",
                     name="t.max() == t[t.argmax()]")
        claim_fact(f"torch.tensor({values}).max() / np.max", f"{t.max().item()} / {np.array(values).max()}")

@pytest.mark.claim("reduce.max_argmax", "bool_tensors")
@on_devices
def test_argmax_refuses_bool(device):
    """``max`` takes bool tensors, ``argmax`` does not (RuntimeError "argmax(): does not support bool
    input"); NumPy's argmax does."""
    t = torch.tensor([[False, True], [True, True]], device=device)
    for call, max_ in spellings("max").items():
        assert_equal((max_(t).dtype, max_(t).item()), (torch.bool, True), expr="bool max", name=call)
    words = ('"argmax_cpu" not implemented for \'Bool\'' if differs("argmax_bool_missing_kernel") and device == "cpu"
             else "argmax(): does not support bool input")
    for call, argmax in spellings("argmax").items():
        with pytest.raises(RuntimeError, match=re.escape(words)):
            argmax(t)
    assert_equal(int(np.argmax(np.array([[False, True], [True, True]]))), 1, expr="np.argmax(bool)", name="np.argmax")


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
        assert_equal(tf_shape(out), a.shape[1:], expr="default axis=0", name="tf.math.argmax(x).shape")
        want = expected(ref_argmax_skipping_nan, a, 0, torch.int64)
        assert_reduced(to_numpy(out), want, op="argmax", expr="tf.math.argmax(x)")
        want = expected(ref_max, a, 0, dtype)
        assert_reduced(to_numpy(tf.reduce_max(a, axis=0)), want, op="max", expr="tf.reduce_max(x, axis=0)")


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
            assert_equal(type(v), PY_TYPE[dtype], expr="t.item()", name="type(t.item())")
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
            assert_equal(type(arr), np.ndarray, expr="t.numpy()", name="type(t.numpy())")
            want = (shape, D.NUMPY_OF_TORCH[dtype])
            assert_equal((arr.shape, arr.dtype), want, expr="t.numpy()", name="t.numpy() (shape, dtype)")
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
    assert_equal(t[0, 1].item(), 2.0, expr="CUDA item()", name="t[0, 1].item()")
    assert_equal(t.tolist(), [[1.0, 2.0]], expr="CUDA tolist()", name="t.tolist()")


@pytest.mark.claim("reduce.to_python", "item_of_one_element", "numpy_refusals")
@on_devices
@pytest.mark.filterwarnings("ignore:ComplexHalf support is experimental")
def test_complex_item_and_the_tensors_numpy_refuses(device):
    """item() of a complex tensor is a Python complex; numpy() refuses complex32 and sparse tensors
    (TypeError) and tensors with the conjugate bit set (RuntimeError) until resolve_conj()."""
    z = torch.tensor([[1 + 2j]], device=device)
    assert_equal((type(z.item()), z.item()), (complex, 1 + 2j), expr="torch.tensor([[1+2j]]).item()", name="t.item()")
    if torch.device(device).type != "cpu":
        return  # numpy() of any CUDA tensor is the TypeError of test_item_tolist_numpy
    with pytest.raises(TypeError, match="Got unsupported ScalarType ComplexHalf"):
        torch.ones(2, dtype=torch.complex32).numpy()
    with pytest.raises(TypeError, match="can't convert Sparse layout tensor to numpy"):
        torch.eye(2).to_sparse().numpy()
    for expr, conj in (("t.conj()", z.conj()), ("torch.fft.ifft(torch.ones(4))", torch.fft.ifft(torch.ones(4)))):
        assert_equal(conj.is_conj(), True, expr=expr, name=f"{expr}.is_conj()")
        with pytest.raises(RuntimeError, match="Can't call numpy\\(\\) on Tensor that has conjugate bit set"):
            conj.numpy()
        assert_values(conj.resolve_conj().numpy(), conj, expr=f"{expr}.resolve_conj().numpy()", exact=True)


@pytest.mark.claim("reduce.to_python", "item_of_one_element", "tolist_nested", "numpy_shares", "numpy_refusals")
@on_devices
def test_the_notes_mean_conversions(device):
    """The note's chain on a mean: ``.item()`` a float, ``.tolist()`` also a float (not a list), and
    ``.numpy()`` a 0-d ndarray (CPU only); with requires_grad, ``.numpy()`` needs ``.detach()`` first."""
    m = torch.tensor([[1.0, 2.0], [3.0, 4.0]], device=device).mean()
    assert_equal((type(m.item()), m.item()), (float, 2.5), expr="t.mean().item()", name="t.mean().item()")
    assert_equal((type(m.tolist()), m.tolist()), (float, 2.5), expr="t.mean().tolist()", name="t.mean().tolist()")
    if torch.device(device).type == "cpu":
        arr = m.numpy()
        assert_equal((type(arr), arr.shape, arr.item()), (np.ndarray, (), 2.5), expr="t.mean().numpy()",
                     name="t.mean().numpy()")
    g = torch.tensor([1.0, 2.0], device=device, requires_grad=True).mean()
    assert_equal(g.item(), 1.5, expr="requires_grad: item() works", name="g.item()")
    with pytest.raises(RuntimeError, match=re.escape("Can't call numpy() on Tensor that requires grad")):
        g.numpy()
