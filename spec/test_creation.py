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

from tensorspec.testing import dtypes as D
from tensorspec.testing import strategies as S
from tensorspec.testing.assertions import (assert_copies, assert_device, assert_dtype, assert_equal,
                                           assert_shape, assert_shares, assert_values, repro, source)
from tensorspec.testing.defaults import default_dtype
from tensorspec.testing.devices import on_cuda, on_devices

# Layouts torch wraps without copying, and the two it refuses (ValueError) in every constructor.
WRAPPABLE = ("contiguous", "fortran", "strided", "readonly")
REFUSED = {"negative_stride": "negative", "byteswapped": "byte order"}
KINDS = ("list", "tuple", "ndarray", "tensor", "scalar")
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
    with repro(f"torch.zeros({shape}); torch.ones(*{shape}); torch.rand({shape}); torch.eye({n}, {m})"):
        for make, value in ((torch.zeros, 0), (torch.ones, 1)):
            by_tuple = make(shape, device=device)
            assert_shape(by_tuple, shape, expr=f"{make.__name__}({shape})", name="shape")
            if shape:
                assert_shape(make(*shape, device=device), shape, expr=f"{make.__name__}(*{shape})", name="shape")
            else:  # no sizes at all is an error: a 0-d tensor needs the tuple form, zeros(())
                with pytest.raises(TypeError, match="missing"):
                    make(device=device)
            assert_values(by_tuple, np.full(shape, value, np.float32), f"{make.__name__}({shape})", exact=True)
        r = torch.rand(shape, device=device)
        assert_dtype(r, torch.get_default_dtype(), expr=f"torch.rand({shape})", name="dtype")
        assert bool(((r >= 0) & (r < 1)).all()), f"torch.rand({shape}) left [0, 1): {r}"
        assert_values(torch.eye(n, m, device=device), np.eye(n, m), f"torch.eye({n}, {m})", exact=True)


@pytest.mark.claim("creation.like")
@on_devices
@given(arr=S.arrays(S.numpy_dtypes(D.REAL), S.shapes(min_dims=2, max_dims=4)), data=st.data())
def test_like_keeps_shape_dtype_device_and_layout(device, arr, data):
    """*_like copies shape, dtype, device (and the strides of a dense model) unless overridden;
    rand_like needs a floating dtype."""
    model = torch.from_numpy(arr).to(device).transpose(0, -1)  # a non-contiguous model
    with repro(f"x = torch.from_numpy({source(arr)}).transpose(0, -1); torch.ones_like(x)"):
        for like in (torch.zeros_like, torch.ones_like, torch.empty_like, lambda x: torch.full_like(x, 1)):
            out = like(model)
            assert_equal("(shape, dtype, device)", (out.shape, out.dtype, out.device),
                         (model.shape, model.dtype, model.device), expr="*_like(x)")
            assert_equal("stride", out.stride(), model.stride(), expr="*_like(x) of a transposed x")
        new = data.draw(S.torch_dtypes(D.FLOAT), label="override dtype")
        assert_dtype(torch.ones_like(model, dtype=new), new, expr=f"ones_like(x, dtype={new})", name="dtype")
        if model.dtype.is_floating_point:
            assert_dtype(torch.rand_like(model), model.dtype, expr="rand_like(x)", name="dtype")
        else:
            with pytest.raises(NotImplementedError, match="not implemented for"):
                torch.rand_like(model)
            assert_dtype(torch.rand_like(model, dtype=new), new, expr=f"rand_like(x, dtype={new})", name="dtype")


@pytest.mark.claim("creation.Tensor_default_dtype")
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


@pytest.mark.claim("creation.Tensor_no_dtype")
@given(data=S.nested_lists(), dtype=S.torch_dtypes(D.BOOL + D.FLOAT))
def test_Tensor_refuses_a_dtype(data, dtype):
    """torch.Tensor(data, dtype=...) is a TypeError; torch.tensor(data, dtype=...) is the way."""
    values, _ = data
    with pytest.raises(TypeError, match="dtype"):
        torch.Tensor(values, dtype=dtype)
    assert_dtype(torch.tensor(values, dtype=dtype), dtype, expr=f"torch.tensor(data, dtype={dtype})", name="dtype")


@pytest.mark.claim("creation.Tensor_copies")
@given(al=laid_out_arrays(D.REAL, min_dims=1))
def test_Tensor_copies_unless_the_array_has_the_default_dtype(al):
    """torch.Tensor(ndarray) copies, except an array already of the default dtype: that it shares.
    (A 0-d integer array is not data at all: like an int, it is read as a size.)"""
    arr, layout = al
    t = quietly(torch.Tensor, arr)
    with repro(f"a = {source(arr)}  # layout {layout}\nt = torch.Tensor(a)"):
        with np.errstate(over="ignore"):  # float64 beyond float32's range becomes inf, as in torch
            assert_values(t, arr.astype(np.float32), "torch.Tensor(a)")
        if arr.dtype == np.float32:
            assert_shares(t, arr, expr=f"torch.Tensor(float32 array, {layout})")
        else:
            assert_copies(t, arr, expr=f"torch.Tensor({arr.dtype} array)")


@pytest.mark.claim("creation.Tensor_copies")
@given(data=S.nested_lists(), src_dtype=S.torch_dtypes(D.REAL), size=st.integers(0, 5))
def test_Tensor_of_a_list_copies_of_a_tensor_shares_of_an_int_is_a_size(data, src_dtype, size):
    values, _ = data
    src = torch.tensor(values).to(src_dtype)  # .to wraps out-of-range values instead of raising
    t = torch.Tensor(src)
    assert_shares(t, src, expr="torch.Tensor(tensor)")
    assert_dtype(t, src_dtype, expr="torch.Tensor(tensor) keeps the tensor's dtype", name="dtype")
    assert_shape(torch.Tensor(size), (size,), expr=f"torch.Tensor({size}): an int is a size", name="shape")
    assert_shape(torch.Tensor(np.array(size)), (size,), expr="torch.Tensor(0-d int array)", name="shape")
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
    with repro(f"torch.tensor({values!r}).dtype"):
        assert_dtype(torch.tensor(values, device=device), expected, expr=f"torch.tensor(<{kind}s>)", name="dtype")
        assert_dtype(torch.tensor(1 + 2j), torch.complex64, expr="torch.tensor(1+2j)", name="dtype")
        assert_dtype(torch.tensor([1, 2.5]), torch.get_default_dtype(), expr="torch.tensor([1, 2.5])", name="dtype")
        arr = data.draw(S.arrays(S.numpy_dtypes(), S.shapes(max_dims=2)), label="array")
        assert_dtype(torch.tensor(arr, device=device), D.TORCH_OF_NUMPY[arr.dtype], expr="torch.tensor(ndarray)", name="dtype")
        dtype = data.draw(S.torch_dtypes(D.BOOL + D.FLOAT, bfloat16=True), label="dtype")
        assert_dtype(torch.tensor(values, dtype=dtype, device=device), dtype, expr=f"dtype={dtype}", name="dtype")


@pytest.mark.claim("creation.tensor_copies")
@given(al=laid_out_arrays(D.ALL))
def test_tensor_copies_an_array(al):
    arr, layout = al
    with repro(f"a = {source(arr)}  # layout {layout}\nt = torch.tensor(a)"):
        assert_copies(torch.tensor(arr), arr, expr=f"torch.tensor(array, {layout})")


@pytest.mark.claim("creation.tensor_copies")
@on_devices
@given(arr=S.arrays(S.numpy_dtypes(D.REAL), S.shapes(min_side=1)))
def test_tensor_copies_a_tensor_and_warns(device, arr):
    src = torch.from_numpy(arr).to(device)
    with pytest.warns(UserWarning, match="recommended to use sourceTensor"):
        t = torch.tensor(src)
    assert_copies(t, src, expr="torch.tensor(tensor)")


@pytest.mark.claim("creation.as_tensor_accepts")
@on_devices
@given(arr=S.arrays(S.numpy_dtypes(D.REAL), S.shapes(max_dims=3, min_side=1)), kind=st.sampled_from(KINDS))
def test_as_tensor_accepts_array_likes(device, arr, kind):
    """Lists, tuples, ndarrays, tensors and scalars all give a tensor of the same values."""
    data = as_kind(arr, kind)
    with repro(f"torch.as_tensor({data!r})"):
        t = quietly(torch.as_tensor, data, device=device)
        with np.errstate(over="ignore"):  # a float64 beyond float32's range becomes inf, as in torch
            expected = arr if kind in ("ndarray", "tensor") else np.asarray(data).astype(PYTHON_DTYPE[arr.dtype.kind])
        assert_equal("(shape, dtype)", (tuple(t.shape), t.dtype),
                     (expected.shape, D.TORCH_OF_NUMPY[expected.dtype]), expr=f"as_tensor(<{kind}>)")
        assert_values(t, expected, f"as_tensor(<{kind}>)", exact=True)


@pytest.mark.claim("creation.as_tensor_accepts")
@on_devices
@given(arr=S.arrays(S.numpy_dtypes(D.REAL), S.shapes()))
def test_as_tensor_of_a_tensor_is_the_tensor_itself(device, arr):
    src = torch.from_numpy(arr).to(device)
    assert torch.as_tensor(src) is src, "as_tensor(t) should return t itself when dtype and device match"
    assert torch.as_tensor(src, device=device, dtype=src.dtype) is src


@pytest.mark.claim("creation.as_tensor_accepts", "creation.from_numpy_shares", "creation.tensor_copies")
@given(al=laid_out_arrays(D.REAL, layouts=tuple(REFUSED), min_size=0, min_dims=1))
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
@given(al=laid_out_arrays(D.ALL))
def test_as_tensor_shares_an_array(al):
    """as_tensor(ndarray) shares for every dtype and wrappable layout; a read-only array is shared
    too (with a UserWarning shown once per process); asking for another dtype makes a copy."""
    arr, layout = al
    with repro(f"a = {source(arr)}  # layout {layout}\nt = torch.as_tensor(a)"):
        t = quietly(torch.as_tensor, arr)
        assert_shares(t, arr, expr=f"torch.as_tensor(array, {layout})")
        assert_shares(quietly(torch.as_tensor, arr, dtype=t.dtype, device="cpu"), arr, expr="as_tensor(a, same dtype)")
        other = torch.float64 if t.dtype != torch.float64 else torch.float32
        assert_copies(quietly(torch.as_tensor, arr, dtype=other), arr, expr=f"torch.as_tensor(a, dtype={other})")


@pytest.mark.claim("creation.as_tensor_saves_memory")
@given(arr=S.arrays(S.numpy_dtypes(), S.shapes(min_side=1)))
def test_as_tensor_storage_is_the_arrays_own_buffer(arr):
    """No new allocation: the tensor's storage starts at the array's data and is no larger."""
    t = torch.as_tensor(arr)
    storage = t.untyped_storage()
    assert_equal("storage pointer", storage.data_ptr(), arr.ctypes.data, expr="torch.as_tensor(a)")
    assert_equal("storage bytes", storage.nbytes(), arr.nbytes, expr="torch.as_tensor(a)")
    assert torch.tensor(arr).untyped_storage().data_ptr() != arr.ctypes.data, "torch.tensor should allocate"


@pytest.mark.claim("creation.as_tensor_list_copies")
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


@pytest.mark.claim("creation.as_tensor_gpu_copies")
@on_cuda
@given(arr=S.arrays(S.numpy_dtypes(D.REAL), S.shapes(min_side=1)))
def test_as_tensor_to_the_gpu_copies(device, arr):
    t = torch.as_tensor(arr, device=device)
    assert_device(t, "cuda", expr="torch.as_tensor(a, device='cuda')", name="device")
    before = t.cpu().clone()
    arr[...] = np.logical_not(arr) if arr.dtype == np.bool_ else arr + 1
    assert torch.equal(t.cpu(), before), "changing the array changed the GPU tensor: it was not a copy"


@pytest.mark.claim("creation.as_tensor_round_trips")
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


@pytest.mark.claim("creation.from_numpy_only_ndarray")
@given(arr=S.arrays(S.numpy_dtypes(D.REAL), S.shapes(max_dims=2, min_side=1)),
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
@given(al=laid_out_arrays(D.ALL))
def test_from_numpy_shares(al):
    arr, layout = al
    with repro(f"a = {source(arr)}  # layout {layout}\nt = torch.from_numpy(a)"):
        t = quietly(torch.from_numpy, arr)
        assert_dtype(t, D.TORCH_OF_NUMPY[arr.dtype.newbyteorder("=")], expr="from_numpy(a)", name="dtype")
        assert_shares(t, arr, expr=f"torch.from_numpy(array, {layout})")
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
        with repro(f"torch.{ctor.__name__}({values!r})"):
            t = ctor(values)
            assert_equal("(dtype, shape)", (t.dtype, tuple(t.shape)), (dtype, shape), expr=f"{ctor.__name__}(data)")
            assert_values(t, np.array(values, dtype=np.float64).astype(D.NUMPY_OF_TORCH[dtype]),
                          f"{ctor.__name__}(data)", exact=True)
