"""concat: torch, NumPy and TensorFlow on the same inputs (where they agree, promote and refuse differently), and batching images (DL12, DL13)."""
from __future__ import annotations

import re

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from tensorspec.claims.context import differs
from tensorspec.testing import dtypes as D
from tensorspec.testing.assertions import assert_equal, assert_shape, assert_values, repro
from tensorspec.testing.concat_inputs import (
    cat_inputs,
    listing,
    stack_inputs,
    to_tensors,
)
from tensorspec.testing.devices import on_devices
from tensorspec.testing.tensorflow_compat import tf_shape, to_numpy

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
        _assert_same(out, np.stack(arrays, axis=axis), expr=f"stack, axis={axis}")
    arrays, axis = cat_case
    with repro(f"torch.cat({listing(arrays, 'torch.from_numpy')}, {axis}); np.concatenate({listing(arrays)}, {axis})"):
        out = torch.cat(to_tensors(arrays, device), dim=axis)
        _assert_same(out, np.concatenate(arrays, axis=axis), expr=f"cat, axis={axis}")


def _assert_same(t: torch.Tensor, expected: np.ndarray, *, expr: str) -> None:
    __tracebackhide__ = True
    assert_equal((tuple(t.shape), t.dtype), (expected.shape, D.TORCH_OF_NUMPY[expected.dtype]), expr=expr,
                 name="(shape, dtype)")
    assert_values(t, expected, expr=expr, exact=True)


@pytest.mark.claim(AGREE, "tensorflow_equal")
@given(stack_case=stack_inputs(dtypes=D.REAL), cat_case=cat_inputs(dtypes=D.REAL))
def test_tensorflow_agrees(tf, stack_case, cat_case):
    """Same inputs (as tf.Tensors): ``tf.stack`` == ``np.stack`` == ``torch.stack``, ``tf.concat`` ==
    ``np.concatenate`` == ``torch.cat``, dtypes included."""
    arrays, axis = stack_case
    with repro(f"tf.stack([tf.constant(x) for x in {listing(arrays)}], axis={axis})"):
        out = tf.stack([tf.constant(a) for a in arrays], axis=axis)
        assert_equal(out.dtype.as_numpy_dtype, arrays[0].dtype.type, expr=f"tf.stack, axis={axis}", name="tf dtype")
        expr = f"torch.stack vs tf.stack, axis={axis}"
        _assert_same(torch.stack(to_tensors(arrays, "cpu"), dim=axis), to_numpy(out), expr=expr)
        _assert_same(torch.from_numpy(np.stack(arrays, axis=axis)), to_numpy(out),
                     expr=f"np.stack vs tf.stack, axis={axis}")
    arrays, axis = cat_case
    with repro(f"tf.concat([tf.constant(x) for x in {listing(arrays)}], axis={axis})"):
        out = tf.concat([tf.constant(a) for a in arrays], axis=axis)
        expr = f"torch.cat vs tf.concat, axis={axis}"
        _assert_same(torch.cat(to_tensors(arrays, "cpu"), dim=axis), to_numpy(out), expr=expr)
        expr = f"np.concatenate vs tf.concat, axis={axis}"
        _assert_same(torch.from_numpy(np.concatenate(arrays, axis=axis)), to_numpy(out), expr=expr)


@pytest.mark.claim(AGREE, "mixed_dtypes_torch_numpy")
@on_devices
def test_torch_and_numpy_promote_differently(device):
    """Mixed dtypes: torch promotes int32 + float32 to float32, NumPy to float64 (cat and stack alike)."""
    i, f = np.arange(6, dtype=np.int32).reshape(2, 3), np.ones((2, 3), np.float32)
    ti, tf_ = torch.from_numpy(i).to(device), torch.from_numpy(f).to(device)
    got = (torch.cat([ti, tf_]).dtype, torch.stack([ti, tf_]).dtype)
    assert_equal(got, (torch.float32, torch.float32), expr="torch cat/stack of int32 and float32", name="dtypes")
    got = (np.concatenate([i, f]).dtype, np.stack([i, f]).dtype)
    assert_equal(got, (np.float64, np.float64), expr="NumPy concatenate/stack of int32 and float32", name="dtypes")


@pytest.mark.claim(AGREE, "empty_1d_torch_numpy")
@on_devices
def test_torch_skips_an_empty_1d_input_numpy_refuses_it(device):
    """A 1-D empty input with 2-D ones: torch skips it; NumPy raises ValueError (ranks differ) for an
    axis valid for the 1-D input, AxisError for another."""
    f = np.ones((2, 3), np.float32)
    got = tuple(torch.cat([torch.empty(0, device=device), torch.from_numpy(f).to(device)], dim=1).shape)
    assert_equal(got, (2, 3), expr="torch.cat([torch.empty(0), x], dim=1)", name="shape")
    with pytest.raises(np.exceptions.AxisError, match="axis 1 is out of bounds for array of dimension 1"):
        np.concatenate([np.empty(0), f], axis=1)
    for axis in (0, -1):
        with pytest.raises(ValueError, match="all the input arrays must have same number of dimensions") as info:
            np.concatenate([np.empty(0), f], axis=axis)
        assert_equal(type(info.value), ValueError, expr=f"np.concatenate([np.empty(0), x], axis={axis})",
                     name="exception type")


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
    assert_equal((out.dtype, to_numpy(out).tolist()), (tf.int32, [1, 2]),
                 expr="tf.concat([int32 [1], float32 [2.5]], 0)", name="(out.dtype, out values)")
    u8, big, empty_i64 = np.array([200], np.uint8), np.array([2**40], np.int64), np.zeros((0, 2), np.int64)
    got = [tf.stack([a]).dtype for a in (u8, np.array([1], np.int64), big, empty_i64)]
    assert_equal(got, [tf.int32, tf.int32, tf.int64, tf.float32], expr="tf.stack of NumPy integer arrays",
                 name="tf.stack([ndarray]).dtype for uint8, small int64, big int64, empty int64")
    floats = {name: np.array([1], name) for name in ("float16", "float32", "float64", "int32", "complex64")}
    for names, want in ((("float64",), tf.float64), (("float16",), tf.float16), (("float32", "float64"), tf.float32),
                        (("float64", "float32"), tf.float64), (("int32", "float64"), tf.float32),
                        (("complex64",), tf.complex128)):
        got = tf.stack([floats[n] for n in names]).dtype
        assert_equal(got, want, expr="tf.stack of NumPy arrays", name=f"tf.stack([{', '.join(names)} ndarrays]).dtype")
    assert_equal((tf.concat([u8, u8], 0).dtype, tf.stack([tf.constant(u8)]).dtype), (tf.uint8, tf.uint8),
                 expr="tf.concat of ndarrays, tf.stack of tf.Tensors", name="tf.concat dtype")


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
    assert_equal((tf_shape(empty), empty.dtype), ((0,), tf.float32), expr="tf.stack([])", name="(shape, dtype)")
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
            assert_values(batch[k], img, expr=f"torch.stack(imgs)[{k}]", exact=True)
        assert_shape(torch.cat(imgs), (n, 28, 28), expr="torch.cat(imgs): no batch axis", name="cat(images).shape")

        merged = torch.cat(batches)
        assert_shape(merged, (sum(sizes), 1, 28, 28), expr="torch.cat(batches)", name="cat(batches).shape")
        in_order = torch.cat([img for b in batches for img in b]).unsqueeze(1)
        assert_values(merged, in_order, expr="torch.cat(batches) keeps order", exact=True)
        if len(set(sizes)) == 1:
            want = (len(sizes), sizes[0], 1, 28, 28)
            assert_shape(torch.stack(batches), want, expr="5-D: not a batch", name="stack(batches).shape")

        b0 = batches[0]
        mixed = torch.cat([b0] + [img.unsqueeze(0) for img in imgs])
        want = (sizes[0] + n, 1, 28, 28)
        assert_shape(mixed, want, expr="torch.cat([batch, *unsqueezed images])", name="mixed.shape")
        assert_values(mixed, torch.cat([b0, torch.stack(imgs)]), expr="unsqueeze-then-cat == stack-then-cat",
                      exact=True)
        assert_values(mixed[sizes[0]:], batch, expr="the images follow the batch", exact=True)
        with pytest.raises(RuntimeError, match=re.escape("Tensors must have same number of dimensions: got 4 and 3")):
            torch.cat([b0, imgs[0]])
