"""elementwise.dtype_mismatch: tensors of different dtypes do combine, by type promotion (MF).

``tensorspec.reference.promotion`` states the rule for mixed operands (tensors with dimensions, 0-d
tensors, Python scalars); NumPy 2's different rule (NEP 50) is compared row by row, and the
operations that do refuse mixed dtypes are listed with their messages.
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from tensorspec.claims.context import differs
from tensorspec.reference import promotion
from tensorspec.testing.assertions import assert_dtype, assert_equal, assert_values, repro
from tensorspec.testing.devices import on_devices
from tensorspec.testing.dtypes import NUMPY_OF_TORCH, torch_dtype
from tensorspec.testing.elementwise import WIDE_UNSIGNED, build
from tensorspec.testing.known_crashes import crashes_here
from tensorspec.testing.layouts import tensors_in_layouts
from tensorspec.testing.spellings import spellings
from tensorspec.testing.strategies import shapes

CLAIM = "elementwise.dtype_mismatch"

SCALARS = {  # a Python scalar of each category
    promotion.BOOL: st.booleans(),
    promotion.INTEGER: st.integers(-100, 100),
    promotion.FLOATING: st.floats(-100, 100, width=16),
    promotion.COMPLEX: st.complex_numbers(max_magnitude=100, width=64),
}


@st.composite
def mixed_operands(draw):
    """Two operands of any promotable dtypes, each a tensor with dimensions, a 0-d tensor or a Python
    scalar (at least one a tensor)."""
    kinds = draw(st.sampled_from([("dim", "dim"), ("dim", "0-d"), ("0-d", "dim"), ("0-d", "0-d"),
                                  ("dim", "scalar"), ("scalar", "dim"), ("0-d", "scalar")]), label="kinds")
    shape = draw(shapes(min_dims=1), label="shape")
    dtypes = [draw(st.sampled_from(promotion.PROMOTABLE), label="dtype") for _ in kinds]
    # No infinities where the sum is complex: torch computes a + alpha * b, and (1+0j) * (inf+0j) has
    # the imaginary part inf * 0 = nan (elementwise.arith_methods:complex_infinity_sum states it).
    complex_sum = any(promotion.category(d) == promotion.COMPLEX for d in dtypes)
    out = []
    for kind, dtype in zip(kinds, dtypes):
        category = promotion.category(dtype)
        if kind == "scalar":
            out.append(draw(SCALARS[category], label="scalar"))
        else:
            out.append(draw(tensors_in_layouts(dtypes=[dtype], shape=shape if kind == "dim" else (),
                                            special=not complex_sum), label=kind))
    return tuple(out)


def _bcomplex32(dtype: torch.dtype) -> bool:
    """Is ``dtype`` the experimental bcomplex32 (bfloat16 meeting a complex scalar, outside the range
    bfloat16_complex_is_complex64)?"""
    return not differs("bfloat16_complex_is_complex64") and dtype == getattr(torch, "bcomplex32")


@pytest.mark.claim(CLAIM, "combine_by_promotion")
@on_devices
@given(operands=mixed_operands())
def test_mixed_dtypes_combine_by_type_promotion(device, operands):
    """Operands of different dtypes combine: a + b, a.add(b), torch.add(a, b) and the same three of mul
    have the dtype of the stated rule (tensorspec.reference.promotion) = torch.result_type(a, b); the
    three sums are equal and hold NumPy's sum computed in it."""
    (a, a_source, a_ref), (b, b_source, b_ref) = (build(x, device) for x in operands)
    with repro(f"a = {a_source}\nb = {b_source}\na + b, torch.result_type(a, b)"):
        expected = promotion.result_dtype(a, b, bcomplex32=not differs("bfloat16_complex_is_complex64"))
        assert_equal(torch.result_type(a, b), expected, expr="torch.result_type(a, b)", name="torch.result_type(a, b)")
        if _bcomplex32(expected):
            return  # no CPU kernels for + and *: test_bfloat16_meeting_a_complex_scalar
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # complex32 ("ComplexHalf support is experimental")
            total = a + b
            is_tensor = isinstance(a, torch.Tensor)  # a Python scalar a has no methods
            for name, symbol in (("add", "+"), ("mul", "*")):
                for expr, call in spellings(name, "b", symbol=symbol, operand="a", method=is_tensor).items():
                    if crashes_here(name, expr, a, b):  # torch 2.1.0/2.1.1: broadcasting.rules empty_numpy_operand
                        continue
                    out = call(a, b)
                    assert_equal(out.dtype, expected, expr=expr, name=f"({expr}).dtype")
                    if name == "add":
                        assert_values(out, total, expr=f"{expr} == a + b", exact=True)
        if expected in NUMPY_OF_TORCH:  # NumPy has neither bfloat16 nor complex32
            np_dtype = NUMPY_OF_TORCH[expected]
            with np.errstate(all="ignore"):
                reference = np.asarray(a_ref).astype(np_dtype) + np.asarray(b_ref).astype(np_dtype)
            assert_values(total, reference, expr="a + b vs NumPy in the promoted dtype")


@pytest.mark.claim(CLAIM, "bfloat16_meets_complex")
@on_devices
def test_bfloat16_meeting_a_complex_scalar(device):
    """bfloat16 + 1j and bfloat16 * 0-d complex64: complex64 values in the range
    bfloat16_complex_is_complex64; otherwise the experimental bcomplex32, with no CPU kernel for add and mul."""
    x = torch.tensor([1.5, -2.0], dtype=torch.bfloat16, device=device)
    one_j = torch.tensor(1j, dtype=torch.complex64, device=device)
    forms = {  # how it reads: (call, other operand, the complex64 values in the range)
        **{expr: (call, 1j, [1.5 + 1j, -2 + 1j]) for expr, call in spellings("add", "1j", symbol="+", operand="x").items()},
        **{expr: (call, one_j, [1.5j, -2j]) for expr, call in spellings("mul", "z", symbol="*", operand="x").items()},
    }
    if differs("bfloat16_complex_is_complex64"):
        assert_equal(torch.result_type(x, 1j), torch.complex64, expr="bfloat16 + 1j", name="torch.result_type(x, 1j)")
        for expr, (call, other, want) in forms.items():
            with repro(f"x = torch.tensor([1.5, -2.0], dtype=torch.bfloat16); z = torch.tensor(1j); {expr}"):
                out = call(x, other)
                assert_equal(out.dtype, torch.complex64, expr=expr, name=f"({expr}).dtype")
                assert_values(out, torch.tensor(want, dtype=torch.complex64), expr=expr, exact=True, zero_sign=False)
        return
    assert_equal(torch.result_type(x, 1j), torch.bcomplex32, expr="bfloat16 + 1j", name="torch.result_type(x, 1j)")
    if torch.device(device).type != "cpu":
        return  # the statement names the CPU kernels
    for expr, (call, other, _) in forms.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "BComplex32 support is experimental"
            with pytest.raises(NotImplementedError, match="not implemented for 'BComplex32'"):
                call(x, other)


def ones_on(device):
    """``ones(dtype_name, shape=(2,))`` on ``device``: the operands of the tables below."""
    return lambda dtype, shape=(2,): torch.ones(shape, dtype=torch_dtype(dtype), device=device)


VS_NUMPY = [  # (operand a, operand b, torch's dtype of a + b, NumPy 2's dtype or exception, NumPy 1's; None: no NumPy)
    # an operand: "int64" is a (2,) tensor/array, "0-d int64" a 0-d one, a Python scalar is itself
    ("int64", 1.5, "float32", "float64", "float64"),
    ("uint8", "int8", "int16", "int16", "int16"),
    ("int64", "float16", "float16", "float64", "float64"),
    ("int16", "float16", "float16", "float32", "float32"),
    ("int32", "float32", "float32", "float64", "float64"),
    ("float32", "0-d float64", "float32", "float64", "float32"),
    ("int8", "0-d int64", "int8", "int64", "int8"),
    ("bool", 1, "int64", "int64", "int64"),
    ("uint8", 1000, "uint8", OverflowError, "uint16"),  # torch wraps around
    ("float16", 1j, "complex32", "complex64", "complex64"),
    ("bfloat16", "float16", "float32", None, None),
]


def _operand(spec, ones):
    if not isinstance(spec, str):
        return spec
    zero_dim = spec.startswith("0-d ")
    return ones(spec.removeprefix("0-d "), () if zero_dim else (2,))


@pytest.mark.claim(CLAIM, "worked_examples", "numpy_2_differs")
@pytest.mark.parametrize("a,b,torch_dtype,numpy2,numpy1", VS_NUMPY, ids=[f"{a} + {b}" for a, b, *_ in VS_NUMPY])
@on_devices
def test_promotion_compared_with_numpy(a, b, torch_dtype, numpy2, numpy1, device):
    """Where torch's promotion and NumPy's differ, and where they agree: torch keeps the tensor's float
    dtype, a 0-d tensor does not widen a dimensioned one, an int tensor with a float scalar gives the
    default dtype; NumPy 2 (NEP 50) widens in all three (NumPy 1: by value, the catalog's range)."""
    x, y = (_operand(spec, ones_on(device)) for spec in (a, b))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # complex32 is experimental
        assert_dtype(x + y, getattr(torch, torch_dtype), expr=f"{a} + {b}", name="(a + b).dtype")
    assert_equal(promotion.result_dtype(x, y, bcomplex32=not differs("bfloat16_complex_is_complex64")),
                 getattr(torch, torch_dtype), expr=f"{a} + {b}", name="promotion.result_dtype(a, b)")
    numpy_dtype = numpy1 if differs("numpy1_promotes_by_value") else numpy2
    if numpy_dtype is None:
        return  # NumPy has no bfloat16
    x, y = (_operand(spec, lambda dtype, shape: np.ones(shape, dtype)) for spec in (a, b))
    if isinstance(numpy_dtype, str):
        assert_dtype(x + y, np.dtype(numpy_dtype), expr=f"{a} + {b}", name="NumPy (a + b).dtype")
    else:
        with pytest.raises(numpy_dtype):
            x + y


MATRIX_REFUSALS = {  # statement: (in a range of older words?, [(operation, call on a factory of ones)])
    "mm_refuses": (lambda: differs("mm_says_expected_scalar_type"), [
        ("torch.mm(float32, float64)", lambda ones: torch.mm(ones("float32", (2, 2)), ones("float64", (2, 2)))),
        ("float32 matrix @ float64 matrix", lambda ones: ones("float32", (2, 2)) @ ones("float64", (2, 2))),
        ("float32 vector @ float64 matrix", lambda ones: ones("float32") @ ones("float64", (2, 2))),
        ("F.linear(float64 input, float32 weight)",
         lambda ones: torch.nn.functional.linear(ones("float64", (1, 2)), ones("float32", (2, 2)))),
    ]),
    "dot_refuses": (lambda: False, [
        ("torch.matmul(float32 vector, float64 vector)", lambda ones: torch.matmul(ones("float32"), ones("float64"))),
        ("float32 vector @ float64 vector", lambda ones: ones("float32") @ ones("float64")),
        ("torch.dot(float32, int64)", lambda ones: torch.dot(ones("float32"), ones("int64"))),
    ]),
    "mv_refuses": (lambda: differs("matrix_products_say_expected_scalar_type"), [
        ("torch.mv(float32, float64)", lambda ones: torch.mv(ones("float32", (2, 2)), ones("float64"))),
        ("float32 matrix @ float64 vector", lambda ones: ones("float32", (2, 2)) @ ones("float64")),
    ]),
    "bmm_refuses": (lambda: False, [
        ("torch.bmm(float32, float64)", lambda ones: torch.bmm(ones("float32", (1, 2, 2)), ones("float64", (1, 2, 2)))),
        ("float32 batch @ float64 batch", lambda ones: ones("float32", (1, 2, 2)) @ ones("float64", (1, 2, 2))),
    ]),
}
MESSAGES = {  # statement: torch's words (in the range of older words: "expected scalar type Float but found Double")
    "mm_refuses": "expected m1 and m2 to have the same dtype",
    "dot_refuses": "dot : expected both vectors to have same dtype",
    "mv_refuses": "addmv input tensors must have the same dtype",
    "bmm_refuses": "expected scalar type Float but found Double",
}


@pytest.mark.claim(CLAIM, *MATRIX_REFUSALS)
@pytest.mark.parametrize("statement", MATRIX_REFUSALS)
@on_devices
def test_matrix_products_refuse_mixed_dtypes(statement, device):
    """mm, F.linear and matmul with a 2-D right operand, dot and 1-D @ 1-D, mv and 2-D @ 1-D, bmm and
    3-D @ 3-D raise RuntimeError for mixed dtypes, each with its own words (older words in the ranges)."""
    older_words, cases = MATRIX_REFUSALS[statement]
    for operation, call in cases:
        message = MESSAGES[statement]
        if older_words():  # the older words name the first operand's type first: F.linear's is the input
            message = ("expected scalar type Double but found Float" if operation.startswith("F.linear(float64")
                       else "expected scalar type Float but found Double")
        with repro(operation):
            with pytest.raises(RuntimeError, match=message):
                call(ones_on(device))


LOWER_CATEGORY = [  # (operation, call on a factory of ones, regex of torch's message)
    ("int64.add_(float32) in place", lambda ones: ones("int64").add_(ones("float32")),
     "result type Float can't be cast to the desired output type Long"),
    ("bool.mul_(int64) in place", lambda ones: ones("bool").mul_(ones("int64")),
     "result type Long can't be cast to the desired output type Bool"),
    ("torch.add(int64, float32, out=int64)", lambda ones: torch.add(ones("int64"), ones("float32"), out=ones("int64")),
     "result type Float can't be cast to the desired output type Long"),
]


@pytest.mark.claim(CLAIM, "lower_category_output_refused")
@pytest.mark.parametrize("operation,call,message", LOWER_CATEGORY, ids=[row[0] for row in LOWER_CATEGORY])
@on_devices
def test_in_place_and_out_into_a_lower_category_refuse(operation, call, message, device):
    """In-place ops and out= into a lower category raise RuntimeError instead of promoting."""
    with pytest.raises(RuntimeError, match=message):
        call(ones_on(device))


@pytest.mark.claim(CLAIM, "wide_unsigned_refuse_integers")
@pytest.mark.parametrize("dtype", WIDE_UNSIGNED, ids=str)
@on_devices
def test_wide_unsigned_tensors_promote_with_no_integer(dtype, device):
    """uint16/uint32/uint64 with bool, uint8 or int64 (on either side, * and +) raise RuntimeError
    "Promotion for uint16, uint32, uint64 types is not supported"."""
    t = torch.ones(2, dtype=dtype, device=device)
    for other in (torch.bool, torch.uint8, torch.int64):
        u = torch.ones(2, dtype=other, device=device)
        for expr, call in {f"{dtype} * {other}": lambda: t * u, f"{other} + {dtype}": lambda: u + t}.items():
            with repro(expr):
                with pytest.raises(RuntimeError, match="Promotion for uint16, uint32, uint64 types is not supported"):
                    call()


ACCEPT = [  # (operation, call on a factory of ones, dtype of the result)
    ("int32 == float32", lambda ones: ones("int32") == ones("float32"), torch.bool),
    ("torch.cat([int64, float32])", lambda ones: torch.cat([ones("int64"), ones("float32")]), torch.float32),
    ("torch.where(mask, int64, float32)", lambda ones: torch.where(ones("bool"), ones("int64"), ones("float32")),
     torch.float32),
    ("torch.maximum(uint8, int8)", lambda ones: torch.maximum(ones("uint8"), ones("int8")), torch.int16),
    ("float32.add_(float64): in place into a narrower float", lambda ones: ones("float32").add_(ones("float64")),
     torch.float32),
    ("uint8.add_(int64): in place into a narrower integer", lambda ones: ones("uint8").add_(ones("int64")), torch.uint8),
    ("int64.copy_(float32): copy_ casts", lambda ones: ones("int64").copy_(ones("float32")), torch.int64),
]


@pytest.mark.claim(CLAIM, "other_ops_accept")
@pytest.mark.parametrize("operation,call,dtype", ACCEPT, ids=[row[0] for row in ACCEPT])
@on_devices
def test_other_operations_accept_mixed_dtypes(operation, call, dtype, device):
    """Comparisons, cat, where, maximum, in-place ops into a narrower dtype of the same category and
    copy_ all take mixed dtypes."""
    assert_dtype(call(ones_on(device)), dtype, expr=operation, name="result dtype")
