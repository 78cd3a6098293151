"""creation: making tensors, and whether they copy or share their data (DL9, BZ, CH2.2).

``torch.Tensor``, ``torch.tensor``, ``torch.as_tensor`` and ``torch.from_numpy`` are checked over
dtypes, shapes (rank 0 and empty included), memory layouts and input kinds.  "Shares" is decided by
the storage pointer AND by writing through one side and reading the other (tensorspec.testing.assertions).
"""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import example, given
from hypothesis import strategies as st

from tensorspec.claims.context import differs
from tensorspec.testing import dtypes as D
from tensorspec.testing import strategies as S
from tensorspec.testing.assertions import (assert_copies, assert_dtype, assert_equal, assert_shape, assert_shares,
    assert_tensor, assert_values, repro, source)
from tensorspec.testing.creation_inputs import (
    WRAPPABLE,
    quietly,
)
from tensorspec.testing.defaults import default_dtype
from tensorspec.testing.devices import on_devices
from tensorspec.testing.layouts import array_in_layout


@pytest.mark.claim("creation.factories", "sizes_tuple_or_list", "zero_d_needs_the_empty_tuple", "rand_in_unit_interval",
                   "default_dtype", "eye_values", "eye_takes_ints_only")
@on_devices
@given(shape=S.shapes(max_dims=4), n=st.integers(0, 6), m=st.integers(0, 6))
@example(shape=(), n=2, m=3)  # rank 0: only the empty tuple makes it
@example(shape=(2, 3), n=3, m=2)
def test_factories(device, shape, n, m):
    """zeros/ones/rand from sizes or a shape tuple or list; eye(n, m) has NumPy's eye's values in the default
    dtype but takes no tuple; rand lies in [0, 1)."""
    with repro(f"torch.zeros({shape}); torch.ones(*{shape}); torch.rand({shape}); torch.eye({n}, {m})"):
        for make, value in ((torch.zeros, 0), (torch.ones, 1), (torch.rand, None)):
            name = make.__name__
            by_tuple = make(shape, device=device)
            assert_shape(by_tuple, shape, expr=f"{name}({shape})", name="shape")
            if shape:
                assert_shape(make(*shape, device=device), shape, expr=f"{name}(*{shape})", name="shape")
            else:  # no sizes at all is an error: a 0-d tensor needs the tuple form, zeros(())
                words = ("invalid combination of arguments" if make is torch.rand or differs("zeros_without_size_invalid_combination")
                         else "missing 1 required positional")
                with pytest.raises(TypeError, match=words):
                    make()
                    pytest.fail(f"torch.{name}() made a tensor")
            assert_shape(make(list(shape), device=device), shape, expr=f"{name}({list(shape)})", name="shape")
            if value is not None:
                forms = {f"{name}({shape})": by_tuple, f"{name}({list(shape)})": make(list(shape), device=device)}
                if shape:
                    forms[f"{name}(*{shape})"] = make(*shape, device=device)
                for form, t in forms.items():
                    assert_values(t, np.full(shape, value, np.float32), expr=form, exact=True)
        r = torch.rand(shape, device=device)
        assert_dtype(r, torch.get_default_dtype(), expr=f"torch.rand({shape})", name="dtype")
        assert bool(((r >= 0) & (r < 1)).all()), f"torch.rand({shape}) left [0, 1): {r}"
        eye = torch.eye(n, m, device=device)
        assert_values(eye, np.eye(n, m), expr=f"torch.eye({n}, {m})", exact=True)
        assert_equal(eye.dtype, torch.get_default_dtype(), expr=f"torch.eye({n}, {m}) (NumPy's eye: float64)",
                     name="dtype")
        with pytest.raises(TypeError, match=r"argument 'n' \(position 1\) must be int, not tuple"):
            torch.eye((n, m))  # eye takes ints only, no shape tuple


LIKES = {"zeros_like(x)": torch.zeros_like, "ones_like(x)": torch.ones_like, "empty_like(x)": torch.empty_like,
         "full_like(x, 1)": lambda x, **k: torch.full_like(x, 1, **k)}


@pytest.mark.claim("creation.like", "keeps_shape_dtype_device", "keeps_strides", "dtype_overrides",
                   "rand_like_floating_models", "rand_like_refuses_other_models")
@on_devices
@given(arr=S.arrays(S.numpy_dtypes(D.ALL), S.shapes(min_dims=2, max_dims=4)), new=S.torch_dtypes(D.FLOAT))
@example(arr=np.zeros((2, 3), np.int64), new=torch.float64)  # an integer model: rand_like refuses it
@example(arr=np.zeros((2, 3), np.complex64), new=torch.float16)  # a complex model: rand_like takes it
def test_like_keeps_shape_dtype_device_and_layout(device, arr, new):
    """*_like copies shape, dtype, device (and the strides of a dense model) unless overridden;
    rand_like needs a floating or complex dtype (the model's, or dtype=)."""
    model = torch.from_numpy(arr).to(device).transpose(0, -1)  # a non-contiguous model
    with repro(f"x = torch.from_numpy({source(arr)}).transpose(0, -1); torch.ones_like(x)"):
        for expr, like in LIKES.items():
            out = like(model)
            assert_equal((out.shape, out.dtype, out.device), (model.shape, model.dtype, model.device), expr=expr,
                         name="(shape, dtype, device)")
            assert_equal(out.stride(), model.stride(), expr=f"{expr} of a transposed x", name="stride")
            assert_dtype(like(model, dtype=new), new, expr=f"{expr[:-1]}, dtype={new})", name="dtype")
        if model.dtype.is_floating_point or model.dtype.is_complex:
            r = torch.rand_like(model)
            assert_equal((r.shape, r.dtype, r.device), (model.shape, model.dtype, model.device), expr="rand_like(x)",
                         name="(shape, dtype, device)")
        else:
            error = RuntimeError if differs("rand_like_runtime_error") else NotImplementedError
            with pytest.raises(error, match="not implemented for") as raised:
                torch.rand_like(model)
            assert type(raised.value) is error, f"rand_like raised {type(raised.value).__name__}"
            assert_dtype(torch.rand_like(model, dtype=new), new, expr=f"rand_like(x, dtype={new})", name="dtype")
            assert_dtype(torch.rand_like(model, dtype=torch.complex64), torch.complex64,
                         expr="rand_like(x, dtype=torch.complex64)", name="dtype")


@pytest.mark.claim("creation.Tensor_default_dtype", "follows_the_default_dtype", "only_floating_defaults",
                   "a_tensor_keeps_its_dtype")
@given(data=S.nested_lists(), default=st.sampled_from([torch.float16, torch.bfloat16, torch.float32, torch.float64]))
def test_Tensor_takes_the_default_dtype(data, default):
    """torch.Tensor(data) has torch.get_default_dtype(), following set_default_dtype; a tensor keeps its own."""
    values, _ = data
    with default_dtype(default), repro(f"torch.set_default_dtype({default}); torch.Tensor({values!r}).dtype"):
        assert_dtype(torch.Tensor(values), default, expr="torch.Tensor(list)", name="dtype")
        assert_dtype(torch.Tensor(np.array(values)), default, expr="torch.Tensor(ndarray)", name="dtype")
        t64 = torch.tensor(values, dtype=torch.int64)
        assert_dtype(torch.Tensor(t64), torch.int64, expr="torch.Tensor(int64 tensor)", name="dtype")
    with pytest.raises(TypeError, match="only floating-point types"):
        torch.set_default_dtype(torch.int64)


@pytest.mark.claim("creation.Tensor_no_dtype", "dtype_keyword_refused", "tensor_takes_the_dtype")
@given(data=S.nested_lists(), dtype=S.torch_dtypes(D.BOOL + D.FLOAT))
def test_Tensor_refuses_a_dtype(data, dtype):
    """torch.Tensor(data, dtype=...) is a TypeError; torch.tensor(data, dtype=...) is the way."""
    values, _ = data
    with pytest.raises(TypeError, match="dtype"):
        torch.Tensor(values, dtype=dtype)
    assert_dtype(torch.tensor(values, dtype=dtype), dtype, expr=f"torch.tensor(data, dtype={dtype})", name="dtype")


# The layouts in which torch.Tensor shares an array of the default dtype: each is met in every run.
TENSOR_SHARES = (*WRAPPABLE, "0-d")


def in_layout(arr: np.ndarray, layout: str) -> np.ndarray:
    """``arr`` laid out as ``layout`` (a WRAPPABLE layout, or "0-d": its first element as a 0-d array)."""
    return np.array(arr.reshape(-1)[0]) if layout == "0-d" else array_in_layout(arr, layout)


@pytest.mark.claim("creation.Tensor_copies", "copies_arrays_of_other_dtypes", "shares_arrays_of_the_default_dtype")
@pytest.mark.parametrize("default", [torch.float32, torch.float64], ids=str)
@given(arr=S.arrays(S.numpy_dtypes(D.REAL), S.shapes(min_dims=1, min_side=1)))
@example(arr=np.arange(6, dtype=np.float32).reshape(2, 3))
@example(arr=np.arange(6, dtype=np.float64).reshape(2, 3))
def test_Tensor_copies_unless_the_array_has_the_default_dtype(default, arr):
    """torch.Tensor(ndarray) copies, except an array already of the default dtype: that it shares, in every
    layout it can wrap (C, Fortran, stepped, read-only, 0-d), both ways.  (A 0-d integer array is not data
    at all: like an int, it is read as a size.)"""
    want = D.NUMPY_OF_TORCH[default]
    for layout in TENSOR_SHARES:
        if layout == "0-d" and arr.dtype.kind in "iu":
            continue  # a size, not data (test_Tensor_of_a_list_copies_of_a_tensor_shares_of_an_int_is_a_size)
        a = in_layout(arr, layout)
        with default_dtype(default), repro(f"torch.set_default_dtype({default})\n"
                                           f"a = {source(a)}  # layout {layout}\nt = torch.Tensor(a)"):
            t = quietly(torch.Tensor, a)
            with np.errstate(over="ignore"):  # float64 beyond float32's range becomes inf, as in torch
                assert_values(t, a.astype(want), expr="torch.Tensor(a)")
            assert_dtype(t, default, expr="torch.Tensor(a)", name="dtype")
            if a.dtype == want:
                assert_shares(t, a, expr=f"torch.Tensor({a.dtype} array, {layout})")
                if a.flags.writeable:
                    assert_shares(t, a, expr=f"torch.Tensor({a.dtype} array, {layout})", write="other")
            else:
                assert_copies(t, a, expr=f"torch.Tensor({a.dtype} array, default {default})")


@pytest.mark.claim("creation.Tensor_copies", "copies_lists", "shares_tensors", "an_integer_is_a_size",
                   "a_float_or_bool_scalar_is_refused")
@given(data=S.nested_lists(), src_dtype=S.torch_dtypes(D.REAL), size=st.integers(0, 5))
def test_Tensor_of_a_list_copies_of_a_tensor_shares_of_an_int_is_a_size(data, src_dtype, size):
    values, _ = data
    assert_copies(torch.Tensor(values), torch.Tensor(values), expr="two torch.Tensor(list) calls")
    src = torch.tensor(values).to(src_dtype)  # .to wraps out-of-range values instead of raising
    t = torch.Tensor(src)
    assert_shares(t, src, expr="torch.Tensor(tensor)")
    assert_equal(t.dtype, src_dtype, expr="torch.Tensor(tensor) keeps the tensor's dtype", name="dtype")
    for expr, n in ((f"{size}", size), (f"np.array({size})", np.array(size)), (f"np.int64({size})", np.int64(size)),
                    (f"np.uint8({size})", np.uint8(size))):  # np.int64: what indexing an int array gives
        assert_equal(tuple(torch.Tensor(n).shape), (size,), expr=f"torch.Tensor({expr}): an integer is a size",
                     name="shape")
    assert_equal(tuple(torch.Tensor(torch.Size([2, size])).shape), (2, size), expr="torch.Tensor(torch.Size)",
                 name="shape")
    assert_equal(tuple(torch.Tensor((2, size)).shape), (2,), expr="torch.Tensor(tuple): data", name="shape")
    for scalar in (2.5, np.float32(2.5), np.bool_(True)):
        if isinstance(scalar, np.bool_) and differs("tensor_ctor_of_numpy_bool_is_a_size"):
            with pytest.warns(DeprecationWarning, match="interpreted as an index"):
                assert_equal(tuple(torch.Tensor(scalar).shape), (1,), expr="torch.Tensor(np.bool_(True))", name="shape")
            continue
        with pytest.raises(TypeError, match="must be a sequence"):
            torch.Tensor(scalar)
            pytest.fail(f"torch.Tensor({scalar!r}) made a tensor")


@pytest.mark.claim("creation.tensor_infers_dtype", "python_data_dtypes", "numpy_data_keeps_its_dtype", "dtype_honoured")
@on_devices
@given(data=st.data())
def test_tensor_infers_the_dtype(device, data):
    """Python bools -> bool, ints -> int64, floats -> the default dtype, complex -> its complex;
    arrays and NumPy scalars keep their dtype; dtype= is honoured."""
    for kind, expected in (("bool", torch.bool), ("int", torch.int64), ("float", torch.get_default_dtype())):
        values, shape = data.draw(S.nested_lists(kind=kind), label=f"{kind} values")
        with repro(f"torch.tensor({values!r}).dtype"):
            assert_equal(torch.tensor(values, device=device).dtype, expected, expr=f"torch.tensor(<{kind}s>)",
                         name="dtype")
            dtype = data.draw(S.torch_dtypes(D.BOOL + D.FLOAT, bfloat16=True), label="dtype")
            assert_dtype(torch.tensor(values, dtype=dtype, device=device), dtype, expr=f"dtype={dtype}", name="dtype")
    assert_equal(torch.tensor(1 + 2j).dtype, torch.complex64, expr="torch.tensor(1+2j)", name="dtype")
    assert_equal(torch.tensor([True, 2]).dtype, torch.int64, expr="torch.tensor([True, 2])", name="dtype")
    assert_equal(torch.tensor([1, 2.5]).dtype, torch.get_default_dtype(), expr="torch.tensor([1, 2.5])", name="dtype")
    arr = data.draw(S.arrays(S.numpy_dtypes(), S.shapes(max_dims=2, min_side=1)), label="array")
    with repro(f"torch.tensor({source(arr)}).dtype"):
        assert_dtype(torch.tensor(arr, device=device), D.TORCH_OF_NUMPY[arr.dtype], expr="torch.tensor(ndarray)",
                     name="dtype")
        for scalar in (arr.reshape(-1)[0], np.float64(2.0), np.int16(3)):
            if isinstance(scalar, np.bool_) and differs("tensor_numpy_bool_scalar_refused"):
                with pytest.raises(TypeError, match="'numpy.bool' object cannot be interpreted as an integer"):
                    torch.tensor(scalar, device=device)
                continue
            assert_dtype(torch.tensor(scalar, device=device), D.TORCH_OF_NUMPY[scalar.dtype],
                         expr=f"torch.tensor(np.{scalar.dtype}({scalar}))", name="dtype")


INTEGER_DTYPES = [torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64,
                  *D.available("uint16", "uint32", "uint64")]


def converted(value, dtype: torch.dtype):
    """What torch.tensor([value], dtype=dtype) holds for a Python int or float, or the (error, words) it
    raises: the rule of the truth, written independently of torch's code."""
    info = torch.iinfo(dtype)
    if dtype == getattr(torch, "uint64", None):  # read as a Python unsigned int
        if isinstance(value, float):
            return TypeError, "an integer is required"
        if value < 0:
            return OverflowError, "can't convert negative int to unsigned"
        return (OverflowError, "int too big to convert") if value > info.max else value
    if isinstance(value, int) and not -2**63 <= value < 2**63:
        return (RuntimeError if differs("unpack_overflow_runtime_error") else ValueError), "Overflow when unpacking long"
    if isinstance(value, int) and info.min == 0 and -info.max <= value < 0:
        return value % (info.max + 1)  # a negative int wraps into an unsigned dtype if its magnitude fits
    if not info.min <= value <= info.max:  # floats are range-checked before truncation: uint8 -0.5 raises
        return RuntimeError, f"value cannot be converted to type {str(dtype).removeprefix('torch.')} without overflow"
    return math.trunc(value)


@pytest.mark.claim("creation.tensor_infers_dtype", "ints_beyond_int64_convert_to_floats", "ints_beyond_int64_overflow")
@on_devices
def test_ints_beyond_int64_convert_to_a_floating_complex_or_bool_dtype(device):
    """The overflow error is for ints read as integers: with a floating, complex or bool dtype (given,
    or inferred because a float is in the data) an int beyond int64 is converted."""
    big = 2**63
    t = torch.tensor([big, 0.5], device=device)
    assert_tensor(t, torch.tensor([float(big), 0.5], device=device), expr=f"torch.tensor([{big}, 0.5])", exact=True)
    for dtype, want in ((torch.float64, float(big)), (torch.complex64, complex(big)), (torch.bool, True)):
        assert_equal(torch.tensor([big], dtype=dtype, device=device).item(), want,
                     expr=f"torch.tensor([{big}], dtype={dtype})", name="value")
    error = RuntimeError if differs("unpack_overflow_runtime_error") else ValueError
    with pytest.raises(error, match="Overflow when unpacking long"):
        torch.tensor([big], device=device)

EDGES = sorted({v for dtype in INTEGER_DTYPES for i in [torch.iinfo(dtype)]
                for v in (i.min - 1, i.min, i.max, i.max + 1, -i.max, -i.max - 1)} | {2**63, -2**63 - 1})
UINT64 = getattr(torch, "uint64", None)


@pytest.mark.claim("creation.tensor_infers_dtype", "integer_dtype_truncates_within_range",
                   "negative_ints_wrap_into_unsigned", "ints_beyond_int64_overflow", "uint64_takes_ints_only",
                   "ndarray_cast_like_astype")
@on_devices
@given(dtype=st.sampled_from(INTEGER_DTYPES),
       value=st.one_of(st.integers(-300, 300), st.sampled_from(EDGES), st.integers(-2**70, 2**70),
                       st.floats(-300, 300), st.floats(-1e15, 1e15)),
       arr=S.arrays(np.int64, S.shapes(max_dims=2), bound=2**40))
@example(dtype=torch.int64, value=-1.7, arr=np.array([300, -1]))  # truncated toward zero
@example(dtype=torch.int8, value=128, arr=np.array([300, -1]))  # out of range
@example(dtype=torch.uint8, value=-0.5, arr=np.array([300, -1]))  # a float out of range before truncation
@example(dtype=torch.uint8, value=-255, arr=np.array([300, -1]))  # wraps: 1
@example(dtype=torch.uint8, value=-256, arr=np.array([300, -1]))  # raises
@example(dtype=torch.int32, value=2**63, arr=np.array([300, -1]))  # beyond int64
@example(dtype=torch.int64, value=-2**63 - 1, arr=np.array([300, -1]))
def test_an_integer_dtype_truncates_wraps_or_raises(device, dtype, value, arr):
    """Python values with an integer dtype=: floats truncated toward zero, out-of-range values raise
    (RuntimeError; ValueError beyond int64), except negative ints that wrap into an unsigned dtype.  An
    ndarray is cast like NumPy's astype instead: silently, with wrap-around."""
    expected = converted(value, dtype)
    with repro(f"torch.tensor([{value!r}], dtype={dtype})"):
        if isinstance(expected, tuple):
            error, words = expected
            with pytest.raises(error, match=words):
                torch.tensor([value], dtype=dtype, device=device)
                pytest.fail(f"torch.tensor([{value!r}], dtype={dtype}) made a tensor")
        else:
            assert_equal(torch.tensor([value], dtype=dtype, device=device).item(), expected,
                         expr=f"torch.tensor([{value!r}], dtype={dtype})", name="value")
    if dtype != UINT64:
        with repro(f"torch.tensor({source(arr)}, dtype={dtype})"):
            assert_values(torch.tensor(arr, dtype=dtype, device=device), arr.astype(str(dtype).removeprefix("torch.")),
                          expr=f"torch.tensor(int64 array, dtype={dtype}): astype's wrap-around", exact=True)


@pytest.mark.claim("creation.tensor_infers_dtype", "uint64_takes_ints_only")
@pytest.mark.parametrize("value", [-1, 2**64, 2.0, 2**64 - 1], ids=repr)
def test_uint64_takes_ints_only(value):
    """uint64 reads Python unsigned ints: a negative or too big int is an OverflowError, a float a TypeError."""
    uint64 = D.torch_dtype("uint64")  # skips, naming the dtype, where the installed torch lacks it
    expected = converted(value, uint64)
    with repro(f"torch.tensor([{value!r}], dtype=torch.uint64)"):
        if isinstance(expected, tuple):
            with pytest.raises(expected[0], match=expected[1]):
                torch.tensor([value], dtype=uint64)
                pytest.fail(f"torch.tensor([{value!r}], dtype=torch.uint64) made a tensor")
        else:
            assert_equal(torch.tensor([value], dtype=uint64).item(), expected, expr="uint64", name="value")


@pytest.mark.claim("creation.tensor_copies", "copies_arrays", "copies_lists")
@given(arr=S.arrays(S.numpy_dtypes(D.ALL), S.shapes(min_side=1)), data=S.nested_lists())
def test_tensor_copies_an_array_in_every_layout_and_a_list(arr, data):
    for layout in WRAPPABLE:
        a = array_in_layout(arr, layout)
        with repro(f"a = {source(a)}  # layout {layout}\nt = torch.tensor(a)"):
            assert_copies(torch.tensor(a), a, expr=f"torch.tensor(array, {layout})")
    values, _ = data
    assert_copies(torch.tensor(values), torch.tensor(values), expr="two torch.tensor(list) calls")


@pytest.mark.claim("creation.tensor_copies", "copies_tensors", "warns_on_tensors")
@on_devices
@given(arr=S.arrays(S.numpy_dtypes(D.REAL), S.shapes(min_side=1)))
def test_tensor_copies_a_tensor_and_warns(device, arr):
    src = torch.from_numpy(arr).to(device)
    with pytest.warns(UserWarning, match="recommended to use sourceTensor"):
        t = torch.tensor(src)
    assert_copies(t, src, expr="torch.tensor(tensor)")


