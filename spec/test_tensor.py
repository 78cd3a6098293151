"""tensor: what a tensor is - rank, axes, shape, numel, and the NCHW convention of conv layers
(DL5-DL7, DL10, CH2.1, MF).

Ranks 0 to 5 with zero-size axes are drawn; the reference for values is NumPy on the same data.
"""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import example, given
from hypothesis import strategies as st
from numpy.lib.stride_tricks import sliding_window_view

from tensorspec.testing import dtypes as D
from tensorspec.testing import strategies as S
from tensorspec.testing.assertions import (assert_dtype, assert_equal, assert_shape, assert_tensor, assert_values,
                                           repro, source)
from tensorspec.testing.devices import on_devices


def counting(shape, device) -> torch.Tensor:
    """A tensor whose element at an index is that index's C-order position: 0, 1, 2, ..."""
    return torch.arange(math.prod(shape), device=device).reshape(shape)


@pytest.mark.claim("tensor.rank", "three_spellings", "rank_indices_name_an_element", "one_more_index_raises",
                   "zero_d_single_index")
@on_devices
@given(shape=S.shapes(), data=st.data())
def test_rank_is_the_number_of_axes_and_of_indices_naming_an_element(device, shape, data):
    """dim() = ndim = len(shape); exactly `rank` indices name one element, one more is an IndexError
    (a single index into a 0-d tensor: another message)."""
    t = counting(shape, device)
    rank = len(shape)
    with repro(f"t = torch.arange({math.prod(shape)}).reshape({shape})"):
        assert_equal(t.dim(), rank, expr="t.dim()", name="t.dim()")
        assert_equal(t.ndim, rank, expr="t.ndim", name="t.ndim")
        assert_equal(len(t.shape), rank, expr="len(t.shape)", name="len(t.shape)")
        if math.prod(shape) == 0:
            return  # no element to name
        index = data.draw(st.tuples(*(st.integers(0, n - 1) for n in shape)), label="index")
        element = t[index]
        assert_equal(element.dim(), 0, expr=f"t[{index}]", name="t[index].dim()")
        assert_equal(element.item(), int(np.ravel_multi_index(index, shape)) if shape else 0, expr=f"t[{index}]",
                     name="t[index]")
        if rank:  # one index fewer names a sub-tensor, not an element
            assert_equal(t[index[:-1]].dim(), 1, expr=f"t[{index[:-1]}]", name="t[index[:-1]].dim()")
        with pytest.raises(IndexError, match=f"too many indices for tensor of dimension {rank}"):
            t[index + (0,)]
        if rank == 0:  # a single index into a 0-d tensor is refused with other words
            with pytest.raises(IndexError, match="invalid index of a 0-dim tensor"):
                t[0]
            with pytest.raises(IndexError, match="index -1 is out of bounds for dimension 0 with size 0"):
                t[-1]


@pytest.mark.claim("tensor.rank", "zero_d_single_index", "one_more_index_raises")
@on_devices
def test_a_single_index_into_a_0d_tensor(device):
    """Rank 0: no index names an element of a 0-d tensor; t[0] and t[-1] say so in their own words."""
    t = torch.tensor(7, device=device)
    assert_equal(t[()].item(), 7, expr="torch.tensor(7)[()]", name="t[()]")
    with pytest.raises(IndexError, match="invalid index of a 0-dim tensor. Use `tensor.item"):
        t[0]
    with pytest.raises(IndexError, match="index -1 is out of bounds for dimension 0 with size 0"):
        t[-1]
    with pytest.raises(IndexError, match="too many indices for tensor of dimension 0"):
        t[0, 0]


@pytest.mark.claim("tensor.size_is_shape", "zero_d_has_no_dims")
@on_devices
@pytest.mark.parametrize("d", [-3, -1, 0, 1, 3])
def test_size_of_a_dim_of_a_0d_tensor(device, d):
    """A 0-d tensor has no dimension to ask the size of."""
    with pytest.raises(IndexError, match=f"Dimension specified as {d} but tensor has no dimensions"):
        torch.tensor(1.0, device=device).size(d)


@pytest.mark.claim("tensor.axis_length", "valid_indices", "out_of_range_messages")
@on_devices
@given(shape=S.shapes(min_dims=1), data=st.data())
def test_an_axis_of_length_n_takes_exactly_the_indices_minus_n_to_n_minus_1(device, shape, data):
    """Every index in -n..n-1 selects NumPy's slice; indices outside raise IndexError naming the axis."""
    dim = data.draw(S.dims(len(shape)), label="dim")
    axis = dim % len(shape)
    n = shape[axis]
    t, a = counting(shape, device), np.arange(math.prod(shape)).reshape(shape)
    lead = (slice(None),) * axis
    with repro(f"t = torch.arange({math.prod(shape)}).reshape({shape}); t.select({dim}, i)"):
        for i in range(-n, n):
            expected = np.take(a, i, axis=axis)
            for expr, got in ((f"t[{lead + (i,)}]", t[lead + (i,)]), (f"t.select({dim}, {i})", t.select(dim, i))):
                assert_equal(got.cpu().tolist(), expected.tolist(), expr=f"np.take(a, {i}, axis={axis})", name=expr)
        bad = data.draw(st.one_of(st.integers(n, n + 4), st.integers(-n - 4, -n - 1)), label="out-of-range index")
        with pytest.raises(IndexError, match=f"index {bad} is out of bounds for dimension {axis} with size {n}"):
            t[lead + (bad,)]
        with pytest.raises(IndexError, match=rf"select\(\): index {bad} out of range .* at dimension {axis}"):
            t.select(dim, bad)


@pytest.mark.claim("tensor.axis_length", "zero_length_axis")
@on_devices
def test_a_zero_length_axis_takes_no_index(device):
    """Along an axis of length 0 neither 0 nor -1 is an index, by [] or by select()."""
    t = torch.empty(2, 0, 3, device=device)
    for i in (0, -1):
        with pytest.raises(IndexError, match=f"index {i} is out of bounds for dimension 1 with size 0"):
            t[:, i]
            pytest.fail(f"t[:, {i}] of torch.empty(2, 0, 3) gave a tensor")
        with pytest.raises(IndexError, match=rf"select\(\): index {i} out of range .* at dimension 1"):
            t.select(1, i)
            pytest.fail(f"t.select(1, {i}) of torch.empty(2, 0, 3) gave a tensor")


@pytest.mark.claim("tensor.size_is_shape", "size_equals_shape", "size_of_a_dim", "bad_dim", "zero_d_has_no_dims")
@on_devices
@given(shape=S.shapes(), data=st.data())
def test_size_equals_shape(device, shape, data):
    """t.size() == t.shape (both torch.Size), t.size(d) == t.shape[d]; a bad d is an IndexError."""
    t = torch.empty(shape, device=device)
    rank = len(shape)
    with repro(f"t = torch.empty({shape}); t.size(), t.shape"):
        assert_equal(t.size(), t.shape, expr="t.size() == t.shape", name="t.size()")
        assert_equal(tuple(t.size()), shape, expr="t.size()", name="t.size()")
        assert_equal(type(t.size()), torch.Size, expr="type(t.size())", name="type(t.size())")
        assert_equal(type(t.shape), torch.Size, expr="type(t.shape)", name="type(t.shape)")
        for d in range(-rank, rank):
            assert_equal(t.size(d), t.shape[d], expr=f"t.size({d}) == t.shape[{d}]", name="t.size(d)")
        bad = data.draw(S.out_of_range_dims(rank) if rank else st.integers(-3, 3), label="bad dim")
        expected = (rf"expected to be in range of \[{-rank}, {rank - 1}\], but got {bad}" if rank
                    else f"Dimension specified as {bad} but tensor has no dimensions")
        with pytest.raises(IndexError, match=expected):
            t.size(bad)


@pytest.mark.claim("tensor.numel", "numel_is_the_product", "notes_prod")
@on_devices
@given(shape=S.shapes())
@example(shape=())
@example(shape=(4, 0, 3))
def test_the_product_of_the_shape_is_numel(device, shape):
    """numel() is the product of the sides (0 with a zero-size axis, 1 for rank 0); the note's
    `torch.tensor(t.shape).prod()` agrees in value - int64, but float32 for rank 0."""
    t = torch.empty(shape, device=device)
    expected = math.prod(shape)
    with repro(f"t = torch.empty({shape}); t.numel(), torch.tensor(t.shape).prod()"):
        assert_equal(t.numel(), expected, expr="t.numel()", name="t.numel()")
        prod = torch.tensor(t.shape).prod()
        assert_equal(prod.item(), expected, expr="torch.tensor(t.shape).prod()",
                     name="torch.tensor(t.shape).prod().item()")
        # torch.tensor(()) is an empty tensor of the default dtype, so rank 0 gives a float 1.0
        dtype = torch.get_default_dtype() if not shape else torch.int64
        assert_dtype(prod, dtype, expr="torch.tensor(t.shape).prod()", name="torch.tensor(t.shape).prod().dtype")


def conv_reference(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Valid cross-correlation of an NCHW batch with OIkk weights, by explicit windows."""
    k = w.shape[-1]
    windows = sliding_window_view(x, (k, k), axis=(2, 3))  # N, C, H', W', k, k
    return np.einsum("nchwij,ocij->nohw", windows, w) + b[None, :, None, None]


@st.composite
def conv_problems(draw):
    """An NCHW batch, conv weights and bias (float64, bounded values)."""
    n, c, o = (draw(st.integers(1, 3), label=lbl) for lbl in ("N", "C", "out channels"))
    k = draw(st.integers(1, 3), label="kernel")
    h, w = draw(st.integers(k, 5), label="H"), draw(st.integers(k, 5), label="W")
    values = lambda shape: draw(S.arrays(np.float64, shape, special=False, bound=10))  # noqa: E731
    return values((n, c, h, w)), values((o, c, k, k)), values((o,))


@pytest.mark.claim("tensor.nchw", "reads_nchw", "channels_last_keeps_shape", "channels_last_same_output", "nhwc_refused",
                   "nhwc_with_h_equal_c_runs")
@on_devices
@given(problem=conv_problems())
@example(problem=(np.arange(108.0).reshape(2, 3, 3, 6), np.ones((4, 3, 3, 3)), np.zeros(4)))  # H == C == 3
def test_conv_layers_take_nchw_and_channels_last_is_only_a_memory_format(device, problem):
    """Conv2d reads axis 1 as channels; channels_last keeps the NCHW shape with NHWC strides and gives
    the same output; an NHWC-shaped input is rejected, unless H happens to equal C: then it runs, silently
    reading H as the channels."""
    x_np, w_np, b_np = problem
    n, c, h, w = x_np.shape
    o, _, k, _ = w_np.shape
    conv = torch.nn.Conv2d(c, o, k, dtype=torch.float64, device=device)
    with torch.no_grad():
        conv.weight.copy_(torch.from_numpy(w_np))
        conv.bias.copy_(torch.from_numpy(b_np))
    x = torch.from_numpy(x_np).to(device)
    with repro(f"x = {source(x_np)}\nconv = torch.nn.Conv2d({c}, {o}, {k}, dtype=torch.float64)  "
               f"# weight {source(w_np)}, bias {source(b_np)}"):
        expected = conv_reference(x_np, w_np, b_np)
        with torch.no_grad():
            assert_values(conv(x), expected, expr="conv(x) with x NCHW")
            x_cl = x.to(memory_format=torch.channels_last)
            assert_shape(x_cl, (n, c, h, w), expr="x.to(memory_format=torch.channels_last)", name="x_cl.shape")
            assert_equal(x_cl.stride(), (h * w * c, 1, w * c, c), expr="channels_last strides (NHWC order)",
                         name="x_cl.stride()")
            assert x_cl.is_contiguous(memory_format=torch.channels_last), "x_cl is not channels_last-contiguous"
            assert torch.equal(x_cl, x), "channels_last changed the values"
            assert_tensor(conv(x_cl), conv(x), expr="conv(channels_last x) vs conv(x)", equal_nan=False)
            nhwc = x.permute(0, 2, 3, 1)  # an NHWC-shaped batch has H where the channels should be
            if h != c:
                with pytest.raises(RuntimeError, match=f"to have {c} channels, but got {h} channels instead"):
                    conv(nhwc)
            else:  # not caught: H is read as the channels, (W, C) as the image
                assert_values(conv(nhwc), conv_reference(x_np.transpose(0, 2, 3, 1), w_np, b_np),
                              expr=f"conv(x.permute(0, 2, 3, 1)) with H == C == {c}: H read as channels")


@pytest.mark.claim("tensor.nchw", "unbatched_image")
@on_devices
def test_conv2d_also_takes_one_unbatched_chw_image_but_not_5d(device):
    """Besides NCHW, Conv2d takes a single CHW image (no batch axis); any other rank is an error."""
    conv = torch.nn.Conv2d(3, 2, 3, device=device)
    with torch.no_grad():
        image = torch.rand(3, 5, 5, device=device)
        assert_shape(conv(image), (2, 3, 3), expr="conv(torch.rand(3, 5, 5))", name="conv(chw).shape")
        assert_tensor(conv(image), conv(image[None])[0], expr="conv(chw) vs conv(chw[None])[0]", equal_nan=False)
        with pytest.raises(RuntimeError, match=r"Expected 3D \(unbatched\) or 4D \(batched\) input to conv2d"):
            conv(image[None, None])


@pytest.mark.claim("tensor.generalizes", "number_rank_0", "nested_list_rank_n", "ndarray_rank_n")
@on_devices
@given(scalar=S.python_scalars(), nested=S.nested_lists(),
       array=S.arrays(S.numpy_dtypes(D.REAL), S.shapes(max_dims=5)))
def test_scalar_vector_matrix_and_nd_array_are_tensors_of_rank_0_1_2_n(device, scalar, nested, array):
    """A Python number is a rank-0 tensor, a list of depth n (a vector, a matrix, ...) a rank-n
    tensor, an n-d array a rank-n tensor; the values are NumPy's."""
    data, shape = nested
    with repro(f"torch.tensor({scalar!r}); torch.tensor({data!r}); torch.tensor({source(array)})"):
        s = torch.tensor(scalar, device=device)
        assert_equal(s.dim(), 0, expr=f"torch.tensor({scalar!r})", name="torch.tensor(scalar).dim()")
        assert_equal(s.item(), scalar, expr=f"torch.tensor({scalar!r})", name="torch.tensor(scalar).item()")
        nested_t = torch.tensor(data, device=device)
        assert_equal(nested_t.dim(), len(shape), expr=f"torch.tensor(<nested list of depth {len(shape)}>)", name="dim")
        assert_values(nested_t, np.array(data), expr=f"torch.tensor({data!r})", exact=True)
        array_t = torch.tensor(array, device=device)
        assert_equal(array_t.dim(), array.ndim, expr=f"torch.tensor(<{array.ndim}-d array>)", name="dim")
        assert_values(array_t, array, expr="torch.tensor(array)", exact=True)
