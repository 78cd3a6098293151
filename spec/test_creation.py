"""creation: making tensors, and whether they copy or share their data (DL9, BZ, CH2.2).

``torch.Tensor``, ``torch.tensor``, ``torch.as_tensor`` and ``torch.from_numpy`` are checked over
dtypes, shapes (rank 0 and empty included), memory layouts and input kinds.  "Shares" is decided by
the storage pointer AND by writing through one side and reading the other (tensorspec.testing.assertions).
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from tensorspec.claims.context import differs
from tensorspec.testing import strategies as S
from tensorspec.testing.assertions import (assert_copies, assert_equal, assert_shares, assert_values,
                                   repro, same_memory, source, storage_of)
from tensorspec.testing.devices import on_devices, only_cuda

# Layouts torch wraps without copying, and the two it refuses (ValueError) in every constructor.
WRAPPABLE = ("contiguous", "fortran", "strided", "readonly")
REFUSED = {"negative_stride": "negative", "byteswapped": "byte order"}
KINDS = ("list", "tuple", "ndarray", "tensor", "scalar")
# What Python data becomes (by the NumPy kind of the values): bool, int64, the default float dtype.
PYTHON_DTYPE = {"b": np.bool_, "i": np.int64, "u": np.int64, "f": np.float32}


def laid_out_arrays(dtypes=S.ALL, layouts=WRAPPABLE, min_size=1, min_dims=0):
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
    return arr


def quietly(fn, *args, **kwargs):
    """Call ``fn``, silencing the documented 'not writable' / 'copy construct' UserWarnings."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return fn(*args, **kwargs)


@pytest.mark.claim("creation.factories")
@on_devices
@given(shape=S.shapes(max_dims=4), n=st.integers(0, 6), m=st.integers(0, 6))
def test_factories(device, shape, n, m):
    """zeros/ones/rand from sizes or a shape tuple; eye(n, m) is NumPy's eye; rand lies in [0, 1)."""
    with repro(f"torch.zeros({shape}); torch.ones(*{shape}); torch.rand({shape}); torch.eye({n}, {m})",
               claim="creation.factories"):
        for make, value in ((torch.zeros, 0), (torch.ones, 1)):
            by_tuple = make(shape, device=device)
            assert_equal("shape", tuple(by_tuple.shape), shape, f"{make.__name__}({shape})")
            if shape:
                assert_equal("shape", tuple(make(*shape, device=device).shape), shape, f"{make.__name__}(*{shape})")
            else:  # no sizes at all is an error: a 0-d tensor needs the tuple form, zeros(())
                with pytest.raises(TypeError, match="missing"):
                    make(device=device)
            assert_values(by_tuple, np.full(shape, value, np.float32), f"{make.__name__}({shape})", exact=True)
        r = torch.rand(shape, device=device)
        assert_equal("dtype", r.dtype, torch.get_default_dtype(), f"torch.rand({shape})")
        assert bool(((r >= 0) & (r < 1)).all()), f"torch.rand({shape}) left [0, 1): {r}"
        assert_values(torch.eye(n, m, device=device), np.eye(n, m), f"torch.eye({n}, {m})", exact=True)


@pytest.mark.claim("creation.like")
@on_devices
@given(arr=S.arrays(S.numpy_dtypes(S.REAL), S.shapes(min_dims=2, max_dims=4)), data=st.data())
def test_like_keeps_shape_dtype_device_and_layout(device, arr, data):
    """*_like copies shape, dtype, device (and the strides of a dense model) unless overridden;
    rand_like needs a floating dtype."""
    model = torch.from_numpy(arr).to(device).transpose(0, -1)  # a non-contiguous model
    with repro(f"x = torch.from_numpy({source(arr)}).transpose(0, -1); torch.ones_like(x)", "creation.like"):
        for like in (torch.zeros_like, torch.ones_like, torch.empty_like, lambda x: torch.full_like(x, 1)):
            out = like(model)
            assert_equal("(shape, dtype, device)", (out.shape, out.dtype, out.device),
                         (model.shape, model.dtype, model.device), "*_like(x)")
            assert_equal("stride", out.stride(), model.stride(), "*_like(x) of a transposed x")
        new = data.draw(S.torch_dtypes(S.FLOAT), label="override dtype")
        assert_equal("dtype", torch.ones_like(model, dtype=new).dtype, new, f"ones_like(x, dtype={new})")
        if model.dtype.is_floating_point:
            assert_equal("dtype", torch.rand_like(model).dtype, model.dtype, "rand_like(x)")
        else:
            error = RuntimeError if differs("rand_like_runtime_error") else NotImplementedError
            with pytest.raises(error, match="not implemented for") as raised:
                torch.rand_like(model)
            assert type(raised.value) is error, f"rand_like raised {type(raised.value).__name__}"
            assert_equal("dtype", torch.rand_like(model, dtype=new).dtype, new, f"rand_like(x, dtype={new})")


@pytest.mark.claim("creation.Tensor_default_dtype")
@given(data=S.nested_lists(), default=st.sampled_from([torch.float16, torch.bfloat16, torch.float32, torch.float64]))
def test_Tensor_takes_the_default_dtype(data, default):
    """torch.Tensor(data) has torch.get_default_dtype(), following set_default_dtype; a tensor keeps its own."""
    values, _ = data
    saved = torch.get_default_dtype()
    try:
        torch.set_default_dtype(default)
        with repro(f"torch.set_default_dtype({default}); torch.Tensor({values!r}).dtype", "creation.Tensor_default_dtype"):
            assert_equal("dtype", torch.Tensor(values).dtype, default, "torch.Tensor(list)")
            assert_equal("dtype", torch.Tensor(np.array(values)).dtype, default, "torch.Tensor(ndarray)")
            t64 = torch.tensor(values, dtype=torch.int64)
            assert_equal("dtype", torch.Tensor(t64).dtype, torch.int64, "torch.Tensor(int64 tensor)")
    finally:
        torch.set_default_dtype(saved)
    with pytest.raises(TypeError, match="only floating-point types"):
        torch.set_default_dtype(torch.int64)


@pytest.mark.claim("creation.Tensor_no_dtype")
@given(data=S.nested_lists(), dtype=S.torch_dtypes(S.BOOL + S.FLOAT))
def test_Tensor_refuses_a_dtype(data, dtype):
    """torch.Tensor(data, dtype=...) is a TypeError; torch.tensor(data, dtype=...) is the way."""
    values, _ = data
    with pytest.raises(TypeError, match="dtype"):
        torch.Tensor(values, dtype=dtype)
    assert_equal("dtype", torch.tensor(values, dtype=dtype).dtype, dtype, f"torch.tensor(data, dtype={dtype})")


@pytest.mark.claim("creation.Tensor_copies")
@given(al=laid_out_arrays(S.REAL, min_dims=1))
def test_Tensor_copies_unless_the_array_has_the_default_dtype(al):
    """torch.Tensor(ndarray) copies, except an array already of the default dtype: that it shares.
    (A 0-d integer array is not data at all: like an int, it is read as a size.)"""
    arr, layout = al
    t = quietly(torch.Tensor, arr)
    with repro(f"a = {source(arr)}  # layout {layout}\nt = torch.Tensor(a)", "creation.Tensor_copies"):
        with np.errstate(over="ignore"):  # float64 beyond float32's range becomes inf, as in torch
            assert_values(t, arr.astype(np.float32), "torch.Tensor(a)")
        if arr.dtype == np.float32:
            assert_shares(t, arr, f"torch.Tensor(float32 array, {layout})")
        else:
            assert_copies(t, arr, f"torch.Tensor({arr.dtype} array)")


@pytest.mark.claim("creation.Tensor_copies")
@given(data=S.nested_lists(), src_dtype=S.torch_dtypes(S.REAL), size=st.integers(0, 5))
def test_Tensor_of_a_list_copies_of_a_tensor_shares_of_an_int_is_a_size(data, src_dtype, size):
    values, _ = data
    src = torch.tensor(values).to(src_dtype)  # .to wraps out-of-range values instead of raising
    t = torch.Tensor(src)
    assert same_memory(t, src) or src.numel() == 0, "torch.Tensor(tensor) should share the tensor's storage"
    assert_equal("dtype", t.dtype, src_dtype, "torch.Tensor(tensor) keeps the tensor's dtype")
    assert_equal("shape", tuple(torch.Tensor(size).shape), (size,), f"torch.Tensor({size}): an int is a size")
    assert_equal("shape", tuple(torch.Tensor(np.array(size)).shape), (size,), "torch.Tensor(0-d int array)")
    with pytest.raises(TypeError, match="must be a sequence"):
        torch.Tensor(2.5)


@pytest.mark.claim("creation.tensor_infers_dtype")
@on_devices
@given(kind=st.sampled_from(["bool", "int", "float"]), data=st.data())
def test_tensor_infers_the_dtype(device, kind, data):
    """Python bools -> bool, ints -> int64, floats -> the default dtype, complex -> its complex;
    arrays keep their dtype; dtype= is honoured."""
    values, shape = data.draw(S.nested_lists(kind=kind), label="values")
    expected = {"bool": torch.bool, "int": torch.int64, "float": torch.get_default_dtype()}[kind]
    with repro(f"torch.tensor({values!r}).dtype", "creation.tensor_infers_dtype"):
        assert_equal("dtype", torch.tensor(values, device=device).dtype, expected, f"torch.tensor(<{kind}s>)")
        assert_equal("dtype", torch.tensor(1 + 2j).dtype, torch.complex64, "torch.tensor(1+2j)")
        assert_equal("dtype", torch.tensor([1, 2.5]).dtype, torch.get_default_dtype(), "torch.tensor([1, 2.5])")
        arr = data.draw(S.arrays(S.numpy_dtypes(), S.shapes(max_dims=2)), label="array")
        assert_equal("dtype", torch.tensor(arr, device=device).dtype, S.TORCH_OF_NUMPY[arr.dtype], "torch.tensor(ndarray)")
        dtype = data.draw(S.torch_dtypes(S.BOOL + S.FLOAT, bfloat16=True), label="dtype")
        assert_equal("dtype", torch.tensor(values, dtype=dtype, device=device).dtype, dtype, f"dtype={dtype}")


@pytest.mark.claim("creation.tensor_copies")
@given(al=laid_out_arrays(S.ALL))
def test_tensor_copies_an_array(al):
    arr, layout = al
    with repro(f"a = {source(arr)}  # layout {layout}\nt = torch.tensor(a)", "creation.tensor_copies"):
        assert_copies(torch.tensor(arr), arr, f"torch.tensor(array, {layout})")


@pytest.mark.claim("creation.tensor_copies")
@on_devices
@given(arr=S.arrays(S.numpy_dtypes(S.REAL), S.shapes(min_side=1)))
def test_tensor_copies_a_tensor_and_warns(device, arr):
    src = torch.from_numpy(arr).to(device)
    with pytest.warns(UserWarning, match="recommended to use sourceTensor"):
        t = torch.tensor(src)
    assert_copies(t, src, "torch.tensor(tensor)")


@pytest.mark.claim("creation.as_tensor_accepts")
@on_devices
@given(arr=S.arrays(S.numpy_dtypes(S.REAL), S.shapes(max_dims=3, min_side=1)), kind=st.sampled_from(KINDS))
def test_as_tensor_accepts_array_likes(device, arr, kind):
    """Lists, tuples, ndarrays, tensors and scalars all give a tensor of the same values."""
    data = as_kind(arr, kind)
    with repro(f"torch.as_tensor({data!r})", "creation.as_tensor_accepts"):
        t = quietly(torch.as_tensor, data, device=device)
        with np.errstate(over="ignore"):  # a float64 beyond float32's range becomes inf, as in torch
            expected = arr if kind in ("ndarray", "tensor") else np.asarray(data).astype(PYTHON_DTYPE[arr.dtype.kind])
        assert_equal("(shape, dtype)", (tuple(t.shape), t.dtype),
                     (expected.shape, S.TORCH_OF_NUMPY[expected.dtype]), f"as_tensor(<{kind}>)")
        assert_values(t, expected, f"as_tensor(<{kind}>)", exact=True)


@pytest.mark.claim("creation.as_tensor_accepts")
@on_devices
@given(arr=S.arrays(S.numpy_dtypes(S.REAL), S.shapes()))
def test_as_tensor_of_a_tensor_is_the_tensor_itself(device, arr):
    src = torch.from_numpy(arr).to(device)
    assert torch.as_tensor(src) is src, "as_tensor(t) should return t itself when dtype and device match"
    assert torch.as_tensor(src, device=device, dtype=src.dtype) is src


@pytest.mark.claim("creation.as_tensor_accepts", "creation.from_numpy_shares", "creation.tensor_copies")
@given(al=laid_out_arrays(S.REAL, layouts=tuple(REFUSED), min_size=0, min_dims=1))
def test_every_constructor_refuses_negative_strides_and_foreign_byte_order(al):
    """Refused only where the layout is real: an empty or 0-d array has no negative stride, and
    1-byte dtypes have no byte order."""
    arr, layout = al
    refused = any(st < 0 for st in arr.strides) if layout == "negative_stride" else not arr.dtype.isnative
    for make in (torch.as_tensor, torch.from_numpy, torch.tensor, torch.Tensor):
        with repro(f"a = {source(arr)}  # {layout}, strides {arr.strides}\ntorch.{make.__name__}(a)"):
            if refused:
                with pytest.raises(ValueError, match=REFUSED[layout]):
                    make(arr)
            else:
                make(arr)


@pytest.mark.claim("creation.as_tensor_shares")
@given(al=laid_out_arrays(S.ALL))
def test_as_tensor_shares_an_array(al):
    """as_tensor(ndarray) shares for every dtype and wrappable layout; a read-only array is shared
    too (with a UserWarning shown once per process); asking for another dtype makes a copy."""
    arr, layout = al
    with repro(f"a = {source(arr)}  # layout {layout}\nt = torch.as_tensor(a)", "creation.as_tensor_shares"):
        t = quietly(torch.as_tensor, arr)
        assert_shares(t, arr, f"torch.as_tensor(array, {layout})")
        assert_shares(quietly(torch.as_tensor, arr, dtype=t.dtype, device="cpu"), arr, "as_tensor(a, same dtype)")
        other = torch.float64 if t.dtype != torch.float64 else torch.float32
        assert_copies(quietly(torch.as_tensor, arr, dtype=other), arr, f"torch.as_tensor(a, dtype={other})")


@pytest.mark.claim("creation.as_tensor_saves_memory")
@given(arr=S.arrays(S.numpy_dtypes(), S.shapes(min_side=1)))
def test_as_tensor_storage_is_the_arrays_own_buffer(arr):
    """No new allocation: the tensor's storage starts at the array's data and is no larger."""
    t = torch.as_tensor(arr)
    storage = storage_of(t)
    assert_equal("storage pointer", storage.data_ptr(), arr.ctypes.data, "torch.as_tensor(a)")
    assert_equal("storage bytes", storage.nbytes(), arr.nbytes, "torch.as_tensor(a)")
    assert storage_of(torch.tensor(arr)).data_ptr() != arr.ctypes.data, "torch.tensor should allocate"


@pytest.mark.claim("creation.as_tensor_list_copies")
@given(data=S.nested_lists())
def test_as_tensor_of_a_list_is_a_fresh_copy(data):
    values, shape = data
    t = torch.as_tensor(values)
    assert not same_memory(torch.as_tensor(values), t), "two as_tensor(list) calls share a buffer"
    before = t.clone()
    flat = values
    while isinstance(flat[0], list):
        flat = flat[0]
    flat[0] = not flat[0] if isinstance(flat[0], bool) else flat[0] + 1  # change the list
    assert torch.equal(t, before), "changing the list after as_tensor(list) changed the tensor"


@pytest.mark.claim("creation.as_tensor_gpu_copies")
@pytest.mark.parametrize("device", [pytest.param("cuda", marks=only_cuda)])
@given(arr=S.arrays(S.numpy_dtypes(S.REAL), S.shapes(min_side=1)))
def test_as_tensor_to_the_gpu_copies(device, arr):
    t = torch.as_tensor(arr, device=device)
    assert_equal("device type", t.device.type, "cuda", "torch.as_tensor(a, device='cuda')")
    before = t.cpu().clone()
    arr[...] = np.logical_not(arr) if arr.dtype == np.bool_ else arr + 1
    assert torch.equal(t.cpu(), before), "changing the array changed the GPU tensor: it was not a copy"


@pytest.mark.claim("creation.as_tensor_round_trips")
@given(arr=S.arrays(S.numpy_dtypes(S.REAL), S.shapes(min_side=1)), trips=st.integers(1, 20))
def test_round_trips_through_as_tensor_never_copy(arr, trips):
    """The quick part of the claim: ndarray <-> tensor round trips by as_tensor/.numpy() keep one
    buffer, while torch.tensor allocates a new one each time (the speed: bench/bench_creation.py)."""
    x = arr
    for _ in range(trips):
        x = torch.as_tensor(x).numpy()
    assert_equal("data pointer", x.ctypes.data, arr.ctypes.data, f"{trips} as_tensor round trips")
    y = torch.tensor(arr).numpy()
    assert y.ctypes.data != arr.ctypes.data, "torch.tensor round trip should allocate"


@pytest.mark.claim("creation.from_numpy_only_ndarray")
@given(arr=S.arrays(S.numpy_dtypes(S.REAL), S.shapes(max_dims=2, min_side=1)),
       kind=st.sampled_from(["list", "tuple", "tensor", "scalar", "numpy scalar"]))
def test_from_numpy_refuses_anything_but_an_ndarray(arr, kind):
    data = arr.reshape(-1)[0] if kind == "numpy scalar" else as_kind(arr, kind)
    with pytest.raises(TypeError, match="expected np.ndarray"):
        torch.from_numpy(data)
    for bad in (np.array(["a"]), np.array([None], dtype=object)):  # ndarrays of unsupported dtypes
        with pytest.raises(TypeError, match="can't convert np.ndarray of type"):
            torch.from_numpy(bad)
    assert torch.from_numpy(np.asarray(arr.reshape(-1)[0])).shape == (), "a 0-d ndarray is accepted"


@pytest.mark.claim("creation.from_numpy_shares")
@given(al=laid_out_arrays(S.ALL))
def test_from_numpy_shares(al):
    arr, layout = al
    with repro(f"a = {source(arr)}  # layout {layout}\nt = torch.from_numpy(a)", "creation.from_numpy_shares"):
        t = quietly(torch.from_numpy, arr)
        assert_equal("dtype", t.dtype, S.TORCH_OF_NUMPY[arr.dtype.newbyteorder("=")], "from_numpy(a)")
        assert_shares(t, arr, f"torch.from_numpy(array, {layout})")
        view = torch.from_numpy(arr.copy())
        flipped = view.numpy()
        flipped[...] = 0 if arr.dtype != np.bool_ else False
        assert not bool(view.any()), "a write through the array did not show in the tensor"


@pytest.mark.claim("creation.legacy_types")
@given(data=S.nested_lists())
def test_legacy_type_constructors(data):
    values, shape = data
    for ctor, dtype in ((torch.FloatTensor, torch.float32), (torch.LongTensor, torch.int64),
                        (torch.DoubleTensor, torch.float64), (torch.IntTensor, torch.int32)):
        with repro(f"torch.{ctor.__name__}({values!r})", "creation.legacy_types"):
            t = ctor(values)
            assert_equal("(dtype, shape)", (t.dtype, tuple(t.shape)), (dtype, shape), f"{ctor.__name__}(data)")
            assert_values(t, np.array(values, dtype=np.float64).astype(S.NUMPY_OF_TORCH[dtype]),
                          f"{ctor.__name__}(data)", exact=True)
