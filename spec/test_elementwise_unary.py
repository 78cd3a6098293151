"""elementwise.unary: abs, neg and sqrt element by element, against their operators and NumPy (DL12).

Operands are tensor recipes (``tensorspec.testing.layouts``) of every real dtype incl. bfloat16;
complex and (on the CPU) uint16/32/64 tensors separately.
"""
from __future__ import annotations

import operator

import numpy as np
import pytest
import torch
from hypothesis import example, given

from tensorspec.claims.context import differs
from tensorspec.testing.assertions import assert_dtype, assert_equal, assert_shape, assert_values, repro
from tensorspec.testing.devices import on_devices
from tensorspec.testing.dtypes import NUMPY_OF_TORCH
from tensorspec.testing.elementwise import WIDE_UNSIGNED, cpu_only, half_on_cpu, raises_exactly, rounded
from tensorspec.testing.kernels import MISSING, call_unless_missing
from tensorspec.testing.layouts import TensorRecipe, tensors_in_layouts

CLAIM = "elementwise.unary"

UNARY = {  # method: (Python operator or None, NumPy reference)
    "abs": (operator.abs, np.abs),
    "neg": (operator.neg, np.negative),
    "sqrt": (None, np.sqrt),
}
BOOL_ERRORS = {  # method: message on a bool tensor
    "abs": "not implemented for 'Bool'",
    "neg": r"Negation, the `-` operator, on a bool tensor is not supported",
}

_INT8_MIN = TensorRecipe(np.array([-128, 5, -3], np.int8), torch.int8, "contiguous")
_UINT8 = TensorRecipe(np.array([0, 1, 255], np.uint8), torch.uint8, "contiguous")
_NEGATIVE_INTS = TensorRecipe(np.array([-4, 9], np.int64), torch.int64, "contiguous")
_BOOLS = TensorRecipe(np.array([True, False]), torch.bool, "contiguous")


@pytest.mark.claim(CLAIM, "functions_equal_methods", "abs_neg_keep_the_dtype", "sqrt_of_integers")
@pytest.mark.parametrize("method", UNARY)
@on_devices
@given(x=tensors_in_layouts())
@example(x=_INT8_MIN)  # abs(-128) wraps, in every run
@example(x=_UINT8)  # -uint8 wraps
@example(x=_NEGATIVE_INTS)  # sqrt of negative integers: NaN
def test_unary_functions_act_element_by_element(method, device, x):
    """t.method() == torch.method(t) (== the operator) == NumPy element by element, same shape; abs
    and neg keep the dtype (integers wrap: abs(int8 -128) = -128), sqrt of integers and bools gives
    the default float dtype and NaN for negatives."""
    op, np_op = UNARY[method]
    if x.dtype == torch.bool and method in BOOL_ERRORS:
        return  # test_abs_and_neg_refuse_bool_tensors
    with repro(f"t = {x.source(device)}\nt.{method}()"):
        t = x.tensor(device)
        gap = method == "sqrt" and half_on_cpu(t) and differs("sqrt_half_cpu_missing")
        out = call_unless_missing(gap, t.dtype, getattr(t, method))
        if out is MISSING:
            return
        promoted = method == "sqrt" and not x.dtype.is_floating_point
        dtype = torch.get_default_dtype() if promoted else x.dtype
        assert_dtype(out, dtype, expr=f"t.{method}()", name=f"t.{method}().dtype")
        assert_shape(out, x.shape, expr=f"t.{method}()", name=f"t.{method}().shape")
        assert_values(getattr(torch, method)(t), out, expr=f"torch.{method}(t) == t.{method}()", exact=True)
        if op is not None:
            assert_values(op(t), out, expr=f"{op.__name__}(t) == t.{method}()", exact=True)
        values = x.reference().astype(np.float64) if promoted else x.reference()
        if promoted:  # NumPy picks the float by the integer's width (torch: the default dtype)
            np_dtype = np.sqrt(np.zeros(0, x.reference().dtype)).dtype
            want = {1: np.float16, 2: np.float32}.get(x.reference().dtype.itemsize, np.float64)
            assert_equal(np_dtype, np.dtype(want), expr=f"np.sqrt of {x.reference().dtype}", name="np.sqrt(a).dtype")
        with np.errstate(all="ignore"):
            expected = rounded(np_op(values), dtype)
        assert_values(out, expected, expr=f"t.{method}() vs NumPy", exact=not dtype.is_floating_point)


@pytest.mark.claim(CLAIM, "bool_abs_refused", "bool_neg_refused")
@pytest.mark.parametrize("method", BOOL_ERRORS)
@on_devices
@given(x=tensors_in_layouts(dtypes=[torch.bool]))
@example(x=_BOOLS)
def test_abs_and_neg_refuse_bool_tensors(method, device, x):
    """abs(t), t.abs(), torch.abs(t) and -t, t.neg(), torch.neg(t) of a bool tensor raise
    NotImplementedError (a plain RuntimeError in the catalog's ranges); NumPy's abs accepts bools."""
    message = BOOL_ERRORS[method]
    plain = differs("abs_bool_runtime_error") if method == "abs" else differs("neg_bool_runtime_error")
    error = RuntimeError if plain else NotImplementedError
    op = UNARY[method][0]
    with repro(f"t = {x.source(device)}\nt.{method}()"):
        t = x.tensor(device)
        forms = {f"t.{method}()": getattr(t, method), f"torch.{method}(t)": lambda: getattr(torch, method)(t),
                 f"{op.__name__}(t)": lambda: op(t)}
        for expr, call in forms.items():
            raises_exactly(error, message, call, expr)
    if method == "abs":
        assert_equal(np.abs(np.array([True, False])).tolist(), [True, False], expr="np.abs", name="np.abs(bools)")


@pytest.mark.claim(CLAIM, "complex_abs_is_real", "wide_unsigned_cpu")
@pytest.mark.parametrize("dtype", [torch.complex64, torch.complex128, *WIDE_UNSIGNED], ids=str)
@on_devices
def test_unary_functions_beyond_the_real_dtypes(dtype, device):
    """abs of a complex tensor is real (complex64 -> float32), as np.abs; neg keeps the complex dtype.
    On the CPU uint16/32/64 have no abs or neg kernel (NotImplementedError), but sqrt works (float32)."""
    if dtype.is_complex:
        t = torch.tensor([3 + 4j, -1j], dtype=dtype, device=device)
        real = torch.float32 if dtype == torch.complex64 else torch.float64
        for expr, call in {"t.abs()": t.abs, "torch.abs(t)": lambda: torch.abs(t), "abs(t)": lambda: abs(t)}.items():
            assert_equal(call().dtype, real, expr=expr, name=f"({expr}).dtype")
            assert_values(call(), [5.0, 1.0], expr=expr, exact=True)
        assert_equal(np.abs(t.cpu().numpy()).dtype, NUMPY_OF_TORCH[real], expr="np.abs(a)", name="np.abs(a).dtype")
        assert_equal(t.neg().dtype, dtype, expr="t.neg()", name="t.neg().dtype")
        assert_values(t.neg(), [-3 - 4j, 1j], expr="t.neg()", exact=True, zero_sign=False)
        return
    cpu_only(device)
    t = torch.tensor([1, 4], dtype=dtype, device=device)
    error = RuntimeError if differs("unary_missing_kernel_runtime_error") else NotImplementedError
    for method in ("abs", "neg"):
        raises_exactly(error, f'"{method}_cpu" not implemented for \'{WIDE_UNSIGNED[dtype]}\'',
                       getattr(t, method), f"t.{method}()")
    assert_equal(t.sqrt().dtype, torch.float32, expr="t.sqrt()", name="t.sqrt().dtype")
    assert_values(t.sqrt(), torch.tensor([1.0, 2.0]), expr="t.sqrt()", exact=True)
