"""broadcasting: how operands of different shapes (and Python scalars) combine element-wise (DL12).

Shapes come from ``hypothesis.extra.numpy.mutually_broadcastable_shapes`` (rank 0..5, zero-size axes),
values are checked against a pure-Python element-by-element reference (tensorspec.reference.ops),
and NumPy's and TensorFlow's answers for the same shapes are checked too, errors included.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pytest
import torch
from hypothesis import example, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tensorspec.testing import strategies as S
from tensorspec.testing.assertions import (assert_device, assert_equal, assert_shape,
                                           assert_values, repro, source)
from tensorspec.testing.devices import on_cuda, on_devices
from tensorspec.testing import dtypes as D
from tensorspec.testing.dtypes import storage_dtype
from tensorspec.testing.exact_values import summable
from tensorspec.testing.known_crashes import crashes_here
from tensorspec.testing.spellings import spellings
from tensorspec.reference.ops import broadcast_apply
from tensorspec.testing.tensorflow_compat import tf_shape, to_numpy


# ---- broadcasting.scalar ----------------------------------------------------------------------


def wrapped(value: int, dtype: torch.dtype) -> int:
    """``value`` wrapped into the range of an integer dtype (two's complement, as the kernels do)."""
    info = torch.iinfo(dtype)
    span = info.max - info.min + 1
    return (value - info.min) % span + info.min


def plus_two(values: list, dtype: torch.dtype) -> torch.Tensor:
    """Reference for ``t + 2`` computed in Python and stored in ``dtype`` (wrapping integers)."""
    out = [x + 2 for x in values]
    if not dtype.is_floating_point:
        out = [wrapped(int(x), dtype) for x in out]
    return torch.tensor(out, dtype=torch.float64 if dtype.is_floating_point else torch.int64).to(dtype)


@pytest.mark.claim("broadcasting.scalar", "agree_for_bool_int64_and_floats", "narrow_ints_differ")
@on_devices
@given(data=st.data())
def test_scalar_operand_and_broadcast_tensor(device, data):
    """``t1+2`` vs ``t1+torch.tensor(np.broadcast_to(2,t1.shape))``: equal values and dtype, except
    for integer t1 narrower than int64, where only the tensor form promotes to int64.  Each side in
    every spelling: ``t1 + x``, ``t1.add(x)``, ``torch.add(t1, x)``."""
    dtype = data.draw(st.sampled_from(D.TORCH_REAL), label="dtype")
    shape = data.draw(S.shapes(), label="shape")
    # full-range values: integers up to the dtype's limits, floats with NaN, ±inf and -0.0
    t1 = torch.from_numpy(data.draw(S.arrays(storage_dtype(dtype), shape), label="t1")).to(device, dtype)
    with repro(f"t1 = {source(t1)}\nt1 + 2 == t1 + torch.tensor(np.broadcast_to(2, t1.shape), device=t1.device)"):
        tensor = torch.tensor(np.broadcast_to(2, t1.shape), device=device)
        flat = t1.cpu().reshape(-1).tolist()
        lhs_dtype = torch.int64 if dtype == torch.bool else dtype  # a Python int never widens t1
        rhs_dtype = dtype if dtype.is_floating_point else torch.int64  # an int64 tensor does
        for text, other, other_dtype in (("2", 2, lhs_dtype), ("tensor", tensor, rhs_dtype)):
            for expr, call in spellings("add", text, symbol="+", operand="t1").items():
                out = call(t1, other)
                assert_equal(out.dtype, other_dtype, expr=f"t1.dtype={dtype}", name=f"({expr}).dtype")
                assert_equal(tuple(out.shape), shape, expr=expr, name=f"({expr}).shape")
                assert_values(out, plus_two(flat, other_dtype).reshape(shape), expr=expr, exact=True)
        lhs, rhs = t1 + 2, t1 + tensor
        # The note's equation fails exactly where t1 + 2 wraps in t1's dtype but not in int64.
        overflows = [] if dtype.is_floating_point else [
            x for x in flat if wrapped(int(x) + 2, lhs_dtype) != wrapped(int(x) + 2, rhs_dtype)]
        same = (lhs == rhs) | (lhs.isnan() & rhs.isnan()) if dtype.is_floating_point else lhs == rhs
        note_holds = bool(same.all())
        assert_equal(note_holds, not overflows, expr=f"overflowing elements: {overflows}",
                     name="(t1+2 == t1+tensor).all()")


@pytest.mark.claim("broadcasting.scalar", "right_side_is_a_cpu_tensor")
@given(shape=S.shapes(max_dims=3))
def test_the_notes_broadcast_tensor_lives_on_the_cpu(shape):
    """``torch.tensor(np.broadcast_to(2, shape))`` is a CPU tensor; added to a CPU t1 it is 2 everywhere."""
    t1 = torch.zeros(shape)
    other = torch.tensor(np.broadcast_to(2, shape))
    with repro(f"torch.zeros({shape}) + torch.tensor(np.broadcast_to(2, {shape}))"):
        assert_device(other, "cpu", expr="torch.tensor(np.broadcast_to(2, shape))", name="other.device")
        assert_values(t1 + other, np.full(shape, 2.0), expr="t1 + other", exact=True)


@pytest.mark.claim("broadcasting.scalar", "cuda_refuses_the_cpu_tensor")
@on_cuda
@given(shape=S.shapes(max_dims=3))
def test_a_cuda_tensor_takes_only_a_0_d_cpu_tensor(device, shape):
    """Adding the note's CPU tensor to a CUDA t1 fails unless it is 0-d (a CPU scalar tensor may join a
    CUDA operation)."""
    t1 = torch.zeros(shape, device=device)
    other = torch.tensor(np.broadcast_to(2, shape))
    with repro(f"torch.zeros({shape}, device={device!r}) + torch.tensor(np.broadcast_to(2, {shape}))"):
        if shape != ():
            with pytest.raises(RuntimeError, match="same device"):
                t1 + other
        else:
            assert_values(t1 + other, np.full(shape, 2.0), expr="t1 + other", exact=True)


@pytest.mark.claim("broadcasting.scalar", "narrow_ints_differ")
@on_devices
def test_the_notes_equation_fails_where_int8_wraps(device):
    """int8 [127, 0]: t1 + 2 (every spelling) is int8 [-127, 2], t1 + the note's tensor int64 [129, 2];
    the note's == is [False, True]."""
    t1 = torch.tensor([127, 0], dtype=torch.int8, device=device)
    tensor = torch.tensor(np.broadcast_to(2, t1.shape), device=device)
    for expr, call in spellings("add", "2", symbol="+", operand="t1").items():
        out = call(t1, 2)
        assert_equal(out.dtype, torch.int8, expr=expr, name=f"({expr}).dtype")
        assert_values(out, [-127, 2], expr=f"{expr}, t1 = int8 [127, 0]", exact=True)
    assert_equal((t1 + tensor).dtype, torch.int64, expr="t1 + tensor", name="(t1 + tensor).dtype")
    assert_values(t1 + tensor, [129, 2], expr="t1 + tensor, t1 = int8 [127, 0]", exact=True)
    assert_values(t1 + 2 == t1 + tensor, [False, True], expr="t1 + 2 == t1 + tensor", exact=True)


# ---- broadcasting.rules -----------------------------------------------------------------------
@dataclass(frozen=True)
class Op:
    """One element-wise op in NumPy and TF (looked up by name at call time), its reference, and every
    torch spelling of it (``{how it reads: call(*operands)}``, operands named a, b or c, a, b)."""
    numpy: str
    tf: str
    arity: int
    fn: Callable
    forms: dict[str, Callable]
    bool_result: bool = False


OPS = {
    "add": Op("add", "add", 2, lambda x, y: x + y, forms=spellings("add", "b", symbol="+", operand="a")),
    "mul": Op("multiply", "multiply", 2, lambda x, y: x * y,
              forms=spellings("mul", "b", symbol="*", operand="a")),
    "ge": Op("greater_equal", "greater_equal", 2, lambda x, y: x >= y, bool_result=True,
             forms=spellings("ge", "b", symbol=">=", operand="a")),
    "where": Op("where", "where", 3, lambda c, x, y: x if c else y,
                forms={"torch.where(c, a, b)": lambda c, a, b: torch.where(c, a, b),
                       "a.where(c, b)": lambda c, a, b: a.where(c, b)}),
}
OPERAND_NAMES = {2: ("a", "b"), 3: ("c", "a", "b")}


def broadcast_shapes_st(num_shapes, max_dims=5):
    return hnp.mutually_broadcastable_shapes(num_shapes=num_shapes, min_dims=0, max_dims=max_dims,
                                            min_side=0, max_side=3)


@st.composite
def broadcast_case(draw, dtypes=D.TF_ELEMENTWISE, max_dims=5):
    """(op name, operand arrays, expected result shape): operands of mutually broadcastable shapes."""
    name = draw(st.sampled_from(sorted(OPS)), label="op")
    op = OPS[name]
    dtype = draw(st.sampled_from(dtypes), label="dtype")
    shapes = draw(broadcast_shapes_st(op.arity, max_dims), label="shapes")
    arrays = [draw(hnp.arrays(dtype, s, elements=summable(dtype)), label=f"operand{i}")
              for i, s in enumerate(shapes.input_shapes)]
    if name == "where":  # the condition is boolean
        arrays[0] = draw(hnp.arrays(np.bool_, shapes.input_shapes[0]), label="condition")
    return name, arrays, shapes.result_shape


def _examples(cases):
    """Decorator: run these ``case`` values as explicit Hypothesis examples (every run, any profile)."""
    def decorate(test):
        for case in reversed(cases):
            test = example(case=case)(test)
        return test
    return decorate


def reference(name: str, arrays, out_shape) -> np.ndarray:
    op = OPS[name]
    return broadcast_apply(op.fn, arrays, out_shape, np.bool_ if op.bool_result else arrays[-1].dtype)


def call_snippet(func: str, arrays, wrap: str = "") -> str:
    """``func(x0, x1, ...)`` with each operand written out (wrapped in ``wrap(...)`` when given)."""
    args = ", ".join(f"{wrap}({source(a)})" if wrap else source(a) for a in arrays)
    return f"{func}({args})"


def quiet_numpy(fn, *args, **kwargs):
    """Call a NumPy function without its 'invalid value' warnings (inf - inf is meant to be NaN)."""
    with np.errstate(all="ignore"):
        return fn(*args, **kwargs)


# Textbook cases, always run: a row against a matrix, a column against a row (two: one
# that would also fit if shapes were lined up from the left), a scalar, an empty axis.
_f32 = np.float32
TEXTBOOK = [
    ("add", [np.arange(6, dtype=_f32).reshape(2, 3), np.arange(3, dtype=_f32)], (2, 3)),
    ("add", [np.arange(3, dtype=_f32).reshape(3, 1), np.arange(3, dtype=_f32)], (3, 3)),  # fits left-aligned too
    ("mul", [np.arange(3, dtype=_f32).reshape(3, 1), np.arange(4, dtype=_f32)], (3, 4)),
    ("ge", [np.arange(4, dtype=_f32).reshape(2, 1, 2), np.array(1, dtype=_f32)], (2, 1, 2)),
    ("where", [np.array([True, False]), np.zeros((0, 1), _f32), np.ones((3, 1, 1), _f32)], (3, 0, 2)),
    # an empty right operand from NumPy in float16: crashed torch 2.1.0 and 2.1.1 (empty_numpy_operand)
    ("mul", [np.ones((3, 1), np.float16), np.zeros((0,), np.float16)], (3, 0)),
    # shapes that would also combine if lined up from the left, to another shape, for every op
    ("mul", [np.arange(3, dtype=_f32).reshape(3, 1), np.arange(3, dtype=_f32)], (3, 3)),
    ("ge", [np.arange(2, dtype=_f32).reshape(2, 1), np.arange(2, dtype=_f32)], (2, 2)),
    ("where", [np.array([[True], [False]]), np.arange(2, dtype=_f32), np.array([5], dtype=_f32)], (2, 2)),
]


@pytest.mark.claim("broadcasting.rules", "numpy_rules")
@on_devices
@given(case=broadcast_case())
@_examples(TEXTBOOK)
def test_torch_and_numpy_broadcast_alike(device, case):
    """Mutually broadcastable operands: torch in every spelling (a + b, a.add(b), torch.add(a, b), ...)
    and NumPy give the shape Hypothesis predicts and the values of the element-by-element reference;
    torch.broadcast_shapes agrees."""
    name, arrays, out_shape = case
    op = OPS[name]
    names = OPERAND_NAMES[op.arity]
    torch_operands = f"{', '.join(names)} = {', '.join(f'torch.from_numpy({source(a)})' for a in arrays)}"
    np_call = call_snippet(f"np.{op.numpy}", arrays)
    with repro(f"{torch_operands}\n{'; '.join(op.forms)}\n{np_call}"):
        shapes = [a.shape for a in arrays]
        expected = reference(name, arrays, out_shape)
        assert_equal(tuple(torch.broadcast_shapes(*shapes)), out_shape, expr=f"{shapes}", name="torch.broadcast_shapes")
        tensors = [torch.from_numpy(a).to(device) for a in arrays]
        for expr, call in op.forms.items():
            if crashes_here(name, expr, *tensors[:2]):  # torch 2.1.0/2.1.1: broadcasting.rules empty_numpy_operand
                continue
            out = call(*tensors)
            assert_equal(tuple(out.shape), out_shape, expr=expr, name=f"({expr}).shape")
            assert_values(out, expected, expr=expr, exact=True)
        np_out = quiet_numpy(getattr(np, op.numpy), *arrays)
        assert_shape(np_out, out_shape, expr=np_call, name="np_out.shape")
        assert_values(np_out, expected, expr=np_call, exact=True)


@st.composite
def incompatible_shapes(draw):
    """Two shapes that do not broadcast: one axis (counted from the right, present in both) has two
    different sizes, neither of them 1; every other axis is compatible.  Returns the shapes and the
    position of the clashing axis counted from the right (1 = last)."""
    base = draw(broadcast_shapes_st(2), label="base")
    a, b = (list(s) for s in base.input_shapes)
    if not a or not b:  # make room for a clashing axis
        a, b = a + [1], b + [1]
    back = draw(st.integers(1, min(len(a), len(b))), label="axis from the right")
    p, q = draw(st.lists(st.sampled_from([0, 2, 3, 4]), min_size=2, max_size=2, unique=True), label="sizes")
    a[-back], b[-back] = p, q
    return tuple(a), tuple(b), back


def np_shape_text(shape) -> str:
    return "(" + ",".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"


@pytest.mark.claim("broadcasting.rules", "clash_raises")
@on_devices
@given(case=incompatible_shapes())
def test_non_broadcastable_shapes_raise(device, case):
    """Shapes with a clashing axis: torch raises RuntimeError naming both sizes and the axis of the
    result (a + b, a.add(b), torch.add(a, b) alike); NumPy raises ValueError naming both shapes."""
    a_shape, b_shape, back = case
    a, b = np.zeros(a_shape, np.float32), np.ones(b_shape, np.float32)
    i, j, dim = a_shape[-back], b_shape[-back], max(len(a_shape), len(b_shape)) - back
    with repro(f"torch.zeros({a_shape}) + torch.ones({b_shape})"):
        for call in spellings("add", "b", symbol="+", operand="a").values():
            clash = f"The size of tensor a ({i}) must match the size of tensor b ({j}) at non-singleton dimension {dim}"
            with pytest.raises(RuntimeError, match=re.escape(clash)):
                call(torch.from_numpy(a).to(device), torch.from_numpy(b).to(device))
        with pytest.raises(RuntimeError, match="(?i)broadcast"):  # wording varies: see the next test
            torch.broadcast_shapes(a_shape, b_shape)
        message = ("operands could not be broadcast together with shapes "
                   f"{np_shape_text(a_shape)} {np_shape_text(b_shape)}")
        with pytest.raises(ValueError, match=re.escape(message)):
            a + b
        with pytest.raises(ValueError, match="shape mismatch: objects cannot be broadcast to a single shape"):
            np.broadcast_shapes(a_shape, b_shape)


@pytest.mark.claim("broadcasting.rules", "clash_raises")
def test_broadcast_shapes_clash_message(claim_fact):
    """torch.broadcast_shapes of clashing shapes raises RuntimeError in every release; its wording
    varies (newest: 'Attempting to broadcast a dimension of length ...') and is recorded as a fact."""
    with pytest.raises(RuntimeError, match="(?i)broadcast") as raised:
        torch.broadcast_shapes((3,), (2,))
    claim_fact("torch.broadcast_shapes((3,), (2,)) raises", str(raised.value).splitlines()[0])


@pytest.mark.claim("broadcasting.rules", "in_place_broadcasts_the_right_operand")
@on_devices
@given(shapes=broadcast_shapes_st(2))
def test_in_place_needs_the_result_shape(device, shapes):
    """``a.add_(b)`` and ``a += b`` broadcast ``b`` into ``a`` only: they work iff the broadcast shape is
    ``a``'s own (and then equal ``a + b``); otherwise RuntimeError, as NumPy's ``a += b`` raises ValueError."""
    (a_shape, b_shape), out_shape = shapes.input_shapes, shapes.result_shape
    a, b = np.arange(math.prod(a_shape), dtype=np.float32).reshape(a_shape), np.ones(b_shape, np.float32)
    t = torch.from_numpy(a).to(device)
    forms = spellings("add_", "b", symbol="+=", operand="a", function=False)
    with repro(f"a, b = torch.zeros({a_shape}), torch.ones({b_shape})\n{'; '.join(forms)}"):
        for expr, call in forms.items():
            if out_shape == a_shape:
                assert_values(call(t.clone(), torch.from_numpy(b).to(device)), a + 1, expr=expr, exact=True)
                continue
            with pytest.raises(RuntimeError, match=re.escape(
                    f"output with shape {list(a_shape)} doesn't match the broadcast shape {list(out_shape)}")):
                call(t, torch.from_numpy(b).to(device))
        if out_shape == a_shape:
            return
        with pytest.raises(ValueError, match="non-broadcastable output operand with shape"):
            np.add(a, b, out=a)


# ---- TensorFlow -----------------------------------------------------------------------------------
@pytest.mark.claim("broadcasting.rules", "tensorflow_alike_up_to_rank_5")
@given(case=broadcast_case())
@_examples(TEXTBOOK)
def test_tensorflow_broadcasts_alike_up_to_rank_5(tf, case):
    """TensorFlow's element-wise ops broadcast operands of rank <= 5 to the same shape and values."""
    name, arrays, out_shape = case
    tf_call = call_snippet(f"tf.{OPS[name].tf}", arrays)
    with repro(f"import tensorflow as tf\n{tf_call}"):
        out = getattr(tf, OPS[name].tf)(*arrays)
        assert_equal(tf_shape(out), out_shape, expr=tf_call, name="tf out.shape")
        assert_values(to_numpy(out), reference(name, arrays, out_shape), expr=tf_call, exact=True)


@pytest.mark.claim("broadcasting.rules", "tensorflow_alike_up_to_rank_5")
@given(case=incompatible_shapes())
def test_tensorflow_non_broadcastable_error(tf, case):
    """TensorFlow refuses the same shapes with InvalidArgumentError 'Incompatible shapes: [..] vs. [..]'."""
    a_shape, b_shape, _ = case
    fmt = lambda s: "[" + ",".join(map(str, s)) + "]"  # noqa: E731
    with repro(f"tf.add(np.zeros({a_shape}), np.ones({b_shape}))"):
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=re.escape(f"Incompatible shapes: {fmt(a_shape)} vs. {fmt(b_shape)}")):
            tf.add(np.zeros(a_shape, np.float32), np.ones(b_shape, np.float32))


@pytest.mark.claim("broadcasting.rules", "tensorflow_refuses_6_dims")
@on_devices
def test_tensorflow_refuses_broadcasts_needing_6_dims(tf, device):
    """A broadcast that needs 6 dimensions (after TF merges adjacent axes that broadcast alike) is
    UnimplementedError in TF while torch and NumPy do it; one that merges down to fewer works."""
    a_shape, b_shape = (1, 2, 1, 2, 1, 2), (2, 1, 2, 1, 2, 1)
    a, b = np.ones(a_shape, np.float32), np.ones(b_shape, np.float32)
    with repro(f"tf.add(np.ones({a_shape}), np.ones({b_shape}))"):
        assert_shape(torch.from_numpy(a).to(device) + torch.from_numpy(b).to(device),
                     (2,) * 6, expr="torch", name="torch shape")
        assert_shape(a + b, (2,) * 6, expr="numpy", name="numpy shape")
        for op in (tf.add, tf.multiply, tf.maximum):  # the binary element-wise ops
            with pytest.raises(tf.errors.UnimplementedError, match="is not supported yet"):
                op(a, b)
        where = tf.where(np.ones(a_shape, bool), a, b)
        assert_equal(tf_shape(where), (2,) * 6, expr="tf.where of the same 6-d broadcast", name="tf shape")
        mergeable = tf.add(np.ones((1, 1, 1, 2, 2, 2), np.float32), np.ones((2, 2, 2, 1, 1, 1), np.float32))
        assert_equal(tf_shape(mergeable), (2,) * 6, expr="tf.add of a 6-d broadcast that merges to 2-d",
                     name="tf shape")


@pytest.mark.claim("broadcasting.rules", "tensorflow_add_has_no_bool")
def test_tensorflow_add_has_no_bool_kernel(tf):
    """The dtype gap of TF's arithmetic: ``tf.add`` on bool is InvalidArgumentError (torch gives bool,
    NumPy a logical or); TF's comparisons do take bool."""
    a, b = np.array([True, False]), np.array([[True], [False]])
    with pytest.raises(tf.errors.InvalidArgumentError, match="bool is not in the list of allowed values"):
        tf.add(a, b)
    assert_values(to_numpy(tf.equal(a, b)), a == b, expr="tf.equal(bool, bool)", exact=True)
    assert_values(torch.from_numpy(a) + torch.from_numpy(b), a + b, expr="torch bool + bool", exact=True)
