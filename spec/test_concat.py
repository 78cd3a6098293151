"""concat: stack vs cat in torch, NumPy and TensorFlow, and building batches of images (DL29, DL11, BZ).

Inputs are drawn with Hypothesis (rank 0..5, zero-size axes, every dtype, non-contiguous layouts);
results are compared with pure-Python index-by-index references (tensorspec.reference.ops) and
across the three libraries; where the libraries differ (dtype promotion, legacy empty tensors,
error types) the tests state each one's behaviour.
"""
from __future__ import annotations

import re

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from tensorspec.testing import dtypes as D
from tensorspec.claims.context import differs
from tensorspec.testing import strategies as S
from tensorspec.testing.assertions import (assert_dtype, assert_equal, assert_shape, assert_values, repro,
                                           source)
from tensorspec.testing.devices import on_devices
from tensorspec.testing.exact_values import values_array
from tensorspec.reference.ops import cat_reference, catted_shape, stack_reference, stacked_shape
from tensorspec.reference.shapes import dim_error
from tensorspec.testing.tensorflow_compat import tf_shape, to_numpy

TORCH_DTYPES = D.TORCH_REAL + [torch.complex64]
NUMPY_DTYPES = D.REAL + [np.dtype(np.complex64)]
LAYOUTS = ("contiguous", "fortran", "strided")
MAX_SIZE = 16  # elements per input


# ---- strategies ------------------------------------------------------------------------------------
@st.composite
def stack_inputs(draw, dtypes=NUMPY_DTYPES, min_dims=0):
    """1..4 NumPy arrays of one shape and dtype, each in a drawn memory layout, and a valid stack axis."""
    dtype = draw(st.sampled_from(dtypes), label="dtype")
    shape = draw(S.shapes(min_dims=min_dims, max_dims=4, max_size=MAX_SIZE), label="shape")
    count = draw(st.integers(1, 4), label="count")
    arrays = [S.laid_out(draw(S.arrays(dtype, shape), label=f"x{i}"), draw(st.sampled_from(LAYOUTS), label=f"layout{i}"))
              for i in range(count)]
    return arrays, draw(S.dims(len(shape) + 1), label="axis")


@st.composite
def cat_inputs(draw, dtypes=NUMPY_DTYPES):
    """1..4 NumPy arrays (rank >= 1) equal in shape except along a drawn axis (sizes 0..3 there)."""
    dtype = draw(st.sampled_from(dtypes), label="dtype")
    shape = draw(S.shapes(min_dims=1, max_dims=5, max_size=MAX_SIZE), label="shape")
    axis = draw(S.dims(len(shape)), label="axis")
    sizes = draw(st.lists(st.integers(0, 3), min_size=1, max_size=4), label="sizes along axis")
    pos = axis % len(shape)
    shapes = [shape[:pos] + (n,) + shape[pos + 1:] for n in sizes]
    arrays = [S.laid_out(draw(S.arrays(dtype, s), label=f"x{i}"), draw(st.sampled_from(LAYOUTS), label=f"layout{i}"))
              for i, s in enumerate(shapes)]
    return arrays, axis


def to_tensors(arrays, device, dtype=None) -> list[torch.Tensor]:
    """The arrays as tensors on ``device`` (converted to ``dtype`` when given), strides kept on the CPU."""
    return [torch.from_numpy(a).to(device=device, dtype=dtype) for a in arrays]


def listing(arrays, wrap: str = "") -> str:
    return "[" + ", ".join(f"{wrap}({source(a)})" if wrap else source(a) for a in arrays) + "]"


def assert_stack_is_concat_of_expanded(lib: str, xs, arrays, stack, concat, expand_dims) -> None:
    """``stack(xs, axis)`` equals ``concat([expand_dims(x, axis) ...], axis)`` in shape, dtype and values
    for every valid axis, and equals the reference stacking of ``arrays`` (the same inputs as ndarrays)."""
    n = arrays[0].ndim
    for axis in range(-(n + 1), n + 1):
        stacked = stack(xs, axis=axis)
        catted = concat([expand_dims(x, axis) for x in xs], axis=axis)
        got, want = (tf_shape(stacked), stacked.dtype), (tf_shape(catted), catted.dtype)
        assert_equal("(shape, dtype)", got, want, expr=f"{lib}, axis={axis}")
        expr = f"{lib}.stack vs {lib}.{concat.__name__}(expand_dims), axis={axis}"
        assert_values(to_numpy(stacked), to_numpy(catted), expr, exact=True)
        want = stack_reference(arrays, axis, arrays[0].dtype)
        assert_values(to_numpy(stacked), want, f"{lib}.stack(xs, axis={axis})", exact=True)


# ---- concat.cat_existing_axis --------------------------------------------------------------------------
CAT = "concat.cat_existing_axis"


@pytest.mark.claim(CAT, "sizes_add_along_dim")
@on_devices
@given(data=st.data())
def test_cat_joins_along_an_existing_axis(device, data):
    """``torch.cat(ts, dim)`` keeps the rank, adds the sizes along ``dim`` and places each input's
    elements after the previous one's; any dtype, non-contiguous inputs included."""
    arrays, dim = data.draw(cat_inputs(), label="inputs")
    floats = arrays[0].dtype.kind == "f"
    dtype = data.draw(st.sampled_from([None, torch.bfloat16]), label="as bfloat16") if floats else None
    ts = to_tensors(arrays, device, dtype)
    call = f"torch.cat({listing(arrays, 'torch.from_numpy')}, dim={dim})"
    with repro(call):
        out = torch.cat(ts, dim=dim)
        assert_shape(out, catted_shape([a.shape for a in arrays], dim), expr=call)
        assert_dtype(out, ts[0].dtype, expr=call)
        want = cat_reference([values_array(t) for t in ts], dim, values_array(ts[0]).dtype)
        assert_values(out, want, call, exact=True)


@pytest.mark.claim(CAT, "mixed_dtypes_promote")
@on_devices
@given(data=st.data())
def test_cat_promotes_mixed_dtypes(device, data):
    """Inputs of different dtypes: the result has ``torch.promote_types`` of them, each input's values
    converted to it."""
    arrays, dim = data.draw(cat_inputs(dtypes=D.REAL), label="inputs")
    dtypes = data.draw(st.lists(st.sampled_from(TORCH_DTYPES), min_size=len(arrays), max_size=len(arrays)), label="dtypes")
    ts = [torch.from_numpy(a).to(device=device, dtype=d) for a, d in zip(arrays, dtypes)]
    promoted = dtypes[0]
    for d in dtypes[1:]:
        promoted = torch.promote_types(promoted, d)
    call = f"torch.cat({listing(arrays, 'torch.from_numpy')}, dim={dim})  # as {dtypes}"
    with repro(call):
        out = torch.cat(ts, dim=dim)
        assert_dtype(out, promoted, expr=call)
        want = [values_array(t.to(promoted)) for t in ts]
        assert_values(out, cat_reference(want, dim, want[0].dtype), call, exact=True)


@pytest.mark.claim(CAT, "unsigned_promotion_refused")
@pytest.mark.parametrize("uint", ["uint16", "uint32", "uint64"])
@pytest.mark.parametrize("other", [torch.bool, torch.uint8, torch.int32, torch.int64], ids=str)
@on_devices
def test_cat_refuses_to_promote_the_wide_unsigned_dtypes(device, uint, other):
    """uint16/32/64 (torch has them since 2.3) with bool or another integer dtype: RuntimeError."""
    t = torch.zeros(2, dtype=D.torch_dtype(uint), device=device)
    with pytest.raises(RuntimeError, match="Promotion for uint16, uint32, uint64 types is not supported"):
        torch.cat([t, t.to(other)], dim=0)


@st.composite
def cat_mismatch(draw):
    """Two shapes of one rank >= 2 that differ on exactly one axis other than the cat axis."""
    shape = draw(S.shapes(min_dims=2, max_dims=4, min_side=1, max_side=3), label="shape")
    axis = draw(S.dims(len(shape)), label="axis")
    others = [i for i in range(len(shape)) if i != axis % len(shape)]
    bad = draw(st.sampled_from(others), label="mismatched axis")
    other = list(shape)
    other[bad] += 1
    return shape, tuple(other), axis, bad


@pytest.mark.claim(CAT, "sizes_must_match")
@on_devices
@given(case=cat_mismatch())
def test_cat_needs_matching_other_axes(device, case):
    """Sizes off the cat axis must match: RuntimeError 'Sizes of tensors must match except in
    dimension d. Expected size x but got size y for tensor number 1 in the list.'"""
    a_shape, b_shape, dim, bad = case
    a, b = torch.zeros(a_shape, device=device), torch.zeros(b_shape, device=device)
    message = (f"Sizes of tensors must match except in dimension {dim % len(a_shape)}. "
               f"Expected size {a_shape[bad]} but got size {b_shape[bad]} for tensor number 1 in the list.")
    with repro(f"torch.cat([torch.zeros({a_shape}), torch.zeros({b_shape})], dim={dim})"):
        with pytest.raises(RuntimeError, match=re.escape(message)):
            torch.cat([a, b], dim=dim)


@pytest.mark.claim(CAT, "dim_out_of_range")
@on_devices
@given(shape=S.shapes(min_dims=1, max_dims=4).filter(lambda s: s != (0,)), data=st.data())
def test_cat_rejects_an_out_of_range_dim(device, shape, data):
    """A dim outside [-n, n-1]: IndexError "Dimension out of range"."""
    t = torch.zeros(shape, device=device)
    dim = data.draw(S.out_of_range_dims(len(shape)), label="dim")
    with repro(f"torch.cat([torch.zeros({shape})] * 2, dim={dim})"):
        with pytest.raises(IndexError, match=dim_error(len(shape), dim)):
            torch.cat([t, t], dim=dim)


@pytest.mark.claim(CAT, "ranks_must_match")
@on_devices
@given(shape=S.shapes(min_dims=1, max_dims=4).filter(lambda s: s != (0,)))
def test_cat_rejects_different_ranks(device, shape):
    """Inputs of different ranks: RuntimeError naming both."""
    t = torch.zeros(shape, device=device)
    with repro(f"torch.cat([t, t.unsqueeze(0)]), t = torch.zeros({shape})"):
        with pytest.raises(RuntimeError, match=re.escape(
                f"Tensors must have same number of dimensions: got {len(shape)} and {len(shape) + 1}")):
            torch.cat([t, t.unsqueeze(0)], dim=0)


@pytest.mark.claim(CAT, "zero_dim_refused")
@on_devices
def test_cat_rejects_scalars(device):
    """0-d inputs cannot be concatenated at all (stack them instead)."""
    with pytest.raises(RuntimeError, match=re.escape("zero-dimensional tensor (at position 0) cannot be concatenated")):
        torch.cat([torch.tensor(1.0, device=device), torch.tensor(2.0, device=device)])


@pytest.mark.claim(CAT, "empty_list_refused")
def test_cat_rejects_an_empty_list():
    """An empty list: ValueError (RuntimeError before torch 2.9.1)."""
    empty_error = RuntimeError if differs("cat_empty_list_runtime_error") else ValueError
    with pytest.raises(empty_error, match=re.escape("torch.cat(): expected a non-empty list of Tensors")):
        torch.cat([], dim=0)


@pytest.mark.claim(CAT, "legacy_empty_skipped")
@on_devices
@given(shape=S.shapes(min_dims=1, max_dims=4), data=st.data())
def test_cat_skips_legacy_empty_1d_tensors(device, shape, data):
    """The exception to "sizes add up along an existing axis": a 1-D empty tensor (shape (0,)) is
    skipped whatever the other inputs' rank, for any dim valid for them (a dim out of their range is
    still an IndexError), yet still takes part in dtype promotion; a cat of such tensors only accepts
    any dim, even an out-of-range one."""
    dim = data.draw(S.dims(len(shape)), label="dim")
    x = torch.ones(shape, device=device)
    empty = torch.empty(0, dtype=torch.float64, device=device)
    with repro(f"torch.cat([torch.empty(0, dtype=torch.float64), torch.ones({shape})], dim={dim})"):
        out = torch.cat([empty, x], dim=dim)
        assert_equal("out.shape", tuple(out.shape), shape, expr="the empty 1-D tensor adds nothing")
        assert_equal("out.dtype", out.dtype, torch.float64, expr="promoted with the skipped tensor's dtype")
        if shape != (0,):  # x itself is not such a tensor: its range of dims holds
            bad = data.draw(S.out_of_range_dims(len(shape)), label="out-of-range dim")
            with pytest.raises(IndexError, match=dim_error(len(shape), bad)):
                torch.cat([empty, x], dim=bad)
        only_empties = torch.cat([empty, empty], dim=len(shape) + 5)
        assert_shape(only_empties, (0,), expr=f"torch.cat([empty(0)] * 2, dim={len(shape) + 5})", name="shape")


@pytest.mark.claim(CAT, "sizes_add_along_dim")
@on_devices
def test_the_blitz_example(device):
    """BZ: ``torch.cat([tensor, tensor, tensor], dim=1)`` of a 4x4 tensor with column 1 zeroed is 4x12,
    zero in columns 1, 5 and 9."""
    tensor = torch.ones(4, 4, device=device)
    tensor[:, 1] = 0
    t1 = torch.cat([tensor, tensor, tensor], dim=1)
    assert_shape(t1, (4, 12), expr="torch.cat([tensor] * 3, dim=1)", name="t1.shape")
    want = np.ones((4, 12), np.float32)
    want[:, [1, 5, 9]] = 0
    assert_values(t1, want, "torch.cat([tensor] * 3, dim=1)", exact=True)


# ---- concat.stack_new_axis ---------------------------------------------------------------------------
@pytest.mark.claim("concat.stack_new_axis", "new_axis_at_dim")
@on_devices
@given(data=st.data())
def test_stack_joins_along_a_new_axis(device, data):
    """``torch.stack(ts, dim)`` inserts a new axis of length len(ts) at ``dim`` (-(n+1)..n) and input i
    is ``out.select(dim, i)``; 0-d inputs included."""
    arrays, dim = data.draw(stack_inputs(), label="inputs")
    ts = to_tensors(arrays, device)
    call = f"torch.stack({listing(arrays, 'torch.from_numpy')}, dim={dim})"
    with repro(call):
        out = torch.stack(ts, dim=dim)
        assert_shape(out, stacked_shape(arrays[0].shape, len(ts), dim), expr=call)
        assert_values(out, stack_reference(arrays, dim, arrays[0].dtype), call, exact=True)
        for i, t in enumerate(ts):
            assert_values(out.select(dim, i), t, f"{call}.select({dim}, {i})", exact=True)


@pytest.mark.claim("concat.stack_new_axis", "new_axis_at_dim")
@on_devices
def test_the_notes_stack_example(device):
    """``torch.stack((x, x, x), dim=d)`` for x of shape (2, 3): (3, 2, 3), (2, 3, 3), (2, 3, 3) for d = 0, 1, 2;
    two 0-d tensors stack to a 1-D one."""
    out = torch.stack([torch.tensor(1, device=device), torch.tensor(2, device=device)])
    assert_values(out, np.array([1, 2]), "torch.stack([torch.tensor(1), torch.tensor(2)])", exact=True)
    x = torch.arange(6, device=device).reshape(2, 3)
    for d, shape in ((0, (3, 2, 3)), (1, (2, 3, 3)), (2, (2, 3, 3)), (-1, (2, 3, 3))):
        out = torch.stack((x, x, x), dim=d)
        assert_shape(out, shape, expr=f"torch.stack((x, x, x), dim={d})")
        assert_values(out.select(d, 1), x, f"torch.stack((x, x, x), dim={d}).select({d}, 1)", exact=True)


@pytest.mark.claim("concat.stack_new_axis", "equal_shapes_required")
@on_devices
@given(shape=S.shapes(max_dims=4, max_side=3), extra_axis=st.booleans())
def test_stack_rejects_unequal_shapes(device, shape, extra_axis):
    """Inputs must have equal shapes: RuntimeError naming both."""
    other = shape + (1,) if extra_axis or not shape else (shape[0] + 1,) + shape[1:]
    with repro(f"torch.stack([torch.zeros({shape}), torch.zeros({other})])"):
        message = (f"stack expects each tensor to be equal size, "
                   f"but got {list(shape)} at entry 0 and {list(other)} at entry 1")
        with pytest.raises(RuntimeError, match=re.escape(message)):
            torch.stack([torch.zeros(shape, device=device), torch.zeros(other, device=device)])


@pytest.mark.claim("concat.stack_new_axis", "dim_out_of_range")
@on_devices
@given(shape=S.shapes(max_dims=4, max_side=3), data=st.data())
def test_stack_rejects_an_out_of_range_dim(device, shape, data):
    """A dim outside [-(n+1), n]: IndexError."""
    dim = data.draw(S.out_of_range_dims(len(shape) + 1), label="dim")
    a = torch.zeros(shape, device=device)
    with repro(f"torch.stack([torch.zeros({shape})] * 2, dim={dim})"):
        with pytest.raises(IndexError, match=dim_error(len(shape), dim, extra=1)):
            torch.stack([a, a], dim=dim)


@pytest.mark.claim("concat.stack_new_axis", "empty_list_refused")
def test_stack_rejects_an_empty_list():
    """``torch.stack([])``: RuntimeError."""
    with pytest.raises(RuntimeError, match="stack expects a non-empty TensorList"):
        torch.stack([])


# ---- concat.stack_is_cat_unsqueeze ---------------------------------------------------------------------
@pytest.mark.claim("concat.stack_is_cat_unsqueeze", "equal_for_every_dim", "mixed_dtypes_promote_alike")
@on_devices
@given(data=st.data())
def test_stack_is_cat_of_unsqueezed(device, data):
    """For EVERY valid dim (negative ones included), ``stack(ts, d)`` equals ``cat([t.unsqueeze(d) ...], d)``
    in shape, dtype and values; with mixed dtypes both promote alike."""
    arrays, _ = data.draw(stack_inputs(dtypes=D.REAL), label="inputs")  # real values: no lossy complex casts
    count = len(arrays)
    dtypes = data.draw(st.lists(st.sampled_from(TORCH_DTYPES), min_size=count, max_size=count), label="dtypes")
    ts = [torch.from_numpy(a).to(device=device, dtype=d) for a, d in zip(arrays, dtypes)]
    n = arrays[0].ndim
    with repro(f"ts = {listing(arrays, 'torch.from_numpy')}  # as {dtypes}\n"
               "torch.stack(ts, d) == torch.cat([t.unsqueeze(d) for t in ts], d)"):
        for d in range(-(n + 1), n + 1):
            stacked = torch.stack(ts, dim=d)
            catted = torch.cat([t.unsqueeze(d) for t in ts], dim=d)
            assert_equal("(shape, dtype)", (stacked.shape, stacked.dtype), (catted.shape, catted.dtype), expr=f"dim={d}")
            assert_values(stacked, catted, f"torch.stack(ts, {d}) vs torch.cat(unsqueezed, {d})", exact=True)


# ---- concat.numpy ------------------------------------------------------------------------------------
@pytest.mark.claim("concat.numpy", "stack_is_concatenate_of_expanded")
@given(inputs=stack_inputs())
def test_numpy_stack_is_concatenate_of_expanded(inputs):
    """``np.stack(xs, axis)`` equals ``np.concatenate([np.expand_dims(x, axis) ...], axis)`` for every
    valid axis, and the reference stacking."""
    arrays, _ = inputs
    with repro(f"xs = {listing(arrays)}\n"
               "np.stack(xs, axis=a) == np.concatenate([np.expand_dims(x, a) for x in xs], axis=a)"):
        assert_stack_is_concat_of_expanded("np", arrays, arrays, np.stack, np.concatenate, np.expand_dims)

NOTE_NUMPY_LINE = "np.concatenate((np.expand_dims(x,0),np.expand_dims(x,0),np.expand_dims(x,0),axis=0)"


@pytest.mark.claim("concat.numpy", "notes_line_is_a_syntax_error")
def test_the_notes_numpy_line_misses_a_parenthesis():
    """The note's right-hand side, as written, is a SyntaxError (``axis=0`` inside the tuple, one ``)``
    short); closing the tuple first makes it the identity checked above."""
    with pytest.raises(SyntaxError):
        compile(NOTE_NUMPY_LINE, "<DL29 note>", "eval")
    fixed = NOTE_NUMPY_LINE.replace(",axis=0)", "),axis=0)")
    x = np.arange(6).reshape(2, 3)
    assert_values(eval(fixed, {"np": np, "x": x}), np.stack((x, x, x), axis=0), fixed, exact=True)


# ---- concat.tensorflow ---------------------------------------------------------------------------------
@pytest.mark.claim("concat.tensorflow", "stack_is_concat_of_expanded")
@given(inputs=stack_inputs(dtypes=D.REAL))
def test_tensorflow_stack_is_concat_of_expanded(tf, inputs):
    """``tf.stack(xs, axis)`` equals ``tf.concat([tf.expand_dims(x, axis) ...], axis)`` for every valid
    axis (bool and float16 included), and the reference stacking; xs are tf.Tensors, as in the note."""
    arrays, _ = inputs
    xs = [tf.constant(a) for a in arrays]
    with repro(f"import tensorflow as tf\nxs = [tf.constant(x) for x in {listing(arrays)}]\n"
               "tf.stack(xs, axis=a) == tf.concat([tf.expand_dims(x, a) for x in xs], axis=a)"):
        assert_stack_is_concat_of_expanded("tf", xs, arrays, tf.stack, tf.concat, tf.expand_dims)


@pytest.mark.claim("concat.tensorflow", "stack_axis_error", "expand_dims_axis_error")
@given(shape=S.shapes(max_dims=4, max_side=3), data=st.data())
def test_tensorflow_axis_errors(tf, shape, data):
    """Out-of-range axes: ``tf.stack`` raises ValueError 'Argument `axis` = a not in range [-(n+1), n+1)',
    ``tf.expand_dims`` InvalidArgumentError 'Tried to expand dim index'."""
    n = len(shape)
    axis = data.draw(S.out_of_range_dims(n + 1), label="axis")
    x = np.zeros(shape, np.float32)
    with repro(f"tf.stack([np.zeros({shape})] * 2, axis={axis})"):
        with pytest.raises(ValueError, match=re.escape(f"Argument `axis` = {axis} not in range [{-(n + 1)}, {n + 1})")):
            tf.stack([x, x], axis=axis)
        message = f"Tried to expand dim index {axis} for tensor with {n} dimensions"
        with pytest.raises(tf.errors.InvalidArgumentError, match=re.escape(message)):
            tf.expand_dims(x, axis)


# ---- concat.frameworks_agree -------------------------------------------------------------------------
AGREE = "concat.frameworks_agree"


@pytest.mark.claim(AGREE, "torch_numpy_equal")
@on_devices
@given(stack_case=stack_inputs(), cat_case=cat_inputs())
def test_torch_and_numpy_agree(device, stack_case, cat_case):
    """Same inputs: ``torch.stack`` == ``np.stack`` and ``torch.cat`` == ``np.concatenate`` (dtype too)."""
    arrays, axis = stack_case
    with repro(f"torch.stack({listing(arrays, 'torch.from_numpy')}, {axis}); np.stack({listing(arrays)}, {axis})"):
        out = torch.stack(to_tensors(arrays, device), dim=axis)
        _assert_same(out, np.stack(arrays, axis=axis), f"stack, axis={axis}")
    arrays, axis = cat_case
    with repro(f"torch.cat({listing(arrays, 'torch.from_numpy')}, {axis}); np.concatenate({listing(arrays)}, {axis})"):
        out = torch.cat(to_tensors(arrays, device), dim=axis)
        _assert_same(out, np.concatenate(arrays, axis=axis), f"cat, axis={axis}")


def _assert_same(t: torch.Tensor, expected: np.ndarray, expr: str) -> None:
    __tracebackhide__ = True
    assert_equal("(shape, dtype)", (tuple(t.shape), t.dtype), (expected.shape, D.TORCH_OF_NUMPY[expected.dtype]), expr=expr)
    assert_values(t, expected, expr, exact=True)


@pytest.mark.claim(AGREE, "tensorflow_equal")
@given(stack_case=stack_inputs(dtypes=D.REAL), cat_case=cat_inputs(dtypes=D.REAL))
def test_tensorflow_agrees(tf, stack_case, cat_case):
    """Same inputs (as tf.Tensors): ``tf.stack`` == ``np.stack`` == ``torch.stack``, ``tf.concat`` ==
    ``np.concatenate`` == ``torch.cat``, dtypes included."""
    arrays, axis = stack_case
    with repro(f"tf.stack([tf.constant(x) for x in {listing(arrays)}], axis={axis})"):
        out = tf.stack([tf.constant(a) for a in arrays], axis=axis)
        assert_equal("tf dtype", out.dtype.as_numpy_dtype, arrays[0].dtype.type, expr=f"tf.stack, axis={axis}")
        expr = f"torch.stack vs tf.stack, axis={axis}"
        _assert_same(torch.stack(to_tensors(arrays, "cpu"), dim=axis), to_numpy(out), expr)
        _assert_same(torch.from_numpy(np.stack(arrays, axis=axis)), to_numpy(out), f"np.stack vs tf.stack, axis={axis}")
    arrays, axis = cat_case
    with repro(f"tf.concat([tf.constant(x) for x in {listing(arrays)}], axis={axis})"):
        out = tf.concat([tf.constant(a) for a in arrays], axis=axis)
        expr = f"torch.cat vs tf.concat, axis={axis}"
        _assert_same(torch.cat(to_tensors(arrays, "cpu"), dim=axis), to_numpy(out), expr)
        expr = f"np.concatenate vs tf.concat, axis={axis}"
        _assert_same(torch.from_numpy(np.concatenate(arrays, axis=axis)), to_numpy(out), expr)


@pytest.mark.claim(AGREE, "mixed_dtypes_torch_numpy")
@on_devices
def test_torch_and_numpy_promote_differently(device):
    """Mixed dtypes: torch promotes int32 + float32 to float32, NumPy to float64 (cat and stack alike)."""
    i, f = np.arange(6, dtype=np.int32).reshape(2, 3), np.ones((2, 3), np.float32)
    ti, tf_ = torch.from_numpy(i).to(device), torch.from_numpy(f).to(device)
    got = (torch.cat([ti, tf_]).dtype, torch.stack([ti, tf_]).dtype)
    assert_equal("dtypes", got, (torch.float32, torch.float32), expr="torch cat/stack of int32 and float32")
    got = (np.concatenate([i, f]).dtype, np.stack([i, f]).dtype)
    assert_equal("dtypes", got, (np.float64, np.float64), expr="NumPy concatenate/stack of int32 and float32")


@pytest.mark.claim(AGREE, "empty_1d_torch_numpy")
@on_devices
def test_torch_skips_an_empty_1d_input_numpy_refuses_it(device):
    """A 1-D empty input with 2-D ones: torch skips it; NumPy raises ValueError (ranks differ) for an
    axis valid for the 1-D input, AxisError for another."""
    f = np.ones((2, 3), np.float32)
    got = tuple(torch.cat([torch.empty(0, device=device), torch.from_numpy(f).to(device)], dim=1).shape)
    assert_equal("shape", got, (2, 3), expr="torch.cat([torch.empty(0), x], dim=1)")
    with pytest.raises(np.exceptions.AxisError, match="axis 1 is out of bounds for array of dimension 1"):
        np.concatenate([np.empty(0), f], axis=1)
    for axis in (0, -1):
        with pytest.raises(ValueError, match="all the input arrays must have same number of dimensions") as info:
            np.concatenate([np.empty(0), f], axis=axis)
        assert_equal("exception type", type(info.value), ValueError, expr=f"np.concatenate([np.empty(0), x], axis={axis})")


@pytest.mark.claim(AGREE, "errors_torch_numpy")
@on_devices
def test_torch_and_numpy_errors(device):
    """An out-of-range axis: IndexError vs AxisError; 0-d inputs to cat: RuntimeError vs ValueError."""
    f = np.ones((2, 3), np.float32)
    x = torch.from_numpy(f).to(device)
    with pytest.raises(IndexError, match="Dimension out of range"):
        torch.cat([x, x], dim=2)
    with pytest.raises(np.exceptions.AxisError, match="axis 2 is out of bounds for array of dimension 2"):
        np.concatenate([f, f], axis=2)
    with pytest.raises(RuntimeError, match=re.escape("zero-dimensional tensor (at position 0) cannot be concatenated")):
        torch.cat([torch.tensor(1.0, device=device), torch.tensor(2.0, device=device)])
    with pytest.raises(ValueError, match="zero-dimensional arrays cannot be concatenated"):
        np.concatenate([np.array(1.0), np.array(2.0)])


@pytest.mark.claim(AGREE, "empty_list_torch_numpy")
def test_torch_and_numpy_on_an_empty_list():
    """No inputs: torch.cat ValueError (RuntimeError before 2.9.1), NumPy ValueError for both calls."""
    error = RuntimeError if differs("cat_empty_runtime_error") else ValueError
    with pytest.raises(error, match=re.escape("torch.cat(): expected a non-empty list of Tensors")):
        torch.cat([])
    with pytest.raises(ValueError, match="need at least one array to concatenate"):
        np.concatenate([])
    with pytest.raises(ValueError, match="need at least one array to stack"):
        np.stack([])


@pytest.mark.claim(AGREE, "mixed_dtypes_tensorflow")
def test_tensorflow_does_not_promote(tf):
    """tf.Tensors of different dtypes raise InvalidArgumentError; plain ndarrays are converted by
    tf.concat to the FIRST one's dtype (2.5 silently becomes 2), and by tf.stack as nested Python data:
    integer arrays of any dtype become int32 (int64 if a value needs it), an empty one float32, complex
    ones complex128, floating ones float32 unless a floating array heads the list, whose dtype then wins
    (tf.concat keeps their dtype)."""
    i, f = np.array([1], np.int32), np.array([2.5], np.float32)
    for fn in (lambda xs: tf.concat(xs, 0), lambda xs: tf.stack(xs, 0)):
        with pytest.raises(tf.errors.InvalidArgumentError, match="expected to be a int32 tensor but is a float tensor"):
            fn([tf.constant(i), tf.constant(f)])
    out = tf.concat([i, f], 0)
    assert_equal("(out.dtype, out values)", (out.dtype, to_numpy(out).tolist()), (tf.int32, [1, 2]),
                 expr="tf.concat([int32 [1], float32 [2.5]], 0)")
    u8, big, empty_i64 = np.array([200], np.uint8), np.array([2**40], np.int64), np.zeros((0, 2), np.int64)
    got = [tf.stack([a]).dtype for a in (u8, np.array([1], np.int64), big, empty_i64)]
    assert_equal("tf.stack([ndarray]).dtype for uint8, small int64, big int64, empty int64", got,
                 [tf.int32, tf.int32, tf.int64, tf.float32], expr="tf.stack of NumPy integer arrays")
    floats = {name: np.array([1], name) for name in ("float16", "float32", "float64", "int32", "complex64")}
    for names, want in ((("float64",), tf.float64), (("float16",), tf.float16), (("float32", "float64"), tf.float32),
                        (("float64", "float32"), tf.float64), (("int32", "float64"), tf.float32),
                        (("complex64",), tf.complex128)):
        got = tf.stack([floats[n] for n in names]).dtype
        assert_equal(f"tf.stack([{', '.join(names)} ndarrays]).dtype", got, want, expr="tf.stack of NumPy arrays")
    assert_equal("tf.concat dtype", (tf.concat([u8, u8], 0).dtype, tf.stack([tf.constant(u8)]).dtype),
                 (tf.uint8, tf.uint8), expr="tf.concat of ndarrays, tf.stack of tf.Tensors")


BAD_AXIS = "Expected concatenating dimensions in the range [{}, {}), but got {}"


@pytest.mark.claim(AGREE, "empty_1d_tensorflow")
def test_tensorflow_refuses_an_empty_1d_input(tf):
    """tf.concat of a 1-D empty input with 2-D ones: InvalidArgumentError, worded by the axis."""
    x = np.ones((2, 3), np.float32)
    with pytest.raises(tf.errors.InvalidArgumentError, match="Ranks of all input tensors should match"):
        tf.concat([np.empty(0, np.float32), x], axis=0)
    with pytest.raises(tf.errors.InvalidArgumentError, match=re.escape(BAD_AXIS.format(-1, 1, 1))):
        tf.concat([np.empty(0, np.float32), x], axis=1)


@pytest.mark.claim(AGREE, "errors_tensorflow")
def test_tensorflow_concat_errors(tf):
    """tf.concat: an out-of-range axis and 0-d inputs raise InvalidArgumentError."""
    x = np.ones((2, 3), np.float32)
    with pytest.raises(tf.errors.InvalidArgumentError, match=re.escape(BAD_AXIS.format(-2, 2, 2))):
        tf.concat([x, x], axis=2)
    with pytest.raises(tf.errors.InvalidArgumentError, match=re.escape("Can't concatenate scalars (use tf.stack instead)")):
        tf.concat([tf.constant(1.0), tf.constant(2.0)], 0)


@pytest.mark.claim(AGREE, "empty_list_tensorflow")
def test_tensorflow_on_an_empty_list(tf):
    """``tf.stack([])`` is an empty float32 tensor, ``tf.concat([], 0)`` an InvalidArgumentError."""
    empty = tf.stack([])
    assert_equal("(shape, dtype)", (tf_shape(empty), empty.dtype), ((0,), tf.float32), expr="tf.stack([])")
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.concat([], 0)


# ---- concat.batching -----------------------------------------------------------------------------------
def images(count: int, device, dtype, start: int = 0) -> list[torch.Tensor]:
    """``count`` distinct [1, 28, 28] images (image k holds k*1000 + pixel index, as ``dtype``)."""
    return [(torch.arange(784, device=device).reshape(1, 28, 28) + 1000 * (start + k)).to(dtype) for k in range(count)]


@pytest.mark.claim("concat.batching", "images_stack_to_a_batch", "batches_cat_in_order", "images_join_a_batch")
@on_devices
@given(n=st.integers(1, 3), sizes=st.lists(st.integers(1, 3), min_size=1, max_size=3),
       dtype=st.sampled_from([torch.float32, torch.int32]))
def test_images_and_batches_make_batches(device, n, sizes, dtype):
    """Images [1,28,28] -> a batch by ``stack``; batches [B,1,28,28] -> one batch by ``cat``; images and
    a batch -> unsqueeze (or stack) the images, then ``cat``.  The wrong op on each gives the wrong rank
    (cat of images merges the channel axis, stack of batches adds a fifth axis)."""
    imgs = images(n, device, dtype)
    batches = [torch.stack(images(b, device, dtype, start=10 * (j + 1))) for j, b in enumerate(sizes)]
    with repro(f"imgs = [torch.zeros(1, 28, 28)] * {n}; batches = [torch.zeros(b, 1, 28, 28) for b in {sizes}]"):
        batch = torch.stack(imgs)
        assert_shape(batch, (n, 1, 28, 28), expr="torch.stack(imgs)", name="stack(images).shape")
        for k, img in enumerate(imgs):
            assert_values(batch[k], img, f"torch.stack(imgs)[{k}]", exact=True)
        assert_shape(torch.cat(imgs), (n, 28, 28), expr="torch.cat(imgs): no batch axis", name="cat(images).shape")

        merged = torch.cat(batches)
        assert_shape(merged, (sum(sizes), 1, 28, 28), expr="torch.cat(batches)", name="cat(batches).shape")
        in_order = torch.cat([img for b in batches for img in b]).unsqueeze(1)
        assert_values(merged, in_order, "torch.cat(batches) keeps order", exact=True)
        if len(set(sizes)) == 1:
            want = (len(sizes), sizes[0], 1, 28, 28)
            assert_shape(torch.stack(batches), want, expr="5-D: not a batch", name="stack(batches).shape")

        b0 = batches[0]
        mixed = torch.cat([b0] + [img.unsqueeze(0) for img in imgs])
        want = (sizes[0] + n, 1, 28, 28)
        assert_shape(mixed, want, expr="torch.cat([batch, *unsqueezed images])", name="mixed.shape")
        assert_values(mixed, torch.cat([b0, torch.stack(imgs)]), "unsqueeze-then-cat == stack-then-cat", exact=True)
        assert_values(mixed[sizes[0]:], batch, "the images follow the batch", exact=True)
        with pytest.raises(RuntimeError, match=re.escape("Tensors must have same number of dimensions: got 4 and 3")):
            torch.cat([b0, imgs[0]])
