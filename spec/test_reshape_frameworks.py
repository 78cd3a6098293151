"""reshape across frameworks (DL10, DL11): the same drawn inputs through torch, NumPy and TensorFlow -
where they agree (the elements, row-major) and where they differ (which calls raise, and what).

Inputs are tensor recipes (``tensorspec.testing.layouts``) of every real dtype but bfloat16 (NumPy
lacks it); the TensorFlow input is ``tf.constant`` of the same values.
"""
from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from tensorspec.reference import shapes as ref
from tensorspec.testing.assertions import assert_equal, assert_shape, assert_values, repro
from tensorspec.testing.devices import on_devices
from tensorspec.testing.dtypes import TORCH_REAL
from tensorspec.testing.layouts import tensors_in_layouts
from tensorspec.testing.shape_strategies import invalid_reshape_targets, reshape_targets
from tensorspec.testing.strategies import dims

RESHAPE = "reshape.preserves_elements"


# ---- NumPy and TensorFlow on the same inputs ----------------------------------------------------

OUTCOMES = {  # situation -> what (torch, NumPy, TensorFlow) do: "ok" or the exception's class name
    "reshape": ("ok", "ok", "ok"),
    "reshape, wrong size": ("RuntimeError", "ValueError", "InvalidArgumentError"),
    "reshape, two -1": ("RuntimeError", "ValueError", "InvalidArgumentError"),
    "reshape, -1 ambiguous on an empty tensor": ("RuntimeError", "ValueError", "ok"),
    "flatten(start_dim)": ("ok", "ok", "ok"),  # NumPy and TF: reshape to the flattened shape
    "squeeze()": ("ok", "ok", "ok"),
    "squeeze(d), length 1": ("ok", "ok", "ok"),
    "squeeze(d), length not 1": ("ok", "ValueError", "InvalidArgumentError"),  # torch: a no-op
    "squeeze(d), rank 0": ("ok", "ok", "InvalidArgumentError"),
    "squeeze(d), d out of range": ("IndexError", "AxisError", "InvalidArgumentError"),
    "unsqueeze(d), d in [-rank-1, rank]": ("ok", "ok", "ok"),
    "unsqueeze(d), d out of range": ("IndexError", "AxisError", "InvalidArgumentError"),
}
TF_OPS = [  # op -> claim and statement
    pytest.param("reshape", marks=pytest.mark.claim(RESHAPE, "tensorflow_rules"), id="reshape"),
    pytest.param("flatten", marks=pytest.mark.claim("reshape.flatten_start_dim", "numpy_and_tensorflow_reshape"), id="flatten"),
    pytest.param("squeeze", marks=pytest.mark.claim("reshape.squeeze", "tensorflow_strict"), id="squeeze"),
    pytest.param("unsqueeze", marks=pytest.mark.claim("reshape.unsqueeze", "tensorflow_agrees"), id="unsqueeze"),
]


@st.composite
def cross_framework_case(draw, op: str, shape: tuple[int, ...]):
    """(situation, argument, expected shape or None) for one op on one shape."""
    ndim, numel = len(shape), int(np.prod(shape))
    if op == "reshape":
        kind = draw(st.sampled_from(["reshape", "reshape, wrong size", "reshape, two -1"] + (
            ["reshape, -1 ambiguous on an empty tensor"] if numel == 0 else [])), label="situation")
        if kind == "reshape":
            target = draw(reshape_targets(numel), label="shape")
            return kind, target, ref.inferred(numel, target)
        if kind == "reshape, wrong size":
            return kind, draw(invalid_reshape_targets(numel), label="shape"), None
        if kind == "reshape, two -1":
            return kind, (-1, -1) + draw(reshape_targets(numel, minus_one=False), label="sides"), None
        sides = list(draw(reshape_targets(0, minus_one=False), label="sides"))
        sides.insert(draw(st.integers(0, len(sides)), label="-1 at"), -1)
        return kind, tuple(sides), None
    if op == "flatten":
        start = draw(dims(ndim), label="start_dim")
        return "flatten(start_dim)", start, ref.flattened(shape, start)
    extra = 1 if op == "unsqueeze" else 0
    lo, hi = ref.dim_bounds(ndim, extra)
    dim = draw(st.one_of(st.integers(lo, hi), st.integers(lo - 2, lo - 1), st.integers(hi + 1, hi + 2),
                         *([st.none()] if op == "squeeze" else [])), label="dim")
    if dim is None:
        return "squeeze()", None, ref.squeezed(shape)
    if not lo <= dim <= hi:
        return f"{op}(d), d out of range", dim, None
    if op == "unsqueeze":
        return "unsqueeze(d), d in [-rank-1, rank]", dim, ref.unsqueezed(shape, dim)
    if ndim == 0:
        return "squeeze(d), rank 0", dim, ()
    length_one = shape[ref.wrap_dim(dim, ndim)] == 1
    return f"squeeze(d), length {'1' if length_one else 'not 1'}", dim, ref.squeezed(shape, [dim])


def _outcome(call):
    """("ok", result as an ndarray) or (the exception's class name, None)."""
    try:
        out = call()
    except Exception as exc:  # noqa: BLE001 - which exception is what is compared
        return type(exc).__name__, None
    if isinstance(out, torch.Tensor):
        out = out.cpu()
    return "ok", np.array(out.numpy() if hasattr(out, "numpy") else out)  # a writable copy


def _calls(op, arg, t, a, tf, x, shape_after):
    """The same operation in torch, NumPy and TensorFlow."""
    if op == "reshape":
        return (lambda: t.reshape(arg)), (lambda: np.reshape(a, arg)), (lambda: tf.reshape(x, arg))
    if op == "flatten":
        return (lambda: t.flatten(arg)), (lambda: np.reshape(a, shape_after)), (lambda: tf.reshape(x, shape_after))
    if op == "unsqueeze":
        return (lambda: t.unsqueeze(arg)), (lambda: np.expand_dims(a, arg)), (lambda: tf.expand_dims(x, arg))
    if arg is None:
        return (lambda: t.squeeze()), (lambda: np.squeeze(a)), (lambda: tf.squeeze(x))
    return (lambda: t.squeeze(arg)), (lambda: np.squeeze(a, arg)), (lambda: tf.squeeze(x, arg))


@pytest.mark.parametrize("op", TF_OPS)
@on_devices
@given(data=st.data())
def test_torch_numpy_and_tensorflow_agree_or_differ_as_stated(op, device, tf, data):
    """The same drawn input through torch, NumPy and TensorFlow: each does what OUTCOMES states for the
    situation (result, or which exception), and every result holds the row-major values."""
    recipe = data.draw(tensors_in_layouts(dtypes=[d for d in TORCH_REAL if d != torch.bfloat16]), label="t")
    situation, arg, shape_after = data.draw(cross_framework_case(op, recipe.shape), label="case")
    a = recipe.reference()
    with repro(f"t = {recipe.source(device)}\na = t.cpu().numpy()\nx = tf.constant(a)\n# {situation}: {op}({arg})"):
        t, x = recipe.tensor(device), tf.constant(a)
        calls = _calls(op, arg, t, a, tf, x, shape_after)
        for library, call, expected in zip(("torch", "NumPy", "TensorFlow"), calls, OUTCOMES[situation]):
            got, out = _outcome(call)
            assert_equal(got, expected, expr=f"{situation}: {op}({arg})", name=f"{library} outcome")
            if got != "ok":
                continue
            if shape_after is None:  # TF's reshape of an empty tensor with an ambiguous -1: its own rule
                nonzero = int(np.prod([s for s in recipe.shape if s])) // int(np.prod([s for s in arg if s not in (0, -1)]))
                want = tuple(nonzero if s == -1 else s for s in arg)
                assert_equal(out.shape, want, expr=f"{op}({arg}): -1 = non-zero input sizes // others",
                             name=f"{library} result shape")
                continue
            assert_shape(out, shape_after, expr=f"{op}({arg})", name=f"{library} result shape")
            assert_values(out, np.reshape(a, shape_after), expr=f"{library}: {op}({arg})", exact=True)


TF_CASES = [  # statement, expression on x = tf.zeros(shape), shape, the result's shape or the exception's class name
    ("reshape.preserves_elements", "tensorflow_rules", "tf.reshape(x, (0, -1))", (0, 3, 4), (0, 12)),
    ("reshape.preserves_elements", "tensorflow_rules", "tf.reshape(x, (5, 0, -1))", (0, 3, 4), (5, 0, 2)),
    ("reshape.unsqueeze", "tensorflow_agrees", "tf.expand_dims(x, -1)", (2, 3), (2, 3, 1)),
    ("reshape.unsqueeze", "tensorflow_agrees", "tf.expand_dims(x, -2)", (2, 3), (2, 1, 3)),
    ("reshape.squeeze", "tensorflow_strict", "tf.squeeze(x)", (1, 2, 1), (2,)),
    ("reshape.squeeze", "tensorflow_strict", "tf.squeeze(x, 1)", (1, 2, 1), "InvalidArgumentError"),
    ("reshape.squeeze", "tensorflow_strict", "tf.squeeze(x, 0)", (), "InvalidArgumentError"),
]


@pytest.mark.parametrize("expr,shape,expected", [
    pytest.param(*case[2:], marks=pytest.mark.claim(*case[:2]), id=case[2]) for case in TF_CASES])
def test_tensorflow_worked_cases(expr, shape, expected, tf):
    """The cases every run meets: TF's ambiguous -1 rule, a negative expand_dims axis, a strict squeeze."""
    got, out = _outcome(lambda: eval(expr, {"tf": tf, "x": tf.zeros(shape)}))
    assert_equal(out.shape if got == "ok" else got, expected, expr=f"x = tf.zeros({shape}); {expr}", name="outcome")
