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

from tensorspec.claims.context import differs
from tensorspec.reference.ops import (
    cat_reference,
    catted_shape,
    stack_reference,
    stacked_shape,
)
from tensorspec.reference.shapes import dim_error
from tensorspec.testing import dtypes as D
from tensorspec.testing import strategies as S
from tensorspec.testing.assertions import assert_dtype, assert_equal, assert_shape, assert_values, repro
from tensorspec.testing.concat_inputs import (
    TORCH_DTYPES,
    assert_stack_is_concat_of_expanded,
    cat_inputs,
    listing,
    stack_inputs,
    to_tensors,
)
from tensorspec.testing.devices import on_devices
from tensorspec.testing.exact_values import values_array

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
        assert_values(out, want, expr=call, exact=True)


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
        assert_values(out, cat_reference(want, dim, want[0].dtype), expr=call, exact=True)


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
        assert_equal(tuple(out.shape), shape, expr="the empty 1-D tensor adds nothing", name="out.shape")
        assert_equal(out.dtype, torch.float64, expr="promoted with the skipped tensor's dtype", name="out.dtype")
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
    assert_values(t1, want, expr="torch.cat([tensor] * 3, dim=1)", exact=True)


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
        assert_values(out, stack_reference(arrays, dim, arrays[0].dtype), expr=call, exact=True)
        for i, t in enumerate(ts):
            assert_values(out.select(dim, i), t, expr=f"{call}.select({dim}, {i})", exact=True)


@pytest.mark.claim("concat.stack_new_axis", "new_axis_at_dim")
@on_devices
def test_the_notes_stack_example(device):
    """``torch.stack((x, x, x), dim=d)`` for x of shape (2, 3): (3, 2, 3), (2, 3, 3), (2, 3, 3) for d = 0, 1, 2;
    two 0-d tensors stack to a 1-D one."""
    out = torch.stack([torch.tensor(1, device=device), torch.tensor(2, device=device)])
    assert_values(out, np.array([1, 2]), expr="torch.stack([torch.tensor(1), torch.tensor(2)])", exact=True)
    x = torch.arange(6, device=device).reshape(2, 3)
    for d, shape in ((0, (3, 2, 3)), (1, (2, 3, 3)), (2, (2, 3, 3)), (-1, (2, 3, 3))):
        out = torch.stack((x, x, x), dim=d)
        assert_shape(out, shape, expr=f"torch.stack((x, x, x), dim={d})")
        assert_values(out.select(d, 1), x, expr=f"torch.stack((x, x, x), dim={d}).select({d}, 1)", exact=True)


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
            assert_equal((stacked.shape, stacked.dtype), (catted.shape, catted.dtype), expr=f"dim={d}",
                         name="(shape, dtype)")
            assert_values(stacked, catted, expr=f"torch.stack(ts, {d}) vs torch.cat(unsqueezed, {d})", exact=True)


# ---- concat.numpy ------------------------------------------------------------------------------------
@pytest.mark.claim("concat.numpy", "stack_is_concatenate_of_expanded")
@given(inputs=stack_inputs())
def test_numpy_stack_is_concatenate_of_expanded(inputs):
    """``np.stack(xs, axis)`` equals ``np.concatenate([np.expand_dims(x, axis) ...], axis)`` for every
    valid axis, and the reference stacking."""
    arrays, _ = inputs
    with repro(f"xs = {listing(arrays)}\n"
               "np.stack(xs, axis=a) == np.concatenate([np.expand_dims(x, a) for x in xs], axis=a)"):
        assert_stack_is_concat_of_expanded(arrays, arrays, lib="np", stack=np.stack, concat=np.concatenate,
                                           expand_dims=np.expand_dims)

NOTE_NUMPY_LINE = "np.concatenate((np.expand_dims(x,0),np.expand_dims(x,0),np.expand_dims(x,0),axis=0)"


@pytest.mark.claim("concat.numpy", "notes_line_is_a_syntax_error")
def test_the_notes_numpy_line_misses_a_parenthesis():
    """The note's right-hand side, as written, is a SyntaxError (``axis=0`` inside the tuple, one ``)``
    short); closing the tuple first makes it the identity checked above."""
    with pytest.raises(SyntaxError):
        compile(NOTE_NUMPY_LINE, "<DL29 note>", "eval")
    fixed = NOTE_NUMPY_LINE.replace(",axis=0)", "),axis=0)")
    x = np.arange(6).reshape(2, 3)
    assert_values(eval(fixed, {"np": np, "x": x}), np.stack((x, x, x), axis=0), expr=fixed, exact=True)


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
        assert_stack_is_concat_of_expanded(xs, arrays, lib="tf", stack=tf.stack, concat=tf.concat,
                                           expand_dims=tf.expand_dims)


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


