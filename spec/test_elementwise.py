"""elementwise: arithmetic and comparison operators against their methods, unary functions, mul
against matmul, in-place ``_`` methods, slice assignment, and operations on mixed dtypes (DL12, BZ,
CH2.4, MF).

Operands are strided recipes (``tensorspec.testing.layouts``) of every real dtype incl. bfloat16, or
Python scalars the dtype holds exactly; NumPy on the same values is the reference, and
``tensorspec.reference.promotion`` states the dtype rule for mixed operands.
"""
from __future__ import annotations

import operator
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from tensorspec.claims.context import differs
from tensorspec.reference import promotion
from tensorspec.testing.assertions import assert_dtype, assert_equal, assert_shape, assert_values, repro
from tensorspec.testing.devices import on_devices
from tensorspec.testing.kernels import MISSING, call_unless_missing
from tensorspec.testing.shape_strategies import matmul_shapes
from tensorspec.testing import dtypes as D
from tensorspec.testing.dtypes import NUMPY_OF_TORCH, TORCH_FLOAT, torch_dtype
from tensorspec.testing.spellings import OPERATORS, spellings
from tensorspec.testing.strategies import shapes
from tensorspec.testing.layouts import (WRITABLE_LAYOUTS, has_internal_overlap,
                                       same_kind_scalars, strided_tensors)

NUMPY2 = np.lib.NumpyVersion(np.__version__) >= "2.0.0"


def numpy_result(np_op, *operands) -> np.ndarray:
    """NumPy's answer on the same values, every operand cast to the first one's dtype first."""
    first = operands[0]
    with np.errstate(all="ignore"):
        return np_op(*(np.asarray(x, dtype=first.dtype) for x in operands))


def rounded(expected, dtype: torch.dtype):
    """A NumPy reference rounded to a float ``dtype``, overflowing to inf as a tensor of it does."""
    if not dtype.is_floating_point:
        return expected
    return torch.from_numpy(np.array(expected, dtype=np.float64)).to(dtype)


@st.composite
def operand_pairs(draw):
    """(x, y): a tensor recipe and a same-shape, same-dtype recipe or a Python scalar it holds exactly."""
    x = draw(strided_tensors(), label="x")
    if draw(st.booleans(), label="y is a scalar"):
        return x, draw(same_kind_scalars(x.dtype), label="y")
    return x, draw(strided_tensors(dtypes=[x.dtype], shape=x.shape), label="y")


def build(y, device):
    """(operand, its source, its reference values): a recipe's tensor on ``device``, or a scalar itself."""
    if isinstance(y, (bool, int, float, complex)):
        return y, repr(y), y
    return y.tensor(device), y.source(device), y.reference()


# ---- elementwise.arith_methods ------------------------------------------------------------------

ARITH = {  # method: (operator symbol, operator, NumPy reference)
    "add": ("+", operator.add, np.add),
    "sub": ("-", operator.sub, np.subtract),
    "mul": ("*", operator.mul, np.multiply),
    "div": ("/", operator.truediv, np.true_divide),
}


# y OP x with a Python scalar y on the left (Tensor.__radd__, ...): NumPy's result, but torch divides as
# y * x.reciprocal(), so where 1 / x overflows (a subnormal x) y / x is inf or nan (0.0 / 1e-45 is nan).
REFLECTED = {"add": lambda x, y: y + x, "sub": lambda x, y: y - x, "mul": lambda x, y: y * x,
             "div": lambda x, y: y * (1 / x)}


@pytest.mark.claim("elementwise.arith_methods")
@pytest.mark.parametrize("method", ARITH)
@on_devices
@given(pair=operand_pairs())
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
        if method == "sub" and x.dtype == torch.bool:
            for call in [*forms.values(), *reflected.values()]:
                with pytest.raises(RuntimeError, match=r"Subtraction, the `-` operator, with .*bool"):
                    call(t, u)
            return
        true_division = method == "div" and not x.dtype.is_floating_point
        dtype = torch.get_default_dtype() if true_division else x.dtype
        by_method = getattr(t, method)(u)
        for expr, call in forms.items():
            out = call(t, u)
            assert_equal(f"({expr}).dtype", out.dtype, dtype, expr=expr)
            assert_values(out, by_method, f"{expr} == x.{method}(y)", exact=True)
        expected = rounded(numpy_result(np_op, x.reference(), y_ref), dtype)
        assert_values(by_method, expected, f"x.{method}(y) vs NumPy", exact=not dtype.is_floating_point)
        for expr, call in reflected.items():
            out = call(t, u)
            assert_equal(f"({expr}).dtype", out.dtype, dtype, expr=expr)
            expected = rounded(numpy_result(REFLECTED[method], x.reference(), y_ref), dtype)
            assert_values(out, expected, f"{expr} vs NumPy", exact=not dtype.is_floating_point)


WIDE_UNSIGNED = dict(zip(D.available("uint16", "uint32", "uint64"), ("UInt16", "UInt32", "UInt64")))  # name in messages


def missing_kernel_error() -> type:
    """The class of a missing-kernel error ('"add_stub" not implemented for 'UInt16''): NotImplementedError,
    a plain RuntimeError in the catalog's range ``missing_kernel_runtime_error``."""
    return RuntimeError if differs("missing_kernel_runtime_error") else NotImplementedError


def cpu_only(device):
    if torch.device(device).type != "cpu":
        pytest.skip("the truth states the CPU kernels of uint16/uint32/uint64; other devices are not stated")


@pytest.mark.claim("elementwise.arith_methods", "elementwise.dtype_mismatch")
@pytest.mark.parametrize("dtype", WIDE_UNSIGNED, ids=str)
@on_devices
def test_wide_unsigned_tensors_multiply_and_divide_but_do_not_add(dtype, device):
    """uint16/uint32/uint64 on the CPU: + and - (add/sub, with a tensor or a Python int) raise
    NotImplementedError "add_stub"; * keeps the dtype, / gives float32; with bool or another integer
    dtype they do not promote at all (RuntimeError), with a float they do."""
    cpu_only(device)
    t = torch.tensor([1, 2], dtype=dtype, device=device)
    for call in (lambda: t + t, lambda: t - t, lambda: t.add(1), lambda: t.sub(1)):
        with pytest.raises(missing_kernel_error(), match=f'"add_stub" not implemented for \'{WIDE_UNSIGNED[dtype]}\''):
            call()
    assert_equal("(t * t).dtype", (t * t).dtype, dtype, expr="t * t")
    assert_values(t * t, [1, 4], "t * t", exact=True)
    assert_values(t / 2, torch.tensor([0.5, 1.0]), "t / 2", exact=True)
    for other in (torch.bool, torch.uint8, torch.int64):
        with pytest.raises(RuntimeError, match="Promotion for uint16, uint32, uint64 types is not supported"):
            t * torch.ones(2, dtype=other, device=device)
    if differs("wide_unsigned_first_release"):
        with pytest.raises(RuntimeError, match="Promotion for uint16, uint32, uint64 types is not supported"):
            t * torch.ones(2, device=device)
        return
    assert_equal("(t * float32).dtype", (t * torch.ones(2, device=device)).dtype, torch.float32, expr="t * float32")


@pytest.mark.claim("elementwise.arith_methods")
@on_devices
def test_bool_minus_a_number_and_out_of_range_python_ints(device):
    """bool tensor - 2 raises, worded differently from bool - bool (NumPy gives int64); a Python int
    outside an integer tensor's range wraps in torch, where NumPy 2 raises OverflowError."""
    mask = torch.tensor([True, False], device=device)
    for call in (lambda: mask - 2, lambda: mask.sub(2), lambda: 2 - mask):
        with pytest.raises(RuntimeError, match=r"Subtraction, the `-` operator, with a bool tensor is not supported"):
            call()
    assert_equal("(np bool - 2).dtype", (np.array([True, False]) - 2).dtype, np.dtype(np.int64), expr="NumPy bool - 2")
    small = torch.tensor([0, 1], dtype=torch.uint8, device=device)
    assert_values(small + 1000, torch.tensor([232, 233], dtype=torch.uint8), "uint8 [0, 1] + 1000", exact=True)
    assert_equal("(small + 1000).dtype", (small + 1000).dtype, torch.uint8, expr="uint8 [0, 1] + 1000")
    if NUMPY2:
        with pytest.raises(OverflowError, match="Python integer 1000 out of bounds for uint8"):
            np.array([0, 1], np.uint8) + 1000


# ---- elementwise.comparisons --------------------------------------------------------------------

COMPARISONS = {  # method: (operator symbol, operator, NumPy reference)
    "eq": ("==", operator.eq, np.equal),
    "ne": ("!=", operator.ne, np.not_equal),
    "ge": (">=", operator.ge, np.greater_equal),
    "gt": (">", operator.gt, np.greater),
    "lt": ("<", operator.lt, np.less),
    "le": ("<=", operator.le, np.less_equal),
}


@pytest.mark.claim("elementwise.comparisons")
@pytest.mark.parametrize("method", COMPARISONS)
@on_devices
@given(pair=operand_pairs())
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
            assert_equal(f"({what}).dtype", out.dtype, torch.bool, expr=what)
            assert_equal(f"({what}).shape", tuple(out.shape), x.shape, expr=what)
            assert_values(out, expected, f"{what} vs NumPy", exact=True)


UNORDERED = {  # dtype: (two values, the dtype's name in torch's message)
    torch.complex64: ((1 + 2j, 2 - 1j), "ComplexFloat"),
    **{dtype: ((1, 2), name) for dtype, name in WIDE_UNSIGNED.items()},  # on the CPU
}


@pytest.mark.claim("elementwise.comparisons")
@pytest.mark.parametrize("method", ["ge", "gt", "lt", "le"])
@pytest.mark.parametrize("dtype", UNORDERED, ids=str)
@on_devices
def test_complex_tensors_have_no_order(method, dtype, device):
    """eq/ne work on complex tensors (and, on the CPU, uint16/32/64 ones), giving the broadcast shape;
    the ordering comparisons raise NotImplementedError; NumPy orders complex numbers (by real part
    first) and wide unsigned integers."""
    if not dtype.is_complex:
        cpu_only(device)
    _, op, np_op = COMPARISONS[method]
    (u, v), name = UNORDERED[dtype]
    z, w = torch.tensor([u], dtype=dtype, device=device), torch.tensor([[v], [u]], dtype=dtype, device=device)
    assert_values(z.eq(w), [[False], [True]], "z.eq(w), shapes (1,) and (2, 1)", exact=True)
    assert_values(z.ne(w), [[True], [False]], "z.ne(w), shapes (1,) and (2, 1)", exact=True)
    error = RuntimeError if differs("complex_order_runtime_error") else NotImplementedError
    with pytest.raises(error, match=f"not implemented for '{name}'") as raised:
        getattr(z, method)(w)
    assert type(raised.value) is error, f"z.{method}(w) raised {type(raised.value).__name__}, not {error.__name__}"
    np_dtype = np.dtype(str(dtype).removeprefix("torch.")).type
    assert_equal(f"np.{np_op.__name__}({u}, {v})", bool(np_op(np.array(u, np_dtype), np.array(v, np_dtype))), op(1, 2),
                 expr=f"NumPy on {np_dtype.__name__}")


# ---- elementwise.unary --------------------------------------------------------------------------

def half_on_cpu(t: torch.Tensor) -> bool:
    """A float16 CPU tensor: some releases lack CPU kernels for it (the catalog's ranges say which)."""
    return t.dtype == torch.float16 and t.device.type == "cpu"


UNARY = {  # method: (Python operator or None, NumPy reference)
    "abs": (operator.abs, np.abs),
    "neg": (operator.neg, np.negative),
    "sqrt": (None, np.sqrt),
}
BOOL_ERRORS = {  # method: (exception, message) on a bool tensor
    "abs": (NotImplementedError, "not implemented for 'Bool'"),
    "neg": (NotImplementedError, r"Negation, the `-` operator, on a bool tensor is not supported"),
}


@pytest.mark.claim("elementwise.unary")
@pytest.mark.parametrize("method", UNARY)
@on_devices
@given(data=st.data())
def test_unary_functions_act_element_by_element(method, device, data):
    """t.method() == torch.method(t) (== the operator) == NumPy element by element, same shape; abs
    and neg keep the dtype (integers wrap: abs(int8 -128) = -128), sqrt of integers and bools gives
    the default float dtype and NaN for negatives; abs and neg of a bool tensor raise."""
    op, np_op = UNARY[method]
    x = data.draw(strided_tensors(), label="t")
    with repro(f"t = {x.source(device)}\nt.{method}()"):
        t = x.tensor(device)
        if x.dtype == torch.bool and method in BOOL_ERRORS:
            error, message = BOOL_ERRORS[method]
            if method == "abs" and differs("abs_bool_runtime_error"):
                error = RuntimeError
            if method == "neg" and differs("neg_bool_runtime_error"):
                error = RuntimeError
            for call in (getattr(t, method), lambda: getattr(torch, method)(t)):
                with pytest.raises(error, match=message) as raised:
                    call()
                assert type(raised.value) is error, f"t.{method}() raised {type(raised.value).__name__}"
            return
        gap = method == "sqrt" and half_on_cpu(t) and differs("sqrt_half_cpu_missing")
        out = call_unless_missing(gap, t.dtype, getattr(t, method))
        if out is MISSING:
            return
        promoted = method == "sqrt" and not x.dtype.is_floating_point
        dtype = torch.get_default_dtype() if promoted else x.dtype
        assert_dtype(out, dtype, expr=f"t.{method}()", name=f"t.{method}().dtype")
        assert_shape(out, x.shape, expr=f"t.{method}()", name=f"t.{method}().shape")
        assert_values(getattr(torch, method)(t), out, f"torch.{method}(t) == t.{method}()", exact=True)
        if op is not None:
            assert_values(op(t), out, f"{op.__name__}(t) == t.{method}()", exact=True)
        values = x.reference().astype(np.float64) if promoted else x.reference()
        if promoted:  # NumPy picks the float by the integer's width (torch: the default dtype)
            np_dtype = np.sqrt(np.zeros(0, x.reference().dtype)).dtype
            want = {1: np.float16, 2: np.float32}.get(x.reference().dtype.itemsize, np.float64)
            assert_equal("np.sqrt(a).dtype", np_dtype, np.dtype(want), expr=f"np.sqrt of {x.reference().dtype}")
        with np.errstate(all="ignore"):
            expected = rounded(np_op(values), dtype)
        assert_values(out, expected, f"t.{method}() vs NumPy", exact=not dtype.is_floating_point)


@pytest.mark.claim("elementwise.unary")
@pytest.mark.parametrize("dtype", [torch.complex64, torch.complex128, *WIDE_UNSIGNED], ids=str)
@on_devices
def test_unary_functions_beyond_the_real_dtypes(dtype, device):
    """abs of a complex tensor is real (complex64 -> float32), as np.abs; neg keeps the complex dtype.
    On the CPU uint16/32/64 have no abs or neg kernel (NotImplementedError), but sqrt works (float32)."""
    if dtype.is_complex:
        t = torch.tensor([3 + 4j, -1j], dtype=dtype, device=device)
        real = torch.float32 if dtype == torch.complex64 else torch.float64
        assert_equal("t.abs().dtype", t.abs().dtype, real, expr="t.abs()")
        assert_equal("np.abs(a).dtype", np.abs(t.cpu().numpy()).dtype, NUMPY_OF_TORCH[real], expr="np.abs(a)")
        assert_values(t.abs(), [5.0, 1.0], "t.abs()", exact=True)
        assert_equal("t.neg().dtype", t.neg().dtype, dtype, expr="t.neg()")
        return
    cpu_only(device)
    t = torch.tensor([1, 4], dtype=dtype, device=device)
    for method in ("abs", "neg"):
        with pytest.raises(missing_kernel_error(), match=f'"{method}_cpu" not implemented for \'{WIDE_UNSIGNED[dtype]}\''):
            getattr(t, method)()
    assert_values(t.sqrt(), torch.tensor([1.0, 2.0]), "t.sqrt()", exact=True)


# ---- elementwise.mul_vs_matmul ------------------------------------------------------------------

def _integral(dtype: torch.dtype):
    """Integer-valued floats small enough that every product and sum is exact in ``dtype``."""
    bound = 4 if dtype in (torch.float16, torch.bfloat16) else 100
    return st.integers(-bound, bound).map(float)


@pytest.mark.claim("elementwise.mul_vs_matmul")
@on_devices
@given(data=st.data())
def test_matmul_and_the_at_operator_are_the_matrix_product(device, data):
    """a.matmul(b) == a @ b == torch.matmul(a, b) == np.matmul: vector.vector gives a 0-d tensor,
    matrix.vector and vector.matrix drop the vector's axis, batches broadcast; dtype kept."""
    shape_a, shape_b = data.draw(matmul_shapes(), label="shapes")
    dtype = data.draw(st.sampled_from(TORCH_FLOAT), label="dtype")
    a, b = (data.draw(strided_tensors(dtypes=[dtype], shape=s, layouts=WRITABLE_LAYOUTS, fill=_integral(dtype)),
                      label=name) for s, name in ((shape_a, "a"), (shape_b, "b")))
    with repro(f"a = {a.source(device)}\nb = {b.source(device)}\na @ b"):
        ta, tb = a.tensor(device), b.tensor(device)
        out = call_unless_missing(half_on_cpu(ta) and differs("matmul_half_cpu_missing"), dtype, ta.matmul, tb)
        if out is MISSING:
            return
        expected = np.matmul(a.reference().astype(np.float64), b.reference().astype(np.float64))
        assert_shape(out, expected.shape, expr="a.matmul(b)", name="a.matmul(b).shape")
        assert_dtype(out, dtype, expr="a.matmul(b)", name="a.matmul(b).dtype")
        assert_values(out, expected, "a.matmul(b) vs np.matmul", exact=True, zero_sign=False)
        assert_values(ta @ tb, out, "a @ b == a.matmul(b)", exact=True)
        assert_values(torch.matmul(ta, tb), out, "torch.matmul(a, b) == a.matmul(b)", exact=True)


@pytest.mark.claim("elementwise.mul_vs_matmul")
@on_devices
@given(data=st.data())
def test_mul_is_elementwise_where_matmul_multiplies_matrices(device, data):
    """The note's forms on one matrix t: t.mul(t) == t * t == torch.mul(t, t) is the element-wise
    square (t's shape), t.matmul(t.T) == t @ t.T == torch.matmul(t, t.T) is the (n, n) Gram matrix."""
    dtype = data.draw(st.sampled_from(TORCH_FLOAT), label="dtype")
    x = data.draw(strided_tensors(dtypes=[dtype], shape=shapes(min_dims=2, max_dims=2), fill=_integral(dtype)),
                  label="t")
    square = torch.arange(4.0, device=device).reshape(2, 2)  # a square t on every run, not only when drawn
    for expr, call in spellings("mul", "t", symbol="*").items():
        assert_values(call(square, square), np.arange(4.0).reshape(2, 2) ** 2, f"{expr}, t = arange(4.).reshape(2, 2)",
                      exact=True)
    with repro(f"t = {x.source(device)}\nt * t, t @ t.T"):
        t, a = x.tensor(device), x.reference().astype(np.float64)
        for expr, call in spellings("mul", "t", symbol="*").items():
            assert_values(call(t, t), a * a, expr, exact=True)
        for expr, call in spellings("matmul", "t.T", symbol="@").items():
            product = call_unless_missing(half_on_cpu(t) and differs("matmul_half_cpu_missing"), dtype, call, t, t.T)
            if product is MISSING:
                return
            assert_equal(f"({expr}).shape", tuple(product.shape), (x.shape[0],) * 2, expr=expr)
            assert_values(product, a @ a.T, f"{expr} vs NumPy", exact=True, zero_sign=False)


@pytest.mark.claim("elementwise.mul_vs_matmul")
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=str)
@on_devices
def test_matmul_of_general_floats_equals_numpy_within_rounding(dtype, device, claim_fact):
    """Values that are not small integers: a @ b equals np.matmul in the same dtype within rounding
    (the summation orders differ, so not necessarily bit for bit: the difference is recorded)."""
    g = torch.Generator().manual_seed(0)
    a, b = torch.randn(7, 300, generator=g, dtype=dtype), torch.randn(300, 9, generator=g, dtype=dtype)
    out = (a.to(device) @ b.to(device)).cpu()
    expected = torch.from_numpy(np.matmul(a.numpy(), b.numpy()))
    torch.testing.assert_close(out, expected)
    claim_fact(f"max |a @ b - np.matmul| ({dtype}, (7, 300) @ (300, 9))",
               f"{(out - expected).abs().max().item():.2g}")


@pytest.mark.claim("elementwise.mul_vs_matmul")
@on_devices
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=str)
def test_the_sign_of_a_zero_product_is_left_open(dtype, device, claim_fact):
    """Worked example: ``t @ t.T`` for ``t = [[0.], [-1.]]`` holds a zero at [0, 1] (0 * -1), equal to
    NumPy's; which sign each library gives it is recorded, not asserted."""
    t = torch.tensor([[0.0], [-1.0]], dtype=dtype, device=device)
    a = t.cpu().numpy()
    out = (t @ t.T).cpu()
    assert_values(out, a @ a.T, "t @ t.T vs NumPy", exact=True, zero_sign=False)
    claim_fact(f"(t @ t.T)[0, 1] / NumPy's ({dtype}, t = [[0.], [-1.]])", f"{out[0, 1].item()} / {(a @ a.T)[0, 1]}")

MATMUL_ERRORS = [  # (shape of a, shape of b, regex of torch's message)
    ((), (2, 2), "both arguments to matmul need to be at least 1D"),
    ((2, 3), (2, 3), r"mat1 and mat2 shapes cannot be multiplied \(2x3 and 2x3\)"),
    ((3,), (2,), "inconsistent tensor size"),
    ((2, 3), (2,), "size mismatch"),
    ((2, 2, 3), (2, 2, 3), "Expected size for first two dimensions of batch2 tensor"),
]


@pytest.mark.claim("elementwise.mul_vs_matmul")
@pytest.mark.parametrize("shape_a,shape_b,message", MATMUL_ERRORS)
@on_devices
def test_matmul_needs_matching_inner_sizes_and_mul_needs_broadcastable_shapes(shape_a, shape_b, message, device):
    """matmul refuses 0-d operands and unequal inner sizes (RuntimeError; NumPy: ValueError); * of the
    same operands is a different question - it needs broadcastable shapes."""
    a, b = torch.ones(shape_a, device=device), torch.ones(shape_b, device=device)
    for call in spellings("matmul", "b", symbol="@", operand="a").values():
        with pytest.raises(RuntimeError, match=message):
            call(a, b)
    with pytest.raises(ValueError):
        np.ones(shape_a) @ np.ones(shape_b)
    for expr, call in spellings("mul", "b", symbol="*", operand="a").items():
        try:
            np.broadcast_shapes(shape_a, shape_b)
        except ValueError:
            with pytest.raises(RuntimeError, match=r"The size of tensor a \(\d+\) must match the size of tensor b"):
                call(a, b)
        else:
            assert_equal(f"({expr}).shape", tuple(call(a, b).shape), np.broadcast_shapes(shape_a, shape_b), expr=expr)


# ---- elementwise.in_place_suffix ----------------------------------------------------------------

IN_PLACE = {  # method_: (arguments, NumPy reference of the new values)
    "add_": ((5,), lambda a: a + 5),
    "sub_": ((2,), lambda a: a - 2),
    "mul_": ((3,), lambda a: a * 3),
    "div_": ((4,), lambda a: a / 4),
    "abs_": ((), np.abs),
    "neg_": ((), np.negative),
    "sqrt_": ((), np.sqrt),
    "clamp_": ((-1, 1), lambda a: np.clip(a, -1, 1)),
    "fill_": ((7,), lambda a: np.full_like(a, 7)),
    "zero_": ((), np.zeros_like),
}


def alias_of(t: torch.Tensor) -> torch.Tensor:
    """Another tensor object over t's memory, made before an in-place change."""
    return t.as_strided(t.size(), t.stride(), t.storage_offset())


AUGMENTED = {"add_": "+=", "sub_": "-=", "mul_": "*=", "div_": "/="}  # method_: its augmented assignment


def in_place_spellings(method: str, args: tuple) -> dict:
    """``{how it reads: call(t)}``: ``t.method_(*args)`` and, for + - * /, ``t OP= arg`` (Python runs
    ``t = operator.iOP(t, arg)``, so the call returns what t is bound to afterwards)."""
    forms = {f"t.{method}({', '.join(map(repr, args))})": lambda t: getattr(t, method)(*args)}
    if method in AUGMENTED:
        symbol = AUGMENTED[method]
        forms[f"t {symbol} {args[0]!r}"] = lambda t: OPERATORS[symbol](t, args[0])
    return forms


@pytest.mark.claim("elementwise.in_place_suffix")
@pytest.mark.parametrize("method", IN_PLACE)
@on_devices
@given(data=st.data())
def test_in_place_methods_change_the_tensor_itself(method, device, data):
    """t.method_(...) and t OP= v return t itself, write the new values into t's memory (other tensors
    over it see them); the method without _ leaves t as it was.  On an expanded tensor (one memory
    element under several indices) only fill_ and zero_ work, the others raise RuntimeError."""
    args, reference = IN_PLACE[method]
    x = data.draw(strided_tensors(dtypes=TORCH_FLOAT), label="t")
    forms = in_place_spellings(method, args)
    with repro(f"t = {x.source(device)}\n{'; '.join(forms)}"):
        t = x.tensor(device)
        plain = getattr(torch.Tensor, method[:-1], None)
        if plain is not None:
            gap = method in ("sqrt_", "clamp_") and half_on_cpu(t) and differs("in_place_half_cpu_missing")
            if call_unless_missing(gap, t.dtype, plain, t, *args) is MISSING:
                return
            assert_values(t, x.reference(), f"t after t.{method[:-1]}(...)", exact=True)
        with np.errstate(all="ignore"):
            expected = rounded(reference(x.reference().astype(np.float64)), x.dtype)
        for expr, call in forms.items():
            t = x.tensor(device)  # a fresh t for each spelling
            if has_internal_overlap(t) and method not in ("fill_", "zero_"):
                with pytest.raises(RuntimeError, match="more than one element of the written-to tensor refers to a "
                                                       "single memory location"):
                    call(t)
                assert_values(t, x.reference(), f"t after the refused {expr}", exact=True)
                continue
            alias, ptr, stride = alias_of(t), t.data_ptr(), t.stride()
            out = call(t)
            assert_equal(f"{expr} is t", out is t, True, expr=expr)
            assert_equal("t.data_ptr()", t.data_ptr(), ptr, expr=expr)
            assert_equal("t.stride()", t.stride(), stride, expr=expr)
            assert_values(t, expected, expr)
            assert_values(alias, expected, f"another tensor over t's memory, after {expr}")


@pytest.mark.claim("elementwise.in_place_suffix")
@on_devices
@given(data=st.data())
def test_the_notes_copy_and_t_methods_change_the_tensor_itself(device, data):
    """x.copy_(y) writes y (cast to x's dtype) into x and returns x; x.t_() transposes x itself
    (<= 2 dims; a 3-D x is a RuntimeError)."""
    x = data.draw(strided_tensors(dtypes=TORCH_FLOAT, shape=shapes(max_dims=2), layouts=WRITABLE_LAYOUTS), label="x")
    y = data.draw(strided_tensors(dtypes=TORCH_FLOAT, shape=x.shape), label="y")
    with repro(f"x = {x.source(device)}\ny = {y.source(device)}\nx.copy_(y); x.t_()"):
        t, u = x.tensor(device), y.tensor(device)
        ptr = t.data_ptr()
        assert_equal("x.copy_(y) is x", t.copy_(u) is t, True, expr="x.copy_(y)")
        assert_dtype(t, x.dtype, expr="x.copy_(y)", name="x.dtype")
        assert_values(t, u.to(x.dtype), "x after x.copy_(y)", exact=True)
        assert_values(u, y.reference(), "y after x.copy_(y)", exact=True)
        before = t.clone()
        assert_equal("x.t_() is x", t.t_() is t, True, expr="x.t_()")
        assert_equal("x.data_ptr()", t.data_ptr(), ptr, expr="x.t_()")
        assert_values(t, before.t(), "x after x.t_()", exact=True)
    with pytest.raises(RuntimeError, match=r"t_\(\) expects a tensor with <= 2 dimensions, but self is 3D"):
        torch.zeros(1, 2, 3, device=device).t_()


ON_EXPANDED = {  # in-place call on e = ones(1, 3).expand(2, 3): (call, outcome: "works", "warns" or "raises")
    "e.t_()": (lambda e: e.t_(), "works"),
    "e.transpose_(0, 1)": (lambda e: e.transpose_(0, 1), "works"),
    "e.unsqueeze_(0)": (lambda e: e.unsqueeze_(0), "works"),
    "e.squeeze_()": (lambda e: e.squeeze_(), "works"),
    "e.resize_(3, 2)": (lambda e: e.resize_(3, 2), "works"),
    "e.as_strided_((3,), (1,))": (lambda e: e.as_strided_((3,), (1,)), "works"),
    "e.set_(torch.zeros(3))": (lambda e: e.set_(torch.zeros(3, device=e.device)), "works"),
    "e.fill_(2)": (lambda e: e.fill_(2), "works"),
    "e.zero_()": (lambda e: e.zero_(), "works"),
    "e.index_fill_(1, [0], 5)": (lambda e: e.index_fill_(1, torch.tensor([0], device=e.device), 5.0), "warns"),
    "e.masked_fill_(mask, 2)": (lambda e: e.masked_fill_(torch.ones(2, 3, dtype=torch.bool, device=e.device), 2.0),
                                "warns"),
    "e.index_put_(([0],), 1)": (lambda e: e.index_put_((torch.tensor([0], device=e.device),),
                                                       torch.tensor(1.0, device=e.device)), "warns"),
    "e.copy_(torch.ones(2, 3))": (lambda e: e.copy_(torch.ones(2, 3, device=e.device)), "raises"),
    "e.add_(1)": (lambda e: e.add_(1), "raises"),
    "e.uniform_()": (lambda e: e.uniform_(), "raises"),
    "e.normal_()": (lambda e: e.normal_(), "raises"),
}


@pytest.mark.claim("elementwise.in_place_suffix")
@pytest.mark.parametrize("name", ON_EXPANDED)
@on_devices
def test_on_an_expanded_tensor_only_value_writes_are_refused(name, device):
    """On an expanded tensor the ops that change only shape or strides, fill_ and zero_ work (returning
    the tensor itself); index_fill_/masked_fill_/index_put_ work with a deprecation UserWarning; the ops
    that compute values, copy_ and the random fills included, raise RuntimeError."""
    call, outcome = ON_EXPANDED[name]
    e = torch.ones(1, 3, device=device).expand(2, 3)
    if outcome == "raises":
        with pytest.raises(RuntimeError, match="more than one element of the written-to tensor refers to a single"):
            call(e)
        return
    method = name[2:name.index("(")]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = call(e)
    deprecated = [w for w in caught if f"Use of {method} on expanded tensors is deprecated" in str(w.message)]
    assert_equal("deprecation UserWarning", (bool(deprecated), outcome), (outcome == "warns", outcome), expr=name)
    if deprecated:
        assert_equal("its category", deprecated[0].category, UserWarning, expr=name)
    else:
        assert_equal(f"{name} is e", out is e, True, expr=name)


def _refusals(dtype):
    """In-place calls on a tensor of ``dtype`` that would need another dtype or shape, and the regex of
    torch's message."""
    cases = [("t.add_(torch.ones((2,) + t.shape, dtype=t.dtype))",
              lambda t: t.add_(torch.ones((2,) + t.shape, dtype=t.dtype, device=t.device)),
              r"output with shape \[.*\] doesn't match the broadcast shape")]
    if dtype == torch.bool:
        return cases + [("t.add_(2)", lambda t: t.add_(2), "result type Long can't be cast to the desired output type Bool")]
    if not dtype.is_floating_point:
        cast = r"result type Float can't be cast to the desired output type \w+"
        return cases + [("t.div_(2)", lambda t: t.div_(2), cast), ("t.add_(1.5)", lambda t: t.add_(1.5), cast),
                        ("t.sqrt_()", lambda t: t.sqrt_(), cast)]
    return cases + [("t.add_(1j)", lambda t: t.add_(1j), r"result type \w*Complex\w+ can't be cast to the desired output type")]


@pytest.mark.claim("elementwise.in_place_suffix")
@on_devices
@given(data=st.data())
def test_an_in_place_op_that_needs_another_dtype_or_shape_raises_and_changes_nothing(device, data):
    """int.div_(2) (true division), int.add_(1.5), bool.add_(2), float.add_(1j), or a result that would
    broadcast to a bigger shape: RuntimeError, and t keeps its values."""
    x = data.draw(strided_tensors(shape=shapes(min_side=1), layouts=WRITABLE_LAYOUTS), label="t")
    name, call, message = data.draw(st.sampled_from(_refusals(x.dtype)), label="call")
    with repro(f"t = {x.source(device)}\n{name}"):
        t = x.tensor(device)
        with pytest.raises(RuntimeError, match=message):
            call(t)
        assert_values(t, x.reference(), f"t after the refused {name}", exact=True)


# ---- elementwise.index_assign -------------------------------------------------------------------

@pytest.mark.claim("elementwise.index_assign")
@on_devices
@given(data=st.data())
def test_slice_assignment_writes_into_the_tensor_itself(device, data):
    """t[:, j] = v writes v (a scalar, or a tensor of the slice's shape) into t's own memory, cast to
    t's dtype, exactly as NumPy's a[:, j] = v; other tensors over that memory see it."""
    shape = data.draw(shapes(min_dims=2).filter(lambda s: s[1] > 0), label="shape")
    x = data.draw(strided_tensors(shape=shape, layouts=WRITABLE_LAYOUTS), label="t")
    j = data.draw(st.integers(-shape[1], shape[1] - 1), label="j")
    slice_shape = shape[:1] + shape[2:]
    v = data.draw(st.one_of(same_kind_scalars(x.dtype),
                            strided_tensors(dtypes=[x.dtype], shape=slice_shape)), label="v")
    value, v_source, v_ref = build(v, device)
    with repro(f"t = {x.source(device)}\nv = {v_source}\nt[:, {j}] = v"):
        t = x.tensor(device)
        alias, ptr = alias_of(t), t.data_ptr()
        expected = x.reference().copy()
        expected[:, j] = v_ref
        t[:, j] = value
        assert_equal("t.data_ptr()", t.data_ptr(), ptr, expr=f"t[:, {j}] = v")
        assert_values(t, expected, f"t after t[:, {j}] = v", exact=True)
        assert_values(alias, expected, f"another tensor over t's memory, after t[:, {j}] = v", exact=True)


@pytest.mark.claim("elementwise.index_assign")
@on_devices
def test_the_notes_example_and_its_edges(device):
    """tensor = ones(4, 4); tensor[:, 1] = 0 zeroes column 1; a float assigned into an int tensor is
    truncated toward zero (as NumPy); an index past the end is an IndexError."""
    tensor = torch.ones(4, 4, device=device)
    tensor[:, 1] = 0
    expected = np.ones((4, 4))
    expected[:, 1] = 0
    assert_values(tensor, expected, "tensor[:, 1] = 0", exact=True)
    ints = torch.zeros(2, 3, dtype=torch.int64, device=device)
    ints[:, 1], ints[:, 2] = 2.7, -2.7
    assert_values(ints, [[0, 2, -2], [0, 2, -2]], "ints[:, 1], ints[:, 2] = 2.7, -2.7", exact=True)
    with pytest.raises(IndexError, match="index 4 is out of bounds for dimension 1 with size 4"):
        tensor[:, 4] = 0


UNHOLDABLE = [  # (dtype, v, torch's column after t[:, 1] = v or the regex of its RuntimeError, NumPy's exception)
    ("uint8", -1, [255, 255], OverflowError),
    ("uint8", -129, [127, 127], OverflowError),
    ("uint8", 300, "value cannot be converted to type uint8_t without overflow", OverflowError),
    ("int8", 200, "value cannot be converted to type int8_t without overflow", OverflowError),
    ("int64", float("nan"), "value cannot be converted to type int64_t without overflow", ValueError),
    ("float32", 1j, "value cannot be converted to type float without overflow", TypeError),
]


@pytest.mark.claim("elementwise.index_assign")
@pytest.mark.parametrize("dtype,v,torch_result,numpy_error", UNHOLDABLE, ids=[f"{d} = {v}" for d, v, *_ in UNHOLDABLE])
@on_devices
def test_assigning_a_value_the_dtype_cannot_hold(dtype, v, torch_result, numpy_error, device):
    """A negative int wraps into an unsigned tensor; a too-large int, NaN into an integer tensor or a
    complex into a real one raise RuntimeError; NumPy raises (OverflowError/ValueError/TypeError) for all."""
    t = torch.zeros(2, 3, dtype=getattr(torch, dtype), device=device)
    if isinstance(torch_result, str):
        with pytest.raises(RuntimeError, match=torch_result):
            t[:, 1] = v
    else:
        t[:, 1] = v
        assert_values(t[:, 1], torch.tensor(torch_result, dtype=t.dtype), f"t[:, 1] = {v!r} into {dtype}", exact=True)
    a = np.zeros((2, 3), dtype)
    if numpy_error is OverflowError and differs("numpy_wraps_out_of_bound_ints"):
        with pytest.warns(DeprecationWarning, match="out-of-bound Python integers"):
            a[:, 1] = v
        assert_values(a[:, 1], np.array(v).astype(dtype).repeat(2), f"NumPy a[:, 1] = {v!r} into {dtype}", exact=True)
        return
    with pytest.raises(numpy_error):
        a[:, 1] = v


@pytest.mark.claim("elementwise.index_assign")
@pytest.mark.parametrize("v_shape", [(1,), (1, 2), (1, 1), (2, 1), (3,)], ids=str)
@on_devices
def test_the_value_broadcasts_to_the_slice(v_shape, device):
    """v may have any shape that broadcasts to the slice's (2,): (1,), (1, 2), (1, 1); others raise
    RuntimeError in torch and ValueError "could not broadcast" in NumPy."""
    t, a = torch.zeros(2, 3, device=device), np.zeros((2, 3))
    if v_shape in ((2, 1), (3,)):
        with pytest.raises(RuntimeError):
            t[:, 1] = torch.ones(v_shape, device=device)
        with pytest.raises(ValueError, match="could not broadcast"):
            a[:, 1] = np.ones(v_shape)
        return
    t[:, 1] = torch.ones(v_shape, device=device)
    a[:, 1] = np.ones(v_shape)
    assert_values(t, a, f"t[:, 1] = torch.ones({v_shape})", exact=True)


@pytest.mark.claim("elementwise.index_assign")
@on_devices
def test_assignment_into_an_expanded_tensor_or_a_leaf_that_requires_grad_raises(device):
    """An expanded tensor holds one element under several indices; a leaf requiring grad may not be
    changed in place: both raise RuntimeError."""
    e = torch.ones(1, 3, device=device).expand(2, 3)
    if differs("expanded_assignment_writes"):
        e[:, 1] = 0
        assert_values(e, [[1, 0, 1], [1, 0, 1]], "e[:, 1] = 0 into ones(1, 3).expand(2, 3)", exact=True)
    else:
        with pytest.raises(RuntimeError, match="more than one element of the written-to tensor refers to a single"):
            e[:, 1] = 0
    leaf = torch.zeros(2, 3, device=device, requires_grad=True)
    with pytest.raises(RuntimeError, match="a view of a leaf Variable that requires grad is being used in an in-place"):
        leaf[:, 1] = 0


@pytest.mark.claim("elementwise.index_assign")
@on_devices
def test_assignment_into_a_chained_index_writes_through_only_a_view(device):
    """t[0:2][:, 1] = 0 writes into t (basic indexing gives a view); t[[0, 1]][:, 1] = 0 does not
    (advanced indexing gives a copy, and the assignment lands in that copy)."""
    t = torch.ones(3, 3, device=device)
    t[[0, 1]][:, 1] = 0
    assert_values(t, np.ones((3, 3)), "t after t[[0, 1]][:, 1] = 0", exact=True)
    t[0:2][:, 1] = 0
    assert_values(t, [[1, 0, 1], [1, 0, 1], [1, 1, 1]], "t after t[0:2][:, 1] = 0", exact=True)


# ---- elementwise.dtype_mismatch -----------------------------------------------------------------

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
    # the imaginary part inf * 0 = nan (test_complex_sum_with_an_infinity_has_a_nan_part states it).
    complex_sum = any(promotion.category(d) == promotion.COMPLEX for d in dtypes)
    out = []
    for kind, dtype in zip(kinds, dtypes):
        category = promotion.category(dtype)
        if kind == "scalar":
            out.append(draw(SCALARS[category], label="scalar"))
        else:
            out.append(draw(strided_tensors(dtypes=[dtype], shape=shape if kind == "dim" else (),
                                            special=not complex_sum), label=kind))
    return tuple(out)


@pytest.mark.claim("elementwise.arith_methods")
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
            assert_equal("numpy sum", np.complex64(0) + np.asarray(other.cpu()), numpy_sum, expr="NumPy 0j + other")
            got = complex((zero + other).item())
            assert_equal("torch sum (nan as 'nan')", repr(got), repr(torch_sum), expr="0j + other")


@pytest.mark.claim("elementwise.dtype_mismatch")
@on_devices
@given(operands=mixed_operands())
def test_mixed_dtypes_combine_by_type_promotion(device, operands):
    """Operands of different dtypes combine: a + b, a.add(b), torch.add(a, b) and the same three of mul
    have the dtype of the stated rule (tensorspec.reference.promotion) = torch.result_type(a, b); the
    three sums are equal and hold NumPy's sum computed in it."""
    (a, a_source, a_ref), (b, b_source, b_ref) = (build(x, device) for x in operands)
    with repro(f"a = {a_source}\nb = {b_source}\na + b, torch.result_type(a, b)"):
        expected = promotion.result_dtype(a, b)
        assert_equal("torch.result_type(a, b)", torch.result_type(a, b), expected, expr="torch.result_type(a, b)")
        if expected == getattr(torch, "bcomplex32", None):  # experimental: no CPU kernels for + and * yet
            if device == "cpu":
                for name, symbol in (("add", "+"), ("mul", "*")):
                    for expr, call in spellings(name, "b", symbol=symbol, operand="a",
                                                method=isinstance(a, torch.Tensor)).items():
                        with warnings.catch_warnings():
                            warnings.simplefilter("ignore", UserWarning)  # "BComplex32 support is experimental"
                            with pytest.raises(NotImplementedError, match="not implemented for 'BComplex32'"):
                                call(a, b)
            return
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # complex32 ("ComplexHalf support is experimental")
            total = a + b
            is_tensor = isinstance(a, torch.Tensor)  # a Python scalar a has no methods
            for name, symbol in (("add", "+"), ("mul", "*")):
                for expr, call in spellings(name, "b", symbol=symbol, operand="a", method=is_tensor).items():
                    out = call(a, b)
                    assert_equal(f"({expr}).dtype", out.dtype, expected, expr=expr)
                    if name == "add":
                        assert_values(out, total, f"{expr} == a + b", exact=True)
        if expected in NUMPY_OF_TORCH:  # NumPy has neither bfloat16 nor complex32
            np_dtype = NUMPY_OF_TORCH[expected]
            with np.errstate(all="ignore"):
                reference = np.asarray(a_ref).astype(np_dtype) + np.asarray(b_ref).astype(np_dtype)
            assert_values(total, reference, "a + b vs NumPy in the promoted dtype")


def ones_on(device):
    """``ones(dtype_name, shape=(2,))`` on ``device``: the operands of the tables below."""
    return lambda dtype, shape=(2,): torch.ones(shape, dtype=torch_dtype(dtype), device=device)


VS_NUMPY = [  # (operand a, operand b, torch's dtype of a + b, NumPy's (2.x) dtype or exception; None: no NumPy)
    # an operand: "int64" is a (2,) tensor/array, "0-d int64" a 0-d one, a Python scalar is itself
    ("int64", 1.5, "float32", "float64"),
    ("uint8", "int8", "int16", "int16"),
    ("int64", "float16", "float16", "float64"),
    ("int16", "float16", "float16", "float32"),
    ("int32", "float32", "float32", "float64"),
    ("float32", "0-d float64", "float32", "float64"),
    ("int8", "0-d int64", "int8", "int64"),
    ("bool", 1, "int64", "int64"),
    ("uint8", 1000, "uint8", OverflowError),  # torch wraps around
    ("float16", 1j, "complex32", "complex64"),
    ("bfloat16", "float16", "float32", None),
]


def _operand(spec, ones):
    if not isinstance(spec, str):
        return spec
    zero_dim = spec.startswith("0-d ")
    return ones(spec.removeprefix("0-d "), () if zero_dim else (2,))


@pytest.mark.claim("elementwise.dtype_mismatch")
@pytest.mark.parametrize("a,b,torch_dtype,numpy_dtype", VS_NUMPY, ids=[f"{a} + {b}" for a, b, *_ in VS_NUMPY])
@on_devices
def test_promotion_compared_with_numpy(a, b, torch_dtype, numpy_dtype, device):
    """Where torch's promotion and NumPy's (2.x, NEP 50) differ, and where they agree: torch keeps the
    tensor's float dtype, a 0-d tensor does not widen a dimensioned one, an int tensor with a float
    scalar gives the default dtype; NumPy widens in all three."""
    x, y = (_operand(spec, ones_on(device)) for spec in (a, b))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # complex32 is experimental
        assert_dtype(x + y, getattr(torch, torch_dtype), expr=f"{a} + {b}", name="(a + b).dtype")
    assert_equal("promotion.result_dtype(a, b)", promotion.result_dtype(x, y), getattr(torch, torch_dtype), expr=f"{a} + {b}")
    if numpy_dtype is None:
        return  # NumPy has no bfloat16
    if not NUMPY2:
        pytest.skip(f"NumPy {np.__version__} < 2 promotes by value (NEP 50 is NumPy 2): its column is not checked")
    x, y = (_operand(spec, lambda dtype, shape: np.ones(shape, dtype)) for spec in (a, b))
    if isinstance(numpy_dtype, str):
        assert_dtype(x + y, np.dtype(numpy_dtype), expr=f"{a} + {b}", name="NumPy (a + b).dtype")
    else:
        with pytest.raises(numpy_dtype):
            x + y


REFUSE = [  # (operation, call on a factory of ones, regex of torch's message)
    ("torch.mm(float32, float64)", lambda ones: torch.mm(ones("float32", (2, 2)), ones("float64", (2, 2))),
     "same dtype|expected scalar type"),
    ("float32 matrix @ float64 matrix", lambda ones: ones("float32", (2, 2)) @ ones("float64", (2, 2)),
     "same dtype|expected scalar type"),
    ("float32 vector @ float64 matrix", lambda ones: ones("float32") @ ones("float64", (2, 2)),
     "same dtype|expected scalar type"),
    ("torch.matmul(float32 vector, float64 vector)", lambda ones: torch.matmul(ones("float32"), ones("float64")),
     "dot : expected both vectors to have same dtype"),
    ("torch.dot(float32, int64)", lambda ones: torch.dot(ones("float32"), ones("int64")),
     "dot : expected both vectors to have same dtype"),
    ("torch.mv(float32, float64)", lambda ones: torch.mv(ones("float32", (2, 2)), ones("float64")),
     "addmv input tensors must have the same dtype|expected scalar type Float but found Double"),
    ("float32 matrix @ float64 vector", lambda ones: ones("float32", (2, 2)) @ ones("float64"),
     "addmv input tensors must have the same dtype|expected scalar type Float but found Double"),
    ("torch.bmm(float32, float64)", lambda ones: torch.bmm(ones("float32", (1, 2, 2)), ones("float64", (1, 2, 2))),
     "expected scalar type Float but found Double"),
    ("float32 batch @ float64 batch", lambda ones: ones("float32", (1, 2, 2)) @ ones("float64", (1, 2, 2)),
     "expected scalar type Float but found Double"),
    ("F.linear(float64 input, float32 weight)",
     lambda ones: torch.nn.functional.linear(ones("float64", (1, 2)), ones("float32", (2, 2))),
     "same dtype|expected scalar type"),
    ("int64.add_(float32) in place", lambda ones: ones("int64").add_(ones("float32")),
     "result type Float can't be cast to the desired output type Long"),
    ("bool.mul_(int64) in place", lambda ones: ones("bool").mul_(ones("int64")),
     "result type Long can't be cast to the desired output type Bool"),
    ("torch.add(int64, float32, out=int64)", lambda ones: torch.add(ones("int64"), ones("float32"), out=ones("int64")),
     "result type Float can't be cast to the desired output type Long"),
    ("int64 + uint16", lambda ones: ones("int64") + ones("uint16"),
     "Promotion for uint16, uint32, uint64 types is not supported"),
    ("uint32 * bool", lambda ones: ones("uint32") * ones("bool"),
     "Promotion for uint16, uint32, uint64 types is not supported"),
]


@pytest.mark.claim("elementwise.dtype_mismatch")
@pytest.mark.parametrize("operation,call,message", REFUSE, ids=[row[0] for row in REFUSE])
@on_devices
def test_the_operations_that_do_refuse_mixed_dtypes(operation, call, message, device, claim_fact):
    """Matrix products (mm, matmul, dot, mv, bmm, linear), in-place ops and out= into a lower category,
    and uint16/32/64 with bool or other integers raise RuntimeError instead of promoting.  Where the
    wording varies between releases (matrix products) the message raised is recorded as a fact."""
    if "uint16" in operation and not hasattr(torch, "uint16"):
        pytest.skip(f"torch {torch.__version__} has no torch.uint16")
    with pytest.raises(RuntimeError, match=message) as raised:
        call(ones_on(device))
    if "|" in message:
        claim_fact(f"{operation} raises", str(raised.value).splitlines()[0])


ACCEPT = [  # (operation, call on a factory of ones, dtype of the result)
    ("float32 + float64", lambda ones: ones("float32") + ones("float64"), torch.float64),
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


@pytest.mark.claim("elementwise.dtype_mismatch")
@pytest.mark.parametrize("operation,call,dtype", ACCEPT, ids=[row[0] for row in ACCEPT])
@on_devices
def test_other_operations_accept_mixed_dtypes(operation, call, dtype, device):
    """Arithmetic, comparisons, cat, where, maximum, in-place ops into a narrower dtype of the same
    category and copy_ all take mixed dtypes."""
    assert_dtype(call(ones_on(device)), dtype, expr=operation, name="result dtype")


@pytest.mark.claim("elementwise.arith_methods")
def test_python_scalars_and_true_division_against_numpy(claim_fact):
    """Worked examples of where torch's values leave NumPy's: integer true division is float32 in torch
    (float64 in NumPy), a scalar on the left divides through the reciprocal, and float16 with a Python
    float (recorded, both libraries)."""
    assert_values(torch.tensor([16777217]) / 1, [16777216.0], "torch.tensor([16777217]) / 1", exact=True)
    assert_equal("np.array([16777217]) / 1", (np.array([16777217]) / 1).tolist(), [16777217.0], expr="NumPy: float64")
    x = torch.randn(1000, generator=torch.Generator().manual_seed(0))
    assert torch.equal(7 / x, 7 * x.reciprocal()), "7 / x should be 7 * x.reciprocal(), bit for bit"
    differ = int((7 / x != torch.from_numpy(7 / x.numpy())).sum())
    claim_fact("7 / x vs NumPy, 1000 float32 standard normals: values that differ (by 1 ulp)", str(differ))
    h = torch.tensor([1.5], dtype=torch.float16)
    claim_fact("float16 1.5 * 3.7: torch / NumPy", f"{(h * 3.7).item()} / {(h.numpy() * 3.7).item()}")


@pytest.mark.claim("elementwise.in_place_suffix")
def test_a_leaf_that_requires_grad_refuses_in_place_ops():
    """In-place ops, += included, on a leaf tensor that requires grad raise RuntimeError; under
    torch.no_grad() they work."""
    def plus_equals(w):
        w += 1

    for name, op in (("w.add_(1)", lambda w: w.add_(1)), ("w += 1", plus_equals), ("w.zero_()", lambda w: w.zero_()),
                     ("w.fill_(2)", lambda w: w.fill_(2))):
        w = torch.ones(2, requires_grad=True)
        with repro(f"w = torch.ones(2, requires_grad=True); {name}"):
            with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place"):
                op(w)
            with torch.no_grad():
                op(w)
