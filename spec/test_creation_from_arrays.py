"""creation: as_tensor and from_numpy on arrays (what they accept, when they share, how much memory), and the legacy typed constructors (DL8-DL9, BZ, MF)."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import example, given
from hypothesis import strategies as st

from tensorspec.claims.context import differs
from tensorspec.testing import dtypes as D
from tensorspec.testing import strategies as S
from tensorspec.testing.assertions import (assert_copies, assert_device, assert_dtype, assert_equal, assert_shares,
    assert_values, repro, source, storage_of)
from tensorspec.testing.creation_inputs import (
    KINDS,
    PYTHON_DTYPE,
    REFUSED,
    WRAPPABLE,
    as_kind,
    quietly,
)
from tensorspec.testing.devices import on_cuda, on_devices
from tensorspec.testing.layouts import array_in_layout, arrays_in_layouts


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
            assert_equal((tuple(t.shape), t.dtype), (expected.shape, D.TORCH_OF_NUMPY[expected.dtype]),
                         expr=f"as_tensor(<{kind}>)", name="(shape, dtype)")
            assert_values(t, expected, expr=f"as_tensor(<{kind}>)", exact=True)
    assert_equal(torch.as_tensor(1 + 2j).dtype, torch.complex64, expr="torch.as_tensor(1 + 2j)", name="dtype")


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
@given(al=arrays_in_layouts(dtypes=D.REAL, shape=S.shapes(min_dims=1), layouts=tuple(REFUSED)))
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
        a = array_in_layout(arr, layout)
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
        laid = array_in_layout(arr, layout)
        views = {f"a  # {layout}": laid}
        if laid.ndim and laid.shape[0] > 1:
            views[f"a[1:]  # {layout}"] = laid[1:]
        for expr, a in views.items():
            with repro(f"a = {source(laid)}  # {layout}\nt = torch.as_tensor({expr.split('  #')[0]})"):
                storage = storage_of(quietly(torch.as_tensor, a))
                assert_equal(storage.data_ptr(), a.ctypes.data, expr=f"torch.as_tensor({expr})", name="storage pointer")
                assert_equal(storage.nbytes(), spanned_bytes(a), expr=f"torch.as_tensor({expr})", name="storage bytes")
                if a.flags.c_contiguous or a.flags.f_contiguous:
                    assert_equal(storage.nbytes(), a.nbytes, expr=f"torch.as_tensor({expr}), contiguous",
                                 name="storage bytes")
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
            assert_equal(x.ctypes.data, arr.ctypes.data, expr=f"{trips} round trips via torch.{name}",
                         name="data pointer")
        copies = [arr]  # kept alive, so that no freed buffer can be handed out again
        for _ in range(trips):
            copies.append(torch.tensor(copies[-1]).numpy())
        assert_equal(len({c.ctypes.data for c in copies}), trips + 1, expr=f"{trips} round trips via torch.tensor",
                     name="distinct buffers")


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
    assert_values(torch.from_numpy(zero_d), zero_d, expr=f"torch.from_numpy({source(zero_d)}): a 0-d ndarray",
                  exact=True)


@pytest.mark.claim("creation.from_numpy_shares", "shares_every_dtype_and_layout")
@given(arr=S.arrays(S.numpy_dtypes(D.ALL), S.shapes(min_side=1)))
def test_from_numpy_shares(arr):
    """Both ways, every dtype, each wrappable layout in every run (C, Fortran, stepped, read-only)."""
    for layout in WRAPPABLE:
        a = array_in_layout(arr, layout)
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
            assert_equal((t.dtype, tuple(t.shape)), (dtype, shape), expr=f"{ctor.__name__}(data)",
                         name="(dtype, shape)")
            assert_values(t, torch.tensor(values, dtype=dtype),
                          expr=f"{ctor.__name__}(data) vs torch.tensor(data, dtype)", exact=True)
            assert_values(ctor(np.array(values)), np.array(values, dtype=np.float64).astype(D.NUMPY_OF_TORCH[dtype]),
                          expr=f"{ctor.__name__}(ndarray)", exact=True)
            for n in (size, np.int64(size), np.array(size)):
                assert_equal((ctor(n).dtype, tuple(ctor(n).shape)), (dtype, (size,)),
                             expr=f"{ctor.__name__}({n!r}): a size", name="(dtype, shape)")
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
