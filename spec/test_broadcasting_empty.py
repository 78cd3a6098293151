"""broadcasting.rules, an empty operand from NumPy: the products and quotients that crashed torch 2.1.0 and
2.1.1 (pytorch#113037).

``torch.from_numpy`` of an empty array gives a tensor whose strides are all 0.  As the right operand of a
float16 or bfloat16 product or quotient that broadcasts, it combines like any other tensor, except on
the releases of the range ``empty_numpy_operand_crashes``, where the process dies.  There each call runs
in a forked child (``tensorspec.testing.known_crashes``), and the test asserts which calls crash.
"""
from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import assume, example, given
from hypothesis import strategies as st

from tensorspec.claims.context import differs
from tensorspec.testing.assertions import assert_dtype, assert_equal, assert_shape, repro
from tensorspec.testing.dtypes import NUMPY_OF_TORCH
from tensorspec.testing.known_crashes import (CRASHED, REDUCED_FLOATS, RETURNED, aten_order,
                                              crash_pattern, outcome_in_child, zero_strided_empty)
from tensorspec.testing.spellings import spellings

CLAIM = "broadcasting.rules"
STATEMENT = "empty_numpy_operand"


# how it reads: (the ATen op, the call); a Python number a takes the function forms and a * b, a / b, a // b
FORMS = {
    **{form: ("mul", call) for form, call in spellings("mul", "b", symbol="*", operand="a").items()},
    **{form: ("div", call) for form, call in spellings("div", "b", symbol="/", operand="a").items()},
    "torch.div(a, b, rounding_mode='floor')": ("div", lambda a, b: torch.div(a, b, rounding_mode="floor")),
    "torch.div(a, b, rounding_mode='trunc')": ("div", lambda a, b: torch.div(a, b, rounding_mode="trunc")),
    "a // b": ("div", lambda a, b: a // b),
}
IN_PLACE = {"a.mul_(b)": ("mul", lambda a, b: a.mul_(b)), "a.div_(b)": ("div", lambda a, b: a.div_(b))}


def empty_from_numpy(shape: tuple, dtype: torch.dtype) -> tuple[torch.Tensor, str]:
    """``torch.from_numpy(np.zeros(shape, ...))`` in ``dtype`` (bfloat16: the float16 array's bits viewed),
    and its code for reproducers."""
    if dtype == torch.bfloat16:
        return (torch.from_numpy(np.zeros(shape, np.float16)).view(torch.bfloat16),
                f"torch.from_numpy(np.zeros({shape}, np.float16)).view(torch.bfloat16)")
    array_dtype = NUMPY_OF_TORCH[dtype]
    return (torch.from_numpy(np.zeros(shape, array_dtype)),
            f"torch.from_numpy(np.zeros({shape}, np.dtype({array_dtype.name!r})))")


def operands(a, b_shape: tuple, b_dtype: torch.dtype) -> tuple[object, torch.Tensor, str]:
    """(a, b, the code that makes them): b empty from NumPy."""
    b, b_code = empty_from_numpy(b_shape, b_dtype)
    a_code = f"torch.ones({tuple(a.shape)}).to({a.dtype})" if isinstance(a, torch.Tensor) else repr(a)
    return a, b, f"a = {a_code}\nb = {b_code}"


SIDES = st.integers(0, 3)
OTHERS = [torch.int64, torch.uint8, torch.bool]  # operands that leave a float16/bfloat16 result as it is


@st.composite
def shapes_with_empty_right(draw, scalar_left: bool):
    """(a's shape, b's shape): b of rank 1-3 with a zero side; a () or of rank 1-3, another shape that
    broadcasts with b (each aligned side equal to b's or 1, any side against b's 1)."""
    b_shape = list(draw(st.lists(SIDES, min_size=1, max_size=3), label="b shape"))
    b_shape[draw(st.integers(0, len(b_shape) - 1), label="zero side")] = 0
    if scalar_left:
        return (), tuple(b_shape)
    rank = draw(st.integers(1, 3), label="a rank")
    a_shape = []
    for i in range(rank):
        j = len(b_shape) - rank + i  # b's aligned axis
        side = b_shape[j] if j >= 0 else 1
        a_shape.append(draw(SIDES if side == 1 else st.sampled_from([side, 1]), label="a side"))
    assume(tuple(a_shape) != tuple(b_shape))
    return tuple(a_shape), tuple(b_shape)


@st.composite
def empty_right_operands(draw):
    """(a, b, text): b empty from NumPy (rank 1-3, a zero side); a a Python number, a 0-d tensor or a
    tensor of rank 1-3 of another shape that broadcasts with b; the result float16 or bfloat16."""
    reduced = draw(st.sampled_from(REDUCED_FLOATS), label="result dtype")
    kind = draw(st.sampled_from(["number", "0-d", "tensor"]), label="a kind")
    a_shape, b_shape = draw(shapes_with_empty_right(scalar_left=kind != "tensor"), label="shapes")
    if kind == "number":  # b carries the result dtype
        a, b_dtype = draw(st.integers(-3, 3) | st.floats(-3, 3, width=16), label="a"), reduced
    else:
        b_dtype, a_dtype = draw(st.sampled_from(
            [(reduced, d) for d in [reduced, torch.float32, *OTHERS] if kind == "0-d" or d != torch.float32]
            + [(d, reduced) for d in OTHERS]), label="b and a dtypes")
        a = torch.ones(a_shape).to(a_dtype)
    a, b, text = operands(a, b_shape, b_dtype)
    assert_equal(torch.result_type(a, b), reduced, expr=f"{text}\ntorch.result_type(a, b)",
                 name="the drawn result dtype")
    return a, b, text


def _calls(a, b):
    """The forms that take this ``a``: {how it reads: (op, call, ATen's operands)}."""
    forms = {}
    for form, (op, call) in FORMS.items():
        if not isinstance(a, torch.Tensor) and form in ("a.mul(b)", "a.div(b)"):
            continue  # a number has no methods
        forms[form] = (op, call, aten_order(form, a, b))
    if isinstance(a, torch.Tensor) and a.dtype == torch.result_type(a, b) \
            and tuple(a.shape) == tuple(torch.broadcast_shapes(a.shape, b.shape)):
        forms.update({form: (op, call, (a, b)) for form, (op, call) in IN_PLACE.items()})
    return forms


def _check(form, call, a, b):
    """``call(a, b)`` gives the empty broadcast result in torch.result_type(a, b) (in place: a itself)."""
    shape = torch.broadcast_shapes(tuple(getattr(a, "shape", ())), tuple(b.shape))
    target = a.clone() if form in IN_PLACE else a
    out = call(target, b)
    assert_shape(out, shape, expr=form, name=f"({form}).shape")
    assert_dtype(out, torch.result_type(a, b), expr=form, name=f"({form}).dtype")
    if form in IN_PLACE:
        assert_equal(out is target, True, expr=form, name=f"({form}) is a")


@pytest.mark.claim(CLAIM, STATEMENT)
@given(case=empty_right_operands())
@example(case=operands(2, (0, 1, 0, 0, 2), torch.bfloat16))  # as the type-promotion test met it on 2.1.0
@example(case=operands(torch.ones(3, 1, dtype=torch.float16), (0,), torch.float16))
@example(case=operands(torch.ones((), dtype=torch.int64), (2, 0), torch.bfloat16))
@example(case=operands(torch.ones(2, 0, dtype=torch.float16), (0,), torch.int64))  # in place too
def test_an_empty_numpy_operand_combines_or_crashes(case):
    """Every form that takes a (see ``_calls``) gives the empty broadcast result; in the range
    empty_numpy_operand_crashes each runs in a forked child and exactly the forms of
    known_crashes.crash_pattern (all but 2 * b and 2 / b) kill it with SIGSEGV."""
    a, b, text = case
    assert_equal(zero_strided_empty(b), True, expr="torch.from_numpy(<empty array>).stride()",
                 name="every stride of the empty b is 0")
    crashing_release = differs("empty_numpy_operand_crashes")
    for form, (op, call, (first, second)) in _calls(a, b).items():
        with repro(f"{text}\n{form}"):
            if not crashing_release:
                _check(form, call, a, b)
                continue
            expected = CRASHED if crash_pattern(op, first, second) else RETURNED
            outcome = outcome_in_child(lambda: _check(form, call, a, b))
            assert_equal(outcome, expected, expr=form, name=f"how ({form}) ends in a child process")
