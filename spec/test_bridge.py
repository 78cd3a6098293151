"""bridge: tensors and NumPy arrays, to and fro, and whether matplotlib takes tensors (BZ, CH2.5, MF).

"Shares" is decided by the storage pointer AND by writing through one side and reading the other
(``assert_shares`` / ``assert_copies`` of tensorspec.testing.assertions; ``write="other"`` writes into
the array).
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tensorspec.testing import dtypes as D
from tensorspec.testing import strategies as S
from tensorspec.testing.assertions import (assert_copies, assert_device, assert_dtype, assert_equal, assert_shape,
                                           assert_shares, assert_values, repro, same_memory, source)
from tensorspec.testing.creation_inputs import WRAPPABLE
from tensorspec.testing.devices import on_devices_naming
from tensorspec.testing.layouts import array_in_layout


# Every NumPy dtype torch.from_numpy accepts on the installed versions (uint16/32/64 included).
BRIDGED = D.ALL + D.LIMITED_UINT
UNBRIDGED = [np.dtype(t) for t in (np.longdouble, np.object_, np.str_, "datetime64[s]")]

# A tensor and views of it in two other layouts of tensorspec.testing.layouts (permuted: the axes
# reversed; stepped: every other element of the last axis): NumPy can describe all of them with strides.
TENSOR_VIEWS = {
    "contiguous": lambda t: t,
    "permuted": lambda t: t.permute(tuple(reversed(range(t.dim())))),
    "stepped": lambda t: t[..., ::2] if t.dim() else t,
}


def from_numpy_quietly(a: np.ndarray) -> torch.Tensor:
    """from_numpy, silencing the documented 'not writable' UserWarning for read-only arrays."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return torch.from_numpy(a)


@pytest.mark.claim("bridge.numpy_shares", "a_view_of_a_cpu_tensor", "an_empty_tensor")
@on_devices_naming("bridge.numpy_shares", "refuses_a_cuda_tensor")
@given(array=S.arrays(S.numpy_dtypes(BRIDGED)))
@example(array=np.zeros((0, 3), np.int16))  # empty: an empty array of its dtype and shape
def test_numpy_of_a_cpu_tensor_shares_its_memory(device, array):
    """On the CPU, t.numpy() is a view with t's dtype, strides and memory (each layout in every run):
    writes show both ways.  A CUDA tensor is refused (TypeError); numpy(force=True) then copies."""
    for layout, lay_out in TENSOR_VIEWS.items():
        t = lay_out(torch.from_numpy(array.copy()).to(device))
        with repro(f"t = torch.from_numpy({source(array)}).to({device!r})  # then {layout}\nn = t.numpy()"):
            if device != "cpu":
                with pytest.raises(TypeError, match=r"can't convert cuda:0 device type tensor to numpy\. "
                                                    r"Use Tensor\.cpu\(\)"):
                    t.numpy()
                forced = t.numpy(force=True)
                assert_values(forced, t, expr="t.numpy(force=True)", exact=True)
                if t.numel():
                    assert_copies(t, forced, expr="t.numpy(force=True) of a CUDA tensor", write="other")
                continue
            n = t.numpy()
            assert_dtype(n, D.NUMPY_OF_TORCH_ALL[t.dtype], expr="t.numpy()", name="n.dtype")
            assert_shape(n, tuple(t.shape), expr="t.numpy()", name="n.shape")
            assert_values(n, t, expr="t.numpy()", exact=True)
            if t.numel():
                assert_equal(n.strides, tuple(s * t.element_size() for s in t.stride()), expr=f"t.numpy(), t {layout}",
                             name="n.strides")
                assert_shares(t, n, expr=f"t.numpy(), t {layout}")  # a write into t shows in n ...
                assert_shares(t, n, expr=f"t.numpy(), t {layout}", write="other")  # ... and one into n in t


# Tensors t.numpy() refuses: (tensor, error, the words naming the problem, what numpy(force=True) gives:
# "shares", "copies", or None where force=True is refused the same way).
NUMPY_REFUSES = {
    "requires grad": (lambda: torch.tensor([1.0, 2.0], requires_grad=True), RuntimeError,
                      r"Can't call numpy\(\) on Tensor that requires grad\. Use tensor\.detach\(\)\.numpy\(\) instead",
                      "shares"),
    "conjugate view": (lambda: torch.tensor([1 + 2j, 3 - 4j]).conj(), RuntimeError, "has conjugate bit set", "copies"),
    "negative-bit view": (lambda: torch.tensor([1 + 2j, 3 - 4j]).conj().imag, RuntimeError,
                          r"has negative bit set\. Use tensor\.resolve_neg\(\)\.numpy\(\) instead", "copies"),
    **{f"{dtype}": (lambda dtype=dtype: torch.empty(2, dtype=dtype), TypeError, "Got unsupported ScalarType", None)
       for dtype in (torch.bfloat16, torch.complex32, *D.available("float8_e4m3fn", "float8_e5m2"))},
    "quantized": (lambda: torch.quantize_per_tensor(torch.zeros(2), 0.1, 0, torch.quint8), TypeError,
                  "Got unsupported ScalarType QUInt8", None),
    "sparse": (lambda: torch.ones(2).to_sparse(), TypeError, "can't convert Sparse layout tensor to numpy", None),
    "sparse CSR": (lambda: torch.ones(2, 2).to_sparse_csr(), TypeError, "can't convert SparseCsr layout tensor to numpy",
                   None),
}


REFUSAL_STATEMENT = {"requires grad": "refuses_a_tensor_requiring_grad", "conjugate view": "refuses_conjugate_and_negative_views",
                     "negative-bit view": "refuses_conjugate_and_negative_views", "sparse": "refuses_sparse_tensors",
                     "sparse CSR": "refuses_sparse_tensors"}


@pytest.mark.parametrize("case", [
    pytest.param(case, marks=pytest.mark.claim("bridge.numpy_shares",
                                               REFUSAL_STATEMENT.get(case, "refuses_dtypes_numpy_lacks")))
    for case in NUMPY_REFUSES])
@pytest.mark.filterwarnings("ignore:ComplexHalf support is experimental")
@pytest.mark.filterwarnings("ignore:Sparse CSR tensor support is in beta")
@pytest.mark.filterwarnings("ignore:torch.quantize_per_tensor.*are deprecated")  # torch 2.13 on; not this test's subject
def test_numpy_refuses_grad_conj_neg_and_dtypes_numpy_lacks(case):
    """t.numpy() refuses a tensor requiring grad (detach() shares, force=True shares), a conjugate or
    negative-bit view (force=True copies, resolved), dtypes NumPy lacks, quantized ones among them
    (force=True or not) and sparse tensors, COO and CSR."""
    make, error, words, forced = NUMPY_REFUSES[case]
    t = make()
    with pytest.raises(error, match=words):
        t.numpy()
    if forced is None:
        with pytest.raises(error, match=words):
            t.numpy(force=True)
        return
    n = t.numpy(force=True)
    assert_values(n, t.detach().resolve_conj().resolve_neg(), expr=f"t.numpy(force=True), t a {case}", exact=True)
    assert_equal(same_memory(t, n), forced == "shares", expr=f"t a {case}", name="t.numpy(force=True) shares")


@pytest.mark.claim("bridge.numpy_shares", "allowed_without_grad_mode")
def test_numpy_of_a_tensor_requiring_grad_is_allowed_without_grad_mode():
    """The refusal needs grad mode: inside torch.no_grad() t.numpy() of a tensor requiring grad is a view;
    the detached tensor's numpy() shares too."""
    needs_grad = torch.ones(3, requires_grad=True)
    with torch.no_grad():
        assert_shares(needs_grad.detach(), needs_grad.numpy(), expr="with torch.no_grad(): t.numpy()")
    assert_shares(needs_grad.detach(), needs_grad.detach().numpy(), expr="t.detach().numpy()")


@pytest.mark.claim("bridge.numpy_to_tensor_reflects", "a_cpu_view_of_the_array")
@on_devices_naming("bridge.numpy_to_tensor_reflects", "moving_to_cuda_copies")
@given(array=S.arrays(S.numpy_dtypes(BRIDGED), S.shapes()))
def test_from_numpy_shows_changes_of_the_array_while_on_the_cpu(device, array):
    """torch.from_numpy(a) is a CPU view of a (same dtype, strides, memory; each layout in every run,
    read-only too): writes into a show in it.  Moving it to CUDA copies, and the link is gone."""
    for layout in WRAPPABLE:  # what from_numpy wraps as is
        a = array_in_layout(array, layout)
        with repro(f"a = {source(a)}  # {layout}\nt = torch.from_numpy(a).to({device!r})"):
            t = from_numpy_quietly(a)  # a read-only array is wrapped too (warned about once per process)
            if layout == "readonly":
                a.setflags(write=True)  # the array owns its data: it may be made writable again
            assert_device(t, torch.device("cpu"), expr="torch.from_numpy(a)", name="t.device")
            assert_dtype(t, D.TORCH_OF_NUMPY_ALL[a.dtype], expr="torch.from_numpy(a)", name="t.dtype")
            assert_equal(t.stride(), tuple(s // a.itemsize for s in a.strides), expr=f"torch.from_numpy(a), a {layout}",
                         name="t.stride()")
            assert_values(t, a, expr="torch.from_numpy(a)", exact=True)
            moved = t.to(device)
            if a.size:
                linked = assert_shares if device == "cpu" else assert_copies
                linked(moved, a, expr=f"torch.from_numpy(a).to({device!r}), a {layout}", write="other")


REFUSED = {"negative_stride": (ValueError, "At least one stride in the given numpy array is negative"),
           "byteswapped": (ValueError, "byte order different from the native byte order")}


@pytest.mark.claim("bridge.numpy_to_tensor_reflects", "refuses_negative_strides_and_foreign_byte_order")
@given(array=S.arrays(S.numpy_dtypes([d for d in BRIDGED if d.itemsize > 1]), S.shapes(min_dims=1, min_side=2)))
def test_arrays_torch_cannot_wrap_are_refused(array):
    """Negative strides and non-native byte order are refused (ValueError) by from_numpy, tensor and
    as_tensor alike (each met in every run): such arrays cannot enter torch at all."""
    for layout, (error, message) in REFUSED.items():
        a = array_in_layout(array, layout)
        for make in ("from_numpy", "tensor", "as_tensor"):
            with repro(f"torch.{make}({source(array)})  # {layout}"), pytest.raises(error, match=message):
                getattr(torch, make)(a)
                pytest.fail(f"torch.{make} took an array of layout {layout}")


@pytest.mark.claim("bridge.numpy_to_tensor_reflects", "a_cpu_view_of_the_array")
@pytest.mark.claim("bridge.round_trip", "array_round_trip_keeps_the_bits")
@pytest.mark.parametrize("name", ("uint16", "uint32", "uint64"))
def test_the_wide_unsigned_dtypes_are_bridged(name):
    """uint16/32/64 arrays become tensors of the same dtype and back (the strategies above draw them
    only where torch has the dtype; this test says so when it has not)."""
    dtype = D.torch_dtype(name)  # skips, naming the dtype, where the installed torch lacks it
    a = np.arange(3, dtype=name)
    t = torch.from_numpy(a)
    assert_equal(t.dtype, dtype, expr=f"torch.from_numpy(np.arange(3, dtype={name!r}))", name="t.dtype")
    assert_equal(t.numpy().dtype, a.dtype, expr="t.numpy()", name="t.numpy().dtype")


@pytest.mark.claim("bridge.numpy_to_tensor_reflects", "refuses_dtypes_torch_lacks")
@pytest.mark.parametrize("dtype", UNBRIDGED, ids=str)
def test_dtypes_torch_lacks_are_refused(dtype):
    """An array of a dtype torch lacks (longdouble, object, str, datetime64) is a TypeError."""
    with pytest.raises(TypeError, match=f"can't convert np.ndarray of type numpy.{dtype.type.__name__}"):
        torch.from_numpy(np.zeros(2, dtype=dtype))


@pytest.mark.claim("bridge.round_trip", "array_round_trip_keeps_the_bits")
@on_devices_naming("bridge.round_trip", "through_the_gpu")
@given(array=S.arrays(S.numpy_dtypes(BRIDGED), S.shapes()))
@example(array=np.array([-0.0, np.float32(np.nan), np.uint32(0x7FC00001).view(np.float32)], np.float32))
def test_ndarray_to_tensor_to_ndarray_keeps_dtype_and_bits(device, array):
    """ndarray -> tensor (from_numpy or tensor, on any device) -> ndarray gives back the dtype and
    the very bits (NaN payloads, -0.0) of every accepted dtype, each layout in every run."""
    for layout in ("contiguous", "fortran", "stepped"):
        a = array_in_layout(array, layout)
        with repro(f"a = {source(a)}  # {layout}\ntorch.from_numpy(a).to({device!r}).cpu().numpy()"):
            for expr, back in ((f"torch.from_numpy(a).to({device!r}).cpu().numpy()",
                                torch.from_numpy(a).to(device).cpu().numpy()),
                               (f"torch.tensor(a, device={device!r}).cpu().numpy()",
                                torch.tensor(a, device=device).cpu().numpy())):
                assert_dtype(back, a.dtype, expr=expr, name="dtype")
                assert_shape(back, a.shape, expr=expr, name="shape")
                assert np.ascontiguousarray(back).tobytes() == np.ascontiguousarray(a).tobytes(), (
                    f"bits differ: {back!r} != {a!r} [{expr}, {layout}]")


@pytest.mark.claim("bridge.round_trip", "tensor_round_trip_keeps_dtype_and_values")
@on_devices_naming("bridge.round_trip", "through_the_gpu")
@given(dtype=st.sampled_from(sorted(D.NUMPY_OF_TORCH_ALL, key=str)), shape=S.shapes())
def test_tensor_to_ndarray_to_tensor_keeps_dtype_and_values(device, dtype, shape):
    """The other way round: every torch dtype NumPy has survives tensor -> ndarray -> tensor."""
    t = torch.arange(int(np.prod(shape)), device=device).reshape(shape).to(dtype)
    with repro(f"t = torch.arange(...).reshape({shape}).to({dtype}); torch.from_numpy(t.cpu().numpy())"):
        back = torch.from_numpy(t.cpu().numpy()).to(device)
        assert_dtype(back, t.dtype, expr="torch.from_numpy(t.cpu().numpy())", name="dtype")
        # compared on the CPU: uint16..64 have few CUDA kernels
        # compared as ndarrays: torch.equal has no uint16..64 kernel in some releases
        assert np.array_equal(back.cpu().numpy(), t.cpu().numpy()), f"values changed: {back} != {t}"


def agg_axes():
    """Axes on an off-screen (Agg) figure with its own canvas: pyplot and the global backend are
    left untouched."""
    Figure = pytest.importorskip("matplotlib.figure", reason="matplotlib not installed").Figure
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = Figure(figsize=(1, 1), dpi=10)
    FigureCanvasAgg(fig)
    return fig.add_subplot()


def plotted(ax, x, y) -> np.ndarray:
    """Plot y against x, render, and return the line's y data as matplotlib holds it."""
    (line,) = ax.plot(x, y)
    ax.figure.canvas.draw()
    return line.get_ydata()


@pytest.mark.claim("bridge.matplotlib_needs_numpy", "plots_cpu_tensors", "refuses_a_tensor_requiring_grad")
@on_devices_naming("bridge.matplotlib_needs_numpy", "refuses_a_cuda_tensor")
@settings(max_examples=6)  # rendering figures is slow
@given(values=S.arrays(np.float32, S.shapes(min_dims=1, max_dims=1, min_side=1), special=False, bound=1e3))
def test_matplotlib_plots_cpu_tensors_directly(device, values):
    """matplotlib converts tensors itself (np.asarray): a CPU tensor plots as is; it only refuses what
    t.numpy() refuses - a tensor requiring grad (.detach() first) and a CUDA tensor (.cpu() first)."""
    ax = agg_axes()
    x = torch.arange(len(values), dtype=torch.float32, device=device)
    y = torch.from_numpy(values).to(device)
    with repro(f"ax.plot(torch.arange({len(values)}.), torch.tensor({values.tolist()}).to({device!r}))"):
        if device == "cpu":
            ys = plotted(ax, x, y)
            assert isinstance(ys, np.ndarray), f"line data is a {type(ys)}, not an ndarray"
            assert_values(ys, values, expr="line.get_ydata() after ax.plot(x, t)", exact=True)
        else:
            with pytest.raises(TypeError, match=r"can't convert cuda:0 device type tensor to numpy\. "
                                                r"Use Tensor\.cpu\(\)"):
                plotted(ax, x, y)
            assert_values(plotted(ax, x.cpu(), y.cpu()), values, expr="ax.plot(x.cpu(), t.cpu())", exact=True)
        needs_grad = y.cpu().requires_grad_()
        with pytest.raises(RuntimeError, match=r"Can't call numpy\(\) on Tensor that requires grad"):
            plotted(ax, x.cpu(), needs_grad)
        assert_values(plotted(ax, x.cpu(), needs_grad.detach()), values, expr="ax.plot(x, t.detach())", exact=True)
