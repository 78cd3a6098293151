"""creation: making tensors, and whether they copy or share their data (DL9, BZ, CH2.2).

``torch.Tensor``, ``torch.tensor``, ``torch.as_tensor`` and ``torch.from_numpy`` are checked over
dtypes, shapes (rank 0 and empty included), memory layouts and input kinds.  "Shares" is decided by
the storage pointer AND by writing through one side and reading the other (tensorspec.testing.assertions).
"""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import torch
from hypothesis import example, given
from hypothesis import strategies as st

from tensorspec.claims.context import differs
from tensorspec.testing import dtypes as D
from tensorspec.testing import strategies as S
from tensorspec.testing.assertions import (assert_copies, assert_device, assert_dtype, assert_equal,
                                           assert_shape, assert_shares, assert_tensor, assert_values, repro,
                                           source, storage_of)
from tensorspec.testing.defaults import default_dtype
from tensorspec.testing.devices import on_cuda, on_devices

# Layouts torch wraps without copying, and the two it refuses (ValueError) in every constructor.
WRAPPABLE = ("contiguous", "fortran", "strided", "readonly")
REFUSED = {"negative_stride": "negative", "byteswapped": "byte order"}
KINDS = ("list", "tuple", "ndarray", "tensor", "scalar", "numpy scalar")
# What Python data becomes (by the NumPy kind of the values): bool, int64, the default float dtype.
PYTHON_DTYPE = {"b": np.bool_, "i": np.int64, "u": np.int64, "f": np.float32}


def laid_out_arrays(dtypes=D.ALL, layouts=WRAPPABLE, min_size=1, min_dims=0):
    """(array, layout): a drawn array in a drawn layout, non-empty unless ``min_size=0``."""
    shape = S.shapes(min_dims=min_dims, min_side=1 if min_size else 0)
    return st.tuples(S.arrays(st.sampled_from(list(dtypes)), shape), st.sampled_from(layouts)).map(
        lambda al: (S.laid_out(al[0], al[1]), al[1]))


def as_kind(arr: np.ndarray, kind: str):
    """The same data as a list, tuple, ndarray, tensor or Python scalar."""
    if kind == "list":
        return arr.tolist()
    if kind == "tuple":
        return tuple(arr.tolist()) if arr.ndim else arr.item()
    if kind == "tensor":
        return torch.from_numpy(arr.copy())
    if kind == "scalar":
        return arr.reshape(-1)[0].item()
    if kind == "numpy scalar":
        return arr.reshape(-1)[0]
    return arr


def quietly(fn, *args, **kwargs):
    """Call ``fn``, silencing the documented 'not writable' / 'copy construct' UserWarnings."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return fn(*args, **kwargs)


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
                words = "invalid combination of arguments" if make is torch.rand else "missing 1 required positional"
                with pytest.raises(TypeError, match=words):
                    make()
                    pytest.fail(f"torch.{name}() made a tensor")
            assert_shape(make(list(shape), device=device), shape, expr=f"{name}({list(shape)})", name="shape")
            if value is not None:
                forms = {f"{name}({shape})": by_tuple, f"{name}({list(shape)})": make(list(shape), device=device)}
                if shape:
                    forms[f"{name}(*{shape})"] = make(*shape, device=device)
                for form, t in forms.items():
                    assert_values(t, np.full(shape, value, np.float32), form, exact=True)
        r = torch.rand(shape, device=device)
        assert_dtype(r, torch.get_default_dtype(), expr=f"torch.rand({shape})", name="dtype")
        assert bool(((r >= 0) & (r < 1)).all()), f"torch.rand({shape}) left [0, 1): {r}"
        eye = torch.eye(n, m, device=device)
        assert_values(eye, np.eye(n, m), f"torch.eye({n}, {m})", exact=True)
        assert_equal("dtype", eye.dtype, torch.get_default_dtype(), expr=f"torch.eye({n}, {m}) (NumPy's eye: float64)")
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
            assert_equal("(shape, dtype, device)", (out.shape, out.dtype, out.device),
                         (model.shape, model.dtype, model.device), expr=expr)
            assert_equal("stride", out.stride(), model.stride(), expr=f"{expr} of a transposed x")
            assert_dtype(like(model, dtype=new), new, expr=f"{expr[:-1]}, dtype={new})", name="dtype")
        if model.dtype.is_floating_point or model.dtype.is_complex:
            r = torch.rand_like(model)
            assert_equal("(shape, dtype, device)", (r.shape, r.dtype, r.device),
                         (model.shape, model.dtype, model.device), expr="rand_like(x)")
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
    return np.array(arr.reshape(-1)[0]) if layout == "0-d" else S.laid_out(arr, layout)


@pytest.mark.claim("creation.Tensor_copies", "copies_arrays_of_other_dtypes", "shares_arrays_of_the_default_dtype")
@pytest.mark.parametrize("default", [torch.float32, torch.float64], ids=str)
@given(arr=S.arrays(S.numpy_dtypes(D.REAL), S.shapes(min_dims=1, min_side=1)))
@example(arr=np.arange(6, dtype=np.float32).reshape(2, 3))
@example(arr=np.arange(6, dtype=np.float64).reshape(2, 3))
def test_Tensor_copies_unless_the_array_has_the_default_dtype(default, arr):
    """torch.Tensor(ndarray) copies, except an array already of the default dtype: that it shares, in every
    layout it can wrap (C, Fortran, strided, read-only, 0-d), both ways.  (A 0-d integer array is not data
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
                assert_values(t, a.astype(want), "torch.Tensor(a)")
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
    assert_equal("dtype", t.dtype, src_dtype, expr="torch.Tensor(tensor) keeps the tensor's dtype")
    for expr, n in ((f"{size}", size), (f"np.array({size})", np.array(size)), (f"np.int64({size})", np.int64(size)),
                    (f"np.uint8({size})", np.uint8(size))):  # np.int64: what indexing an int array gives
        assert_equal("shape", tuple(torch.Tensor(n).shape), (size,), expr=f"torch.Tensor({expr}): an integer is a size")
    assert_equal("shape", tuple(torch.Tensor(torch.Size([2, size])).shape), (2, size), expr="torch.Tensor(torch.Size)")
    assert_equal("shape", tuple(torch.Tensor((2, size)).shape), (2,), expr="torch.Tensor(tuple): data")
    for scalar in (2.5, np.float32(2.5), np.bool_(True)):
        if isinstance(scalar, np.bool_) and differs("tensor_ctor_of_numpy_bool_is_a_size"):
            with pytest.warns(DeprecationWarning, match="interpreted as an index"):
                assert_equal("shape", tuple(torch.Tensor(scalar).shape), (1,), expr="torch.Tensor(np.bool_(True))")
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
            assert_equal("dtype", torch.tensor(values, device=device).dtype, expected, expr=f"torch.tensor(<{kind}s>)")
            dtype = data.draw(S.torch_dtypes(D.BOOL + D.FLOAT, bfloat16=True), label="dtype")
            assert_dtype(torch.tensor(values, dtype=dtype, device=device), dtype, expr=f"dtype={dtype}", name="dtype")
    assert_equal("dtype", torch.tensor(1 + 2j).dtype, torch.complex64, expr="torch.tensor(1+2j)")
    assert_equal("dtype", torch.tensor([True, 2]).dtype, torch.int64, expr="torch.tensor([True, 2])")
    assert_equal("dtype", torch.tensor([1, 2.5]).dtype, torch.get_default_dtype(), expr="torch.tensor([1, 2.5])")
    arr = data.draw(S.arrays(S.numpy_dtypes(), S.shapes(max_dims=2, min_side=1)), label="array")
    with repro(f"torch.tensor({source(arr)}).dtype"):
        assert_dtype(torch.tensor(arr, device=device), D.TORCH_OF_NUMPY[arr.dtype], expr="torch.tensor(ndarray)",
                     name="dtype")
        for scalar in (arr.reshape(-1)[0], np.float64(2.0), np.int16(3)):
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
        assert_equal("value", torch.tensor([big], dtype=dtype, device=device).item(), want,
                     expr=f"torch.tensor([{big}], dtype={dtype})")
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
            assert_equal("value", torch.tensor([value], dtype=dtype, device=device).item(), expected,
                         expr=f"torch.tensor([{value!r}], dtype={dtype})")
    if dtype != UINT64:
        with repro(f"torch.tensor({source(arr)}, dtype={dtype})"):
            assert_values(torch.tensor(arr, dtype=dtype, device=device), arr.astype(str(dtype).removeprefix("torch.")),
                          f"torch.tensor(int64 array, dtype={dtype}): astype's wrap-around", exact=True)


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
            assert_equal("value", torch.tensor([value], dtype=uint64).item(), expected, expr="uint64")


@pytest.mark.claim("creation.tensor_copies", "copies_arrays", "copies_lists")
@given(arr=S.arrays(S.numpy_dtypes(D.ALL), S.shapes(min_side=1)), data=S.nested_lists())
def test_tensor_copies_an_array_in_every_layout_and_a_list(arr, data):
    for layout in WRAPPABLE:
        a = S.laid_out(arr, layout)
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


@pytest.mark.claim("creation.as_tensor_accepts", "accepts_array_likes", "python_data_dtypes", "numpy_data_keeps_its_dtype")
@on_devices
@given(arr=S.arrays(S.numpy_dtypes(D.REAL), S.shapes(max_dims=3, min_side=1)))
def test_as_tensor_accepts_array_likes(device, arr):
    """Lists, tuples, ndarrays, tensors, Python and NumPy scalars all give a tensor of the same values;
    Python data gets bool / int64 / the default float dtype / complex64, NumPy data keeps its dtype."""
    for kind in KINDS:
        data = as_kind(arr, kind)
        with repro(f"torch.as_tensor({data!r})"):
            if isinstance(data, np.bool_) and differs("as_tensor_numpy_bool_scalar_refused"):
                with pytest.raises(TypeError, match="'numpy.bool' object cannot be interpreted as an integer"):
                    torch.as_tensor(data, device=device)
                continue
            t = quietly(torch.as_tensor, data, device=device)
            with np.errstate(over="ignore"):  # a float64 beyond float32's range becomes inf, as in torch
                expected = (arr if kind in ("ndarray", "tensor") else np.asarray(data) if kind == "numpy scalar"
                            else np.asarray(data).astype(PYTHON_DTYPE[arr.dtype.kind]))
            assert_equal("(shape, dtype)", (tuple(t.shape), t.dtype),
                         (expected.shape, D.TORCH_OF_NUMPY[expected.dtype]), expr=f"as_tensor(<{kind}>)")
            assert_values(t, expected, f"as_tensor(<{kind}>)", exact=True)
    assert_equal("dtype", torch.as_tensor(1 + 2j).dtype, torch.complex64, expr="torch.as_tensor(1 + 2j)")


@pytest.mark.claim("creation.as_tensor_accepts", "a_matching_tensor_is_returned_itself")
@on_devices
@given(arr=S.arrays(S.numpy_dtypes(D.REAL), S.shapes()))
def test_as_tensor_of_a_tensor_is_the_tensor_itself(device, arr):
    src = torch.from_numpy(arr).to(device)
    assert torch.as_tensor(src) is src, "as_tensor(t) should return t itself when dtype and device match"
    assert torch.as_tensor(src, device=device, dtype=src.dtype) is src


@pytest.mark.claim("creation.as_tensor_accepts", "refuses_negative_strides", "refuses_foreign_byte_order")
@pytest.mark.claim("creation.from_numpy_shares", "refuses_negative_strides_and_foreign_byte_order")
@pytest.mark.claim("creation.tensor_copies", "refuses_negative_strides_and_foreign_byte_order")
@pytest.mark.claim("creation.Tensor_copies", "refuses_negative_strides_and_foreign_byte_order")
@given(al=laid_out_arrays(D.REAL, layouts=tuple(REFUSED), min_size=0, min_dims=1))
@example(al=(np.arange(3.0)[::-1], "negative_stride"))
@example(al=(np.arange(3, dtype=">i4"), "byteswapped"))
@example(al=(np.zeros(0, dtype=">f4"), "byteswapped"))  # empty, and still refused
@example(al=(np.arange(3, dtype=np.int8), "byteswapped"))  # 1 byte: no byte order, accepted
@example(al=(np.arange(3.0)[::-1][:0], "negative_stride"))  # empty, and its stride is still -8
@example(al=(np.zeros(0)[::-1], "negative_stride"))  # NumPy gives a reversed empty array stride 0
def test_every_constructor_refuses_negative_strides_and_foreign_byte_order(al):
    """Refused exactly where a stride is negative, empty arrays included (a reversed empty array has
    stride 0, an empty slice of a reversed array keeps its negative stride), and where the byte order
    is foreign (empty arrays too; 1-byte dtypes have no byte order)."""
    arr, layout = al
    refused = any(st < 0 for st in arr.strides) if layout == "negative_stride" else not arr.dtype.isnative
    for make in (torch.as_tensor, torch.from_numpy, torch.tensor, torch.Tensor):
        with repro(f"a = {source(arr)}  # {layout}, strides {arr.strides}\ntorch.{make.__name__}(a)"):
            if refused:
                with pytest.raises(ValueError, match=REFUSED[layout]):
                    make(arr)
            else:
                make(arr)


@pytest.mark.claim("creation.as_tensor_shares", "shares_every_dtype_and_layout", "shares_read_only_arrays",
                   "another_dtype_copies")
@given(arr=S.arrays(S.numpy_dtypes(D.ALL), S.shapes(min_side=1)))
def test_as_tensor_shares_an_array(arr):
    """as_tensor(ndarray) shares, both ways, for every dtype and wrappable layout (each met in every run); a
    read-only array is shared too (with a UserWarning shown once per process) and written through the
    tensor; asking for another dtype makes a copy."""
    for layout in WRAPPABLE:
        a = S.laid_out(arr, layout)
        with repro(f"a = {source(a)}  # layout {layout}\nt = torch.as_tensor(a)"):
            t = quietly(torch.as_tensor, a)
            assert_shares(t, a, expr=f"torch.as_tensor(array, {layout})")
            if a.flags.writeable:
                assert_shares(t, a, expr=f"torch.as_tensor(array, {layout})", write="other")
            assert_shares(quietly(torch.as_tensor, a, dtype=t.dtype, device="cpu"), a,
                          expr=f"as_tensor(a, same dtype), {layout}")
            other = torch.float64 if t.dtype != torch.float64 else torch.float32
            assert_copies(quietly(torch.as_tensor, a, dtype=other), a, expr=f"torch.as_tensor(a, dtype={other})")


def spanned_bytes(a: np.ndarray) -> int:
    """The bytes from an array's first element to the end of its last (positive strides; NumPy's own
    count, a.nbytes, only for a contiguous array)."""
    return sum((n - 1) * abs(stride) for n, stride in zip(a.shape, a.strides)) + a.itemsize


@pytest.mark.claim("creation.as_tensor_saves_memory", "storage_is_the_arrays_memory", "tensor_allocates")
@given(arr=S.arrays(S.numpy_dtypes(D.ALL), S.shapes(min_side=1)))
def test_as_tensor_storage_is_the_arrays_own_buffer(arr):
    """No new allocation: the tensor's storage starts at the array's data pointer and covers exactly the
    bytes the array spans (a.nbytes when contiguous; first to last element when strided, and from the
    view's start for a slice); torch.tensor allocates a new buffer."""
    for layout in WRAPPABLE:
        laid = S.laid_out(arr, layout)
        views = {f"a  # {layout}": laid}
        if laid.ndim and laid.shape[0] > 1:
            views[f"a[1:]  # {layout}"] = laid[1:]
        for expr, a in views.items():
            with repro(f"a = {source(laid)}  # {layout}\nt = torch.as_tensor({expr.split('  #')[0]})"):
                storage = storage_of(quietly(torch.as_tensor, a))
                assert_equal("storage pointer", storage.data_ptr(), a.ctypes.data, expr=f"torch.as_tensor({expr})")
                assert_equal("storage bytes", storage.nbytes(), spanned_bytes(a), expr=f"torch.as_tensor({expr})")
                if a.flags.c_contiguous or a.flags.f_contiguous:
                    assert_equal("storage bytes", storage.nbytes(), a.nbytes,
                                 expr=f"torch.as_tensor({expr}), contiguous")
        assert storage_of(torch.tensor(laid)).data_ptr() != laid.ctypes.data, f"torch.tensor should allocate ({layout})"


@pytest.mark.claim("creation.as_tensor_list_copies", "a_list_is_copied")
@given(data=S.nested_lists())
def test_as_tensor_of_a_list_is_a_fresh_copy(data):
    values, shape = data
    t = torch.as_tensor(values)
    assert_copies(torch.as_tensor(values), t, expr="two torch.as_tensor(list) calls")
    before = t.clone()
    flat = values
    while isinstance(flat[0], list):
        flat = flat[0]
    flat[0] = not flat[0] if isinstance(flat[0], bool) else flat[0] + 1  # change the list
    assert torch.equal(t, before), "changing the list after as_tensor(list) changed the tensor"


@pytest.mark.claim("creation.as_tensor_gpu_copies", "copies_to_the_gpu")
@on_cuda
@given(arr=S.arrays(S.numpy_dtypes(D.REAL), S.shapes(min_side=1)))
def test_as_tensor_to_the_gpu_copies(device, arr):
    t = torch.as_tensor(arr, device=device)
    assert_device(t, "cuda", expr="torch.as_tensor(a, device='cuda')", name="device")
    before = t.cpu().clone()
    arr[...] = np.logical_not(arr) if arr.dtype == np.bool_ else arr + 1
    assert torch.equal(t.cpu(), before), "changing the array changed the GPU tensor: it was not a copy"


@pytest.mark.claim("creation.as_tensor_round_trips", "round_trips_keep_one_buffer")
@given(arr=S.arrays(S.numpy_dtypes(D.REAL), S.shapes(min_side=1)), trips=st.integers(1, 30))
def test_round_trips_through_as_tensor_keep_one_buffer(arr, trips):
    """The quick part of the claim (the speed: bench/test_bench_creation.py): ndarray -> as_tensor (or
    from_numpy) -> .numpy(), any number of times, is always the array's own buffer, nothing copied; the
    same trips through torch.tensor allocate a new buffer every time."""
    with repro(f"a = {source(arr)}\nx = a\nfor _ in range({trips}): x = torch.as_tensor(x).numpy()"):
        for name in ("as_tensor", "from_numpy"):
            x = arr
            for _ in range(trips):
                x = getattr(torch, name)(x).numpy()
            assert_equal("data pointer", x.ctypes.data, arr.ctypes.data, expr=f"{trips} round trips via torch.{name}")
        copies = [arr]  # kept alive, so that no freed buffer can be handed out again
        for _ in range(trips):
            copies.append(torch.tensor(copies[-1]).numpy())
        assert_equal("distinct buffers", len({c.ctypes.data for c in copies}), trips + 1,
                     expr=f"{trips} round trips via torch.tensor")


@pytest.mark.claim("creation.from_numpy_only_ndarray", "refuses_anything_else", "accepts_a_0d_array",
                   "refuses_unsupported_dtypes")
@given(arr=S.arrays(S.numpy_dtypes(D.REAL), S.shapes(max_dims=2, min_side=1)))
def test_from_numpy_refuses_anything_but_an_ndarray(arr):
    for kind in ("list", "tuple", "tensor", "scalar", "numpy scalar"):
        data = as_kind(arr, kind)
        with repro(f"torch.from_numpy({data!r})"), pytest.raises(TypeError, match="expected np.ndarray"):
            torch.from_numpy(data)
            pytest.fail(f"torch.from_numpy(<{kind}>) made a tensor")
    for bad in (np.array(["a"]), np.array([None], dtype=object)):  # ndarrays of unsupported dtypes
        with pytest.raises(TypeError, match="can't convert np.ndarray of type"):
            torch.from_numpy(bad)
            pytest.fail(f"torch.from_numpy(<{bad.dtype} array>) made a tensor")
    zero_d = np.asarray(arr.reshape(-1)[0])
    assert_values(torch.from_numpy(zero_d), zero_d, f"torch.from_numpy({source(zero_d)}): a 0-d ndarray", exact=True)


@pytest.mark.claim("creation.from_numpy_shares", "shares_every_dtype_and_layout")
@given(arr=S.arrays(S.numpy_dtypes(D.ALL), S.shapes(min_side=1)))
def test_from_numpy_shares(arr):
    """Both ways, every dtype, each wrappable layout in every run (C, Fortran, strided, read-only)."""
    for layout in WRAPPABLE:
        a = S.laid_out(arr, layout)
        with repro(f"a = {source(a)}  # layout {layout}\nt = torch.from_numpy(a)"):
            t = quietly(torch.from_numpy, a)
            assert_dtype(t, D.TORCH_OF_NUMPY[a.dtype], expr="from_numpy(a)", name="dtype")
            assert_shares(t, a, expr=f"torch.from_numpy(array, {layout})")
            if a.flags.writeable:
                assert_shares(t, a, expr=f"torch.from_numpy(array, {layout})", write="other")


LEGACY = ((torch.FloatTensor, torch.float32), (torch.LongTensor, torch.int64),
          (torch.DoubleTensor, torch.float64), (torch.IntTensor, torch.int32))
C_TYPE = {torch.float32: "float", torch.int64: "long int", torch.float64: "double", torch.int32: "int"}  # in its refusal


@pytest.mark.claim("creation.legacy_types", "dtypes", "list_values_convert_as_tensor_does", "ndarray_cast_like_astype",
                   "an_integer_is_a_size", "a_float_scalar_is_refused", "another_dtypes_tensor_refused")
@given(data=S.nested_lists(), size=st.integers(0, 5))
def test_legacy_type_constructors(data, size):
    """FloatTensor/LongTensor/DoubleTensor/IntTensor(data) have their dtype and the values converted as
    torch.tensor(data, dtype=...) converts them; an integer is a size, a float scalar a TypeError, and a
    tensor of another dtype is refused."""
    values, shape = data
    for ctor, dtype in LEGACY:
        with repro(f"torch.{ctor.__name__}({values!r})"):
            t = ctor(values)
            assert_equal("(dtype, shape)", (t.dtype, tuple(t.shape)), (dtype, shape), expr=f"{ctor.__name__}(data)")
            assert_values(t, torch.tensor(values, dtype=dtype), f"{ctor.__name__}(data) vs torch.tensor(data, dtype)",
                          exact=True)
            assert_values(ctor(np.array(values)), np.array(values, dtype=np.float64).astype(D.NUMPY_OF_TORCH[dtype]),
                          f"{ctor.__name__}(ndarray)", exact=True)
            for n in (size, np.int64(size), np.array(size)):
                assert_equal("(dtype, shape)", (ctor(n).dtype, tuple(ctor(n).shape)), (dtype, (size,)),
                             expr=f"{ctor.__name__}({n!r}): a size")
            with pytest.raises(TypeError, match="must be a sequence"):
                ctor(2.5)
            other = torch.float64 if dtype != torch.float64 else torch.float32
            with pytest.raises(TypeError, match=rf"expected TensorOptions\(dtype={C_TYPE[dtype]},"):
                ctor(torch.tensor(values, dtype=other))
                pytest.fail(f"{ctor.__name__}(<{other} tensor>) was accepted")


# Python values out of the dtype's range: refused as by torch.tensor(data, dtype=...).
LEGACY_OUT_OF_RANGE = [
    ("torch.IntTensor([2**31])", lambda: torch.IntTensor([2**31]), RuntimeError, "int32 without overflow"),
    ("torch.LongTensor([2**63])", lambda: torch.LongTensor([2**63]), ValueError, "Overflow when unpacking long"),
    ("torch.ByteTensor([256])", lambda: torch.ByteTensor([256]), RuntimeError, "uint8 without overflow"),
]


@pytest.mark.claim("creation.legacy_types", "out_of_range_values_refused")
@pytest.mark.parametrize("expr,make,error,words", LEGACY_OUT_OF_RANGE, ids=[row[0] for row in LEGACY_OUT_OF_RANGE])
def test_legacy_constructors_refuse_out_of_range_values(expr, make, error, words):
    if error is ValueError and differs("legacy_unpack_overflow_runtime_error"):
        error = RuntimeError
    with pytest.raises(error, match=words):
        make()
        pytest.fail(f"{expr} made a tensor")
