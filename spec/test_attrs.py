"""attrs: the attributes every tensor carries - dtype, device, layout - and the defaults of
``torch.rand`` (DL8, BZ, CH2.3)."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from tensorspec.claims.context import differs
from tensorspec.testing import dtypes as D
from tensorspec.testing import strategies as S
from tensorspec.testing.assertions import assert_device, assert_dtype, assert_equal, assert_shape, repro
from tensorspec.testing.defaults import default_dtype, get_default_device
from tensorspec.testing.devices import on_devices

# Ways to make a tensor of a given dtype and shape, each usable for every dtype.
MAKERS = {
    "zeros": lambda shape, dtype, device: torch.zeros(shape, dtype=dtype, device=device),
    "ones": lambda shape, dtype, device: torch.ones(shape, dtype=dtype, device=device),
    "empty": lambda shape, dtype, device: torch.empty(shape, dtype=dtype, device=device),
    "full": lambda shape, dtype, device: torch.full(shape, True, dtype=dtype, device=device),
    "tensor": lambda shape, dtype, device: torch.tensor(np.zeros(shape), dtype=dtype, device=device),
    "zeros_like": lambda shape, dtype, device: torch.zeros_like(torch.empty(shape, dtype=dtype, device=device)),
    "view": lambda shape, dtype, device: torch.zeros(shape, dtype=dtype, device=device).reshape(-1),
    "transpose": lambda shape, dtype, device: torch.zeros(shape, dtype=dtype, device=device).mT
    if len(shape) >= 2 else torch.zeros(shape, dtype=dtype, device=device),
}


@pytest.mark.claim("attrs.dtype_device_layout", "reports_dtype_and_device", "strided_layout")
@on_devices
@given(dtype=S.torch_dtypes(bfloat16=True), shape=S.shapes(), maker=st.sampled_from(sorted(MAKERS)))
def test_every_tensor_has_a_dtype_a_device_and_a_strided_layout(device, dtype, shape, maker):
    """Whatever made it, a tensor reports the dtype and device it was made with, and the strided layout."""
    t = MAKERS[maker](shape, dtype, device)
    expr = f"{maker} of shape {shape}, dtype={dtype}, device={device!r}"
    with repro(f"t = <{expr}>; t.dtype, t.device, t.layout"):
        assert_equal(type(t.dtype), torch.dtype, expr=expr, name="type(t.dtype)")
        assert_dtype(t, dtype, expr=expr, name="t.dtype")
        assert_equal(type(t.device), torch.device, expr=expr, name="type(t.device)")
        assert_device(t, device, expr=expr, name="t.device")
        assert_equal(t.layout, torch.strided, expr=expr, name="t.layout")


@pytest.mark.claim("attrs.dtype_device_layout", "sparse_layout")
@on_devices
def test_strided_is_only_the_default_layout(device):
    """A sparse tensor of the same values reports another layout: the attribute is not a constant."""
    dense = torch.eye(3, device=device)
    sparse = dense.to_sparse()
    with repro("torch.eye(3).to_sparse().layout"):
        assert_equal(sparse.layout, torch.sparse_coo, expr="torch.eye(3).to_sparse()", name="sparse.layout")
        assert_equal(sparse.to_dense().layout, torch.strided, expr="sparse.to_dense()", name="sparse.to_dense().layout")
        assert torch.equal(sparse.to_dense(), dense)


# dtype= takes floating and complex dtypes only; the others, and what rand says to them.
RAND_REFUSES = [torch.bool, torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64, *D.available("float8_e4m3fn")]


@pytest.mark.claim("attrs.rand_defaults", "shape_and_range", "default_dtype_and_device", "overrides",
                   "other_dtypes_refused")
@on_devices
@given(shape=S.shapes(max_dims=4),
       dtype=st.one_of(S.torch_dtypes(D.FLOAT + D.COMPLEX, bfloat16=True), st.sampled_from(RAND_REFUSES)))
def test_rand_takes_the_default_dtype_and_device(device, shape, dtype):
    """rand(*sizes) has that shape, values in [0, 1), dtype torch.get_default_dtype() (float32 out of
    the box) and the default device (cpu out of the box), unless told otherwise: device= any device,
    dtype= a floating or complex dtype (both parts in [0, 1)); an integer, bool or float8 dtype raises."""
    with repro(f"torch.rand({shape}, dtype={dtype})"):
        t = torch.rand(shape)
        assert_shape(t, shape, expr=f"torch.rand({shape})", name="t.shape")
        assert_dtype(t, torch.get_default_dtype(), expr=f"torch.rand({shape})", name="t.dtype")
        assert_device(t, get_default_device(), expr=f"torch.rand({shape})", name="t.device")
        assert bool(((t >= 0) & (t < 1)).all()), f"torch.rand({shape}) has values outside [0, 1): {t}"
        if dtype.is_floating_point and torch.empty((), dtype=dtype).element_size() > 1 or dtype.is_complex:
            on_device = torch.rand(shape, device=device, dtype=dtype)
            assert_equal(on_device.device.type, device, expr=f"torch.rand({shape}, device={device!r})",
                         name="t.device.type")
            assert_equal(on_device.dtype, dtype, expr=f"torch.rand({shape}, dtype={dtype})", name="t.dtype")
            parts = torch.view_as_real(on_device.to(torch.complex64)) if dtype.is_complex else on_device
            assert bool(((parts >= 0) & (parts < 1)).all()), f"torch.rand({shape}, dtype={dtype}): {on_device}"
        else:
            error = RuntimeError if differs("rand_dtype_runtime_error") else NotImplementedError
            with pytest.raises(error, match="not implemented for"):
                torch.rand(shape, device=device, dtype=dtype)
                pytest.fail(f"torch.rand({shape}, dtype={dtype}) made a tensor")


@pytest.mark.claim("attrs.rand_defaults", "default_dtype_and_device")
def test_rand_3_4_is_float32_on_cpu_out_of_the_box():
    """The note's example: (3, 4), float32, cpu - the out-of-the-box defaults."""
    t = torch.rand(3, 4)
    assert_equal(torch.get_default_dtype(), torch.float32, expr="out of the box", name="torch.get_default_dtype()")
    assert_equal((tuple(t.shape), t.dtype, str(t.device)), ((3, 4), torch.float32, "cpu"), expr="torch.rand(3, 4)",
                 name="torch.rand(3,4)")


@pytest.mark.claim("attrs.rand_defaults", "follows_changed_defaults")
@on_devices
def test_rand_follows_a_changed_default_dtype_and_device(device):
    """set_default_dtype(float64) makes rand float64; `with torch.device(d)` makes rand land on d
    (meta stands in for a non-CPU device where there is no GPU)."""
    with default_dtype(torch.float64):
        assert_dtype(torch.rand(3, 4), torch.float64,
                     expr="torch.set_default_dtype(torch.float64); torch.rand(3, 4)", name="t.dtype")
    if not hasattr(torch.device, "__enter__"):
        pytest.skip(f"torch {torch.__version__}: torch.device is not a context manager")
    for where in (device, "meta"):
        with torch.device(where):
            t = torch.rand(3, 4)
        assert_device(t, where, expr=f"with torch.device({where!r}): torch.rand(3, 4)", name="t.device")
    assert_device(torch.rand(3, 4), torch.device("cpu"), expr="after the with block", name="t.device")
