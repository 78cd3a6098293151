"""elementwise.arith_methods: + - * / against add/sub/mul/div and NumPy (DL12).

Operands are tensor recipes (``tensorspec.testing.layouts``) of every real dtype incl. bfloat16, or
Python scalars; NumPy on the same values is the reference.  Where torch's values leave NumPy's (a
Python float with float16/bfloat16, a scalar on the left of /, integer true division, out-of-range
Python ints, complex infinities) the test states torch's own rule.
"""
from __future__ import annotations

import operator

import numpy as np
import pytest
import torch
from hypothesis import example, given
from hypothesis import strategies as st

from tensorspec.claims.context import differs
from tensorspec.testing.assertions import assert_equal, assert_values, repro
from tensorspec.testing.devices import on_devices
from tensorspec.testing.elementwise import (WIDE_UNSIGNED, build, cpu_only, numpy_result, operand_pairs,
                                            raises_exactly, rounded)
from tensorspec.testing.layouts import TensorRecipe, tensors_in_layouts
from tensorspec.testing.spellings import spellings

CLAIM = "elementwise.arith_methods"

ARITH = {  # method: (operator symbol, operator, NumPy reference)
    "add": ("+", operator.add, np.add),
    "sub": ("-", operator.sub, np.subtract),
    "mul": ("*", operator.mul, np.multiply),
    "div": ("/", operator.truediv, np.true_divide),
}


# y OP x with a Python scalar y on the left (Tensor.__radd__, ...): NumPy's result, but torch divides as
# y * x.reciprocal() (statement reflected_division), so the reference for / is y * (1 / x), the
# reciprocal in x's dtype (NumPy 1.x would widen a Python 1 over a 0-d float16 x, and 1 / 6e-08 would not
# overflow to inf as torch's float16 reciprocal does: found by the matrix on torch 1.13.1, NumPy 1.26.4).
REFLECTED = {"add": lambda x, y: y + x, "sub": lambda x, y: y - x, "mul": lambda x, y: y * x,
             "div": lambda x, y: y * (np.ones_like(x) / x)}


# ---- operators_equal_methods, numpy_values, true_division, bool_subtraction_refused ---------------

_BOOLS = TensorRecipe(np.array([True, False]), torch.bool, "contiguous")


@pytest.mark.claim(CLAIM, "operators_equal_methods", "numpy_values", "true_division", "bool_subtraction_refused")
@pytest.mark.parametrize("method", ARITH)
@on_devices
@given(pair=operand_pairs())
@example(pair=(_BOOLS, True))  # bool OP Python bool, y - x (Tensor.__rsub__) included, in every run
def test_operators_equal_the_methods_element_by_element(method, device, pair):
    """x OP y == x.method(y) == torch.method(x, y) == NumPy's result, for a same-shape tensor or a
    scalar y, and y OP x (the scalar on the left) == NumPy's (y / x: y * (1 / x)); / and div of
    integers or bools divide truly, into the default float dtype; - on bools raises in every form."""
    symbol, op, np_op = ARITH[method]
    x, y = pair
    u, u_source, y_ref = build(y, device)
    forms = spellings(method, "y", symbol=symbol, operand="x")
    # a scalar on the left: Python calls x.__r<op>__(y)
    reflected = {} if isinstance(u, torch.Tensor) else {f"y {symbol} x": lambda t, y: op(y, t)}
    with repro(f"x = {x.source(device)}\ny = {u_source}\n{', '.join([*forms, *reflected])}"):
        t = x.tensor(device)
        if method == "sub" and x.dtype == torch.bool:  # y is a bool tensor or a Python bool
            for call in [*forms.values(), *reflected.values()]:
                with pytest.raises(RuntimeError, match=r"Subtraction, the `-` operator, with two bool tensors is not "
                                                       r"supported"):
                    call(t, u)
            return
        true_division = method == "div" and not x.dtype.is_floating_point
        dtype = torch.get_default_dtype() if true_division else x.dtype
        by_method = getattr(t, method)(u)
        for expr, call in forms.items():
            out = call(t, u)
            assert_equal(out.dtype, dtype, expr=expr, name=f"({expr}).dtype")
            assert_values(out, by_method, expr=f"{expr} == x.{method}(y)", exact=True)
        expected = rounded(numpy_result(np_op, x.reference(), y_ref), dtype)
        assert_values(by_method, expected, expr=f"x.{method}(y) vs NumPy", exact=not dtype.is_floating_point)
        for expr, call in reflected.items():
            out = call(t, u)
            assert_equal(out.dtype, dtype, expr=expr, name=f"({expr}).dtype")
            expected = rounded(numpy_result(REFLECTED[method], x.reference(), y_ref), dtype)
            assert_values(out, expected, expr=f"{expr} vs NumPy", exact=not dtype.is_floating_point)


@pytest.mark.claim(CLAIM, "true_division")
def test_integer_true_division_is_float32_where_numpy_is_float64():
    """torch.tensor([16777217]) / 1 is float32 16777216.0 (2**24 + 1 rounded); NumPy's is float64 16777217.0."""
    for expr, call in spellings("div", "1", symbol="/", operand="x").items():
        out = call(torch.tensor([16777217]), 1)
        assert_equal(out.dtype, torch.float32, expr=expr, name=f"({expr}).dtype")
        assert_values(out, [16777216.0], expr=f"{expr}, x = torch.tensor([16777217])", exact=True)
    assert_equal((np.array([16777217]) / 1).tolist(), [16777217.0], expr="NumPy: float64",
                 name="np.array([16777217]) / 1")


@pytest.mark.claim(CLAIM, "bool_subtraction_refused")
@on_devices
def test_bool_minus_a_number_is_worded_differently(device):
    """bool tensor - 2 (x - 2, x.sub(2), torch.sub(x, 2), 2 - x) raises "... with a bool tensor is not
    supported", where NumPy's bool_array - 2 is int64."""
    mask = torch.tensor([True, False], device=device)
    forms = {**spellings("sub", "2", symbol="-", operand="mask"), "2 - mask": lambda t, y: y - t}
    for expr, call in forms.items():
        with repro(expr):
            with pytest.raises(RuntimeError, match=r"Subtraction, the `-` operator, with a bool tensor is not supported"):
                call(mask, 2)
    assert_equal((np.array([True, False]) - 2).dtype, np.dtype(np.int64), expr="NumPy bool - 2",
                 name="(np bool - 2).dtype")


# ---- low_precision_python_floats ------------------------------------------------------------------

LOW_PRECISION = [torch.float16, torch.bfloat16]

SCALED = {  # how it reads: (call on (x, s), NumPy reference on float32 values)
    "x * s": (lambda x, s: x * s, np.multiply),
    "s * x": (lambda x, s: s * x, np.multiply),
    "x.mul(s)": (lambda x, s: x.mul(s), np.multiply),
    "torch.mul(x, s)": (lambda x, s: torch.mul(x, s), np.multiply),
    "x / s": (lambda x, s: x / s, np.divide),
    "x.div(s)": (lambda x, s: x.div(s), np.divide),
    "torch.div(x, s)": (lambda x, s: torch.div(x, s), np.divide),
}


def _inexact_in(dtype: torch.dtype, s: float) -> bool:
    return torch.tensor(s, dtype=dtype).item() != s


@pytest.mark.claim(CLAIM, "low_precision_python_floats")
@pytest.mark.parametrize("form", SCALED)
@on_devices
@given(data=st.data())
@example(data=None)  # the report's 1.5 * 3.7 (and 1.5 / 3.7) in float16 and bfloat16, in every run
def test_low_precision_times_a_python_float_rounds_once(form, device, data):
    """x * s, s * x, x.mul(s), torch.mul(x, s), x / s, x.div(s), torch.div(x, s) for a float16/bfloat16
    x and a Python float s the dtype cannot hold: computed in float32 and rounded once, where NumPy
    would round s to float16 first."""
    call, np_op = SCALED[form]
    if data is None:
        cases = [(torch.tensor([1.5, -7.1, 1000.0], dtype=dtype, device=device), 3.7) for dtype in LOW_PRECISION]
    else:
        dtype = data.draw(st.sampled_from(LOW_PRECISION), label="dtype")
        x = data.draw(tensors_in_layouts(dtypes=[dtype]), label="x")
        s = data.draw(st.floats(-1e4, 1e4).filter(lambda v: abs(v) > 1e-3 and _inexact_in(torch.float16, v)
                                                  and _inexact_in(torch.bfloat16, v)), label="s")
        cases = [(x.tensor(device), s)]
    rounded_first = differs("low_precision_python_float_rounded_first")
    for t, s in cases:
        with repro(f"x = {t!r}\ns = {s!r}\n{form}"):
            out = call(t, s)
            assert_equal(out.dtype, t.dtype, expr=form, name=f"({form}).dtype")
            if rounded_first:  # s rounded to x's dtype first, then the operation in that dtype
                expected, how = call(t, torch.tensor(s, dtype=t.dtype, device=t.device)), "s rounded to x's dtype first"
            else:
                with np.errstate(all="ignore"):
                    in_float32 = np_op(t.cpu().float().numpy(), np.float32(s))
                expected, how = torch.from_numpy(np.asarray(in_float32, np.float32)).to(t.dtype), "computed in float32, rounded once"
            assert_values(out, expected, expr=f"{form} vs {how}", exact=True)


@pytest.mark.claim(CLAIM, "low_precision_python_floats")
def test_the_reports_float16_example(claim_fact):
    """float16 1.5 * 3.7: torch rounds once (5.55078125), NumPy rounds 3.7 to float16 first (5.546875)."""
    h = torch.tensor([1.5], dtype=torch.float16)
    torch_value = 5.546875 if differs("low_precision_python_float_rounded_first") else 5.55078125
    assert_values(h * 3.7, [torch_value], expr="float16 1.5 * 3.7", exact=True)
    assert_equal((h.numpy() * 3.7).item(), 5.546875, expr="h.numpy() * 3.7", name="NumPy float16 1.5 * 3.7")
    claim_fact("float16 1.5 * 3.7: torch / NumPy", f"{(h * 3.7).item()} / {(h.numpy() * 3.7).item()}")


# ---- reflected_division ---------------------------------------------------------------------------

@pytest.mark.claim(CLAIM, "reflected_division")
@on_devices
def test_a_scalar_on_the_left_divides_through_the_reciprocal(device, claim_fact):
    """7 / x is 7 * x.reciprocal() bit for bit (1 ulp off NumPy's 7 / x for some x, recorded); where
    1 / x overflows (a subnormal x) 0.0 / x is nan and 1.0 / x inf, where NumPy gives 0.0 and 1e45."""
    x = torch.randn(1000, generator=torch.Generator().manual_seed(0)).to(device)
    assert torch.equal(7 / x, 7 * x.reciprocal()), "7 / x should be 7 * x.reciprocal(), bit for bit"
    differ = int((7 / x != torch.from_numpy(7 / x.cpu().numpy()).to(device)).sum())
    claim_fact("7 / x vs NumPy, 1000 float32 standard normals: values that differ (by 1 ulp)", str(differ))
    tiny = torch.tensor([1e-45], device=device)
    assert_values(0.0 / tiny, [float("nan")], expr="0.0 / torch.tensor([1e-45])", exact=True)
    assert_values(1.0 / tiny, [float("inf")], expr="1.0 / torch.tensor([1e-45])", exact=True)
    assert_equal((0.0 / np.array([1e-45], np.float32)).tolist(), [0.0], expr="NumPy", name="NumPy 0.0 / 1e-45")


# ---- integers_wrap --------------------------------------------------------------------------------

@pytest.mark.claim(CLAIM, "integers_wrap")
@on_devices
def test_integer_results_and_out_of_range_python_ints_wrap(device):
    """int8 127 + 1 is -128 (as NumPy for arrays); uint8 [0, 1] + 1000 is uint8 [232, 233] in torch,
    where NumPy 2 raises OverflowError (NumPy 1: uint16 by value, the catalog's range)."""
    big = torch.tensor([127], dtype=torch.int8, device=device)
    assert_values(big + torch.ones(1, dtype=torch.int8, device=device), [-128], expr="int8 127 + int8 1", exact=True)
    small = torch.tensor([0, 1], dtype=torch.uint8, device=device)
    for expr, call in spellings("add", "1000", symbol="+", operand="small").items():
        out = call(small, 1000)
        assert_equal(out.dtype, torch.uint8, expr=expr, name=f"({expr}).dtype")
        assert_values(out, torch.tensor([232, 233], dtype=torch.uint8), expr=f"{expr}, small = uint8 [0, 1]",
                      exact=True)
    if differs("numpy1_python_ints_by_value"):
        out = np.array([0, 1], np.uint8) + 1000
        assert_equal((out.dtype, out.tolist()), (np.dtype(np.uint16), [1000, 1001]),
                     expr="np.array([0, 1], np.uint8) + 1000", name="NumPy 1 uint8 [0, 1] + 1000")
        return
    with pytest.raises(OverflowError, match="Python integer 1000 out of bounds for uint8"):
        np.array([0, 1], np.uint8) + 1000


# ---- wide_unsigned_add_refused, wide_unsigned_mul_div -----------------------------------------------

@pytest.mark.claim(CLAIM, "wide_unsigned_add_refused")
@pytest.mark.parametrize("dtype", WIDE_UNSIGNED, ids=str)
@on_devices
def test_wide_unsigned_tensors_do_not_add(dtype, device):
    """uint16/uint32/uint64 on the CPU: t + t, t - t, t.add(1), t.sub(1) raise NotImplementedError
    "add_stub" (a plain RuntimeError in the range missing_kernel_runtime_error)."""
    cpu_only(device)
    t = torch.tensor([1, 2], dtype=dtype, device=device)
    error = RuntimeError if differs("missing_kernel_runtime_error") else NotImplementedError
    for expr, call in {"t + t": lambda: t + t, "t - t": lambda: t - t, "t.add(1)": lambda: t.add(1),
                       "t.sub(1)": lambda: t.sub(1)}.items():
        raises_exactly(error, f'"add_stub" not implemented for \'{WIDE_UNSIGNED[dtype]}\'', call, expr)


@pytest.mark.claim(CLAIM, "wide_unsigned_mul_div")
@pytest.mark.parametrize("dtype", WIDE_UNSIGNED, ids=str)
@on_devices
def test_wide_unsigned_tensors_multiply_and_divide(dtype, device):
    """uint16/uint32/uint64 on the CPU: t * t keeps the dtype, t / 2 is float32, t * float32 is float32
    (in the first release with these dtypes, a RuntimeError)."""
    cpu_only(device)
    t = torch.tensor([1, 2], dtype=dtype, device=device)
    assert_equal((t * t).dtype, dtype, expr="t * t", name="(t * t).dtype")
    assert_values(t * t, [1, 4], expr="t * t", exact=True)
    assert_equal((t / 2).dtype, torch.float32, expr="t / 2", name="(t / 2).dtype")
    assert_values(t / 2, torch.tensor([0.5, 1.0]), expr="t / 2", exact=True)
    floats = torch.tensor([1.5, 2.0], device=device)
    if differs("wide_unsigned_first_release"):
        with pytest.raises(RuntimeError, match="Promotion for uint16, uint32, uint64 types is not supported"):
            t * floats
        return
    assert_equal((t * floats).dtype, torch.float32, expr="t * float32", name="(t * float32).dtype")
    assert_values(t * floats, [1.5, 4.0], expr="t * float32", exact=True)


# ---- complex_infinity_sum ---------------------------------------------------------------------------

@pytest.mark.claim(CLAIM, "complex_infinity_sum")
@on_devices
def test_complex_sum_with_an_infinity_has_a_nan_part(device):
    """Where NumPy gives (0+0j) + inf = inf+0j, torch gives inf+nanj (a + alpha*b with complex alpha);
    the same for a complex and an infinite complex operand: NumPy 0+infj, torch nan+infj."""
    zero = torch.zeros((), dtype=torch.complex64, device=device)
    for other, numpy_sum, torch_sum in ((torch.tensor(float("inf"), device=device), complex(np.inf, 0),
                                         complex(np.inf, np.nan)),
                                        (torch.tensor(complex(0, np.inf), device=device), complex(0, np.inf),
                                         complex(np.nan, np.inf))):
        with repro(f"torch.zeros((), dtype=torch.complex64) + torch.tensor({other.item()!r})"):
            assert_equal(np.complex64(0) + np.asarray(other.cpu()), numpy_sum, expr="NumPy 0j + other",
                         name="numpy sum")
            got = complex((zero + other).item())
            assert_equal(repr(got), repr(torch_sum), expr="0j + other", name="torch sum (nan as 'nan')")
