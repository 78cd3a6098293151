"""elementwise.comparisons: == != >= > < <= against eq/ne/ge/gt/lt/le and NumPy (DL12).

Operands are tensor recipes (``tensorspec.testing.layouts``) of every real dtype incl. bfloat16, or
Python scalars the dtype holds exactly; complex and (on the CPU) uint16/32/64 tensors have no order.
"""
from __future__ import annotations

import operator

import numpy as np
import pytest
import torch
from hypothesis import example, given

from tensorspec.claims.context import differs
from tensorspec.testing.assertions import assert_equal, assert_values, repro
from tensorspec.testing.devices import on_devices
from tensorspec.testing.elementwise import WIDE_UNSIGNED, build, cpu_only, numpy_result, operand_pairs, raises_exactly
from tensorspec.testing.layouts import TensorRecipe
from tensorspec.testing.spellings import spellings

CLAIM = "elementwise.comparisons"

COMPARISONS = {  # method: (operator symbol, operator, NumPy reference)
    "eq": ("==", operator.eq, np.equal),
    "ne": ("!=", operator.ne, np.not_equal),
    "ge": (">=", operator.ge, np.greater_equal),
    "gt": (">", operator.gt, np.greater),
    "lt": ("<", operator.lt, np.less),
    "le": ("<=", operator.le, np.less_equal),
}

_NAN = TensorRecipe(np.array([np.nan, 1.0, np.nan], np.float32), torch.float32, "contiguous")


@pytest.mark.claim(CLAIM, "operators_equal_methods", "bool_tensor_of_the_shape")
@pytest.mark.parametrize("method", COMPARISONS)
@on_devices
@given(pair=operand_pairs())
@example(pair=(_NAN, _NAN))  # NaN against itself, in every run
@example(pair=(_NAN, float("nan")))
def test_comparison_operators_equal_the_methods_and_give_bool_tensors(method, device, pair):
    """x OP y == x.method(y) == torch.method(x, y) == NumPy's result: a torch.bool tensor of x's shape
    (NaN compares unequal to everything, itself included)."""
    symbol, op, np_op = COMPARISONS[method]
    x, y = pair
    u, u_source, y_ref = build(y, device)
    forms = spellings(method, "y", symbol=symbol, operand="x")
    with repro(f"x = {x.source(device)}\ny = {u_source}\n{', '.join(forms)}"):
        t = x.tensor(device)
        expected = numpy_result(np_op, x.reference(), y_ref)
        for what, call in forms.items():
            out = call(t, u)
            assert_equal(out.dtype, torch.bool, expr=what, name=f"({what}).dtype")
            assert_equal(tuple(out.shape), x.shape, expr=what, name=f"({what}).shape")
            assert_values(out, expected, expr=f"{what} vs NumPy", exact=True)


UNORDERED = {  # dtype: (two values, the dtype's name in torch's message)
    torch.complex64: ((1 + 2j, 2 - 1j), "ComplexFloat"),
    **{dtype: ((1, 2), name) for dtype, name in WIDE_UNSIGNED.items()},  # on the CPU
}


@pytest.mark.claim(CLAIM, "complex_not_ordered", "wide_unsigned_not_ordered")
@pytest.mark.parametrize("method", ["ge", "gt", "lt", "le"])
@pytest.mark.parametrize("dtype", UNORDERED, ids=str)
@on_devices
def test_complex_and_wide_unsigned_tensors_have_no_order(method, dtype, device):
    """eq/ne work on complex tensors (and, on the CPU, uint16/32/64 ones), giving the broadcast shape;
    the ordering methods raise NotImplementedError (a plain RuntimeError in the ranges of older
    releases); NumPy orders complex numbers (by real part first) and wide unsigned integers."""
    if not dtype.is_complex:
        cpu_only(device)
    _, op, np_op = COMPARISONS[method]
    (u, v), name = UNORDERED[dtype]
    z, w = torch.tensor([u], dtype=dtype, device=device), torch.tensor([[v], [u]], dtype=dtype, device=device)
    assert_values(z.eq(w), [[False], [True]], expr="z.eq(w), shapes (1,) and (2, 1)", exact=True)
    assert_values(z.ne(w), [[True], [False]], expr="z.ne(w), shapes (1,) and (2, 1)", exact=True)
    if dtype.is_complex:
        plain = differs("complex_order_runtime_error")
    else:
        plain = differs("wide_unsigned_order_runtime_error")
    error = RuntimeError if plain else NotImplementedError
    raises_exactly(error, f"not implemented for '{name}'", lambda: getattr(z, method)(w), f"z.{method}(w)")
    np_dtype = np.dtype(str(dtype).removeprefix("torch.")).type
    assert_equal(bool(np_op(np.array(u, np_dtype), np.array(v, np_dtype))), op(1, 2),
                 expr=f"NumPy on {np_dtype.__name__}", name=f"np.{np_op.__name__}({u}, {v})")
