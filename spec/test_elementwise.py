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
from tensorspec.testing.assertions import assert_equal, assert_values, repro
from tensorspec.testing.devices import on_devices
from tensorspec.testing.kernels import MISSING, call_unless_missing
from tensorspec.testing.shape_strategies import matmul_shapes
from tensorspec.testing.strategies import NUMPY_OF_TORCH, shapes
from tensorspec.testing.layouts import (TORCH_FLOAT, WRITABLE_LAYOUTS, has_internal_overlap,
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


@pytest.mark.claim("elementwise.arith_methods")
@pytest.mark.parametrize("method", ARITH)
@on_devices
@given(pair=operand_pairs())
def test_operators_equal_the_methods_element_by_element(method, device, pair):
    """x OP y == x.method(y) == NumPy's result, for a same-shape tensor or a scalar y; / and div of
    integers or bools divide truly, into the default float dtype; - on bools raises in both forms."""
    symbol, op, np_op = ARITH[method]
    x, y = pair
    u, u_source, y_ref = build(y, device)
    with repro(f"x = {x.source(device)}\ny = {u_source}\nx {symbol} y, x.{method}(y)", claim="elementwise.arith_methods"):
        t = x.tensor(device)
        if method == "sub" and x.dtype == torch.bool:
            for call in (lambda: op(t, u), lambda: t.sub(u)):
                with pytest.raises(RuntimeError, match=r"Subtraction, the `-` operator, with .*bool"):
                    call()
            return
        by_op, by_method = op(t, u), getattr(t, method)(u)
        true_division = method == "div" and not x.dtype.is_floating_point
        dtype = torch.get_default_dtype() if true_division else x.dtype
        assert_equal(f"(x {symbol} y).dtype", by_op.dtype, dtype, f"x {symbol} y")
        assert_equal(f"x.{method}(y).dtype", by_method.dtype, dtype, f"x.{method}(y)")
        assert_values(by_op, by_method, f"x {symbol} y == x.{method}(y)", exact=True)
        expected = rounded(numpy_result(np_op, x.reference(), y_ref), dtype)
        assert_values(by_method, expected, f"x.{method}(y) vs NumPy", exact=not dtype.is_floating_point)


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
    """x OP y == x.method(y) == NumPy's result: a torch.bool tensor of x's shape (NaN compares
    unequal to everything, itself included)."""
    symbol, op, np_op = COMPARISONS[method]
    x, y = pair
    u, u_source, y_ref = build(y, device)
    with repro(f"x = {x.source(device)}\ny = {u_source}\nx {symbol} y, x.{method}(y)", claim="elementwise.comparisons"):
        t = x.tensor(device)
        by_op, by_method = op(t, u), getattr(t, method)(u)
        for what, out in ((f"x {symbol} y", by_op), (f"x.{method}(y)", by_method)):
            assert_equal(f"({what}).dtype", out.dtype, torch.bool, what)
            assert_equal(f"({what}).shape", tuple(out.shape), x.shape, what)
        assert_values(by_op, by_method, f"x {symbol} y == x.{method}(y)", exact=True)
        assert_values(by_method, numpy_result(np_op, x.reference(), y_ref), f"x.{method}(y) vs NumPy", exact=True)


@pytest.mark.claim("elementwise.comparisons")
@pytest.mark.parametrize("method", ["ge", "gt", "lt", "le"])
@on_devices
def test_complex_tensors_have_no_order(method, device):
    """eq/ne work on complex tensors, the ordering comparisons raise NotImplementedError; NumPy orders
    complex numbers (by real part first)."""
    _, op, np_op = COMPARISONS[method]
    z, w = torch.tensor([1 + 2j], device=device), torch.tensor([2 - 1j], device=device)
    assert_values(z.eq(w), [False], "z.eq(w)", exact=True)
    assert_values(z.ne(w), [True], "z.ne(w)", exact=True)
    error = RuntimeError if differs("complex_order_runtime_error") else NotImplementedError
    with pytest.raises(error, match="not implemented for 'ComplexFloat'") as raised:
        getattr(z, method)(w)
    assert type(raised.value) is error, f"z.{method}(w) raised {type(raised.value).__name__}, not {error.__name__}"
    assert_equal(f"np.{np_op.__name__}(1+2j, 2-1j)", bool(np_op(1 + 2j, 2 - 1j)), op(1, 2), "NumPy on complex")


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
    with repro(f"t = {x.source(device)}\nt.{method}()", claim="elementwise.unary"):
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
        assert_equal(f"t.{method}().dtype", out.dtype, dtype, f"t.{method}()")
        assert_equal(f"t.{method}().shape", tuple(out.shape), x.shape, f"t.{method}()")
        assert_values(getattr(torch, method)(t), out, f"torch.{method}(t) == t.{method}()", exact=True)
        if op is not None:
            assert_values(op(t), out, f"{op.__name__}(t) == t.{method}()", exact=True)
        values = x.reference().astype(np.float64) if promoted else x.reference()
        with np.errstate(all="ignore"):
            expected = rounded(np_op(values), dtype)
        assert_values(out, expected, f"t.{method}() vs NumPy", exact=not dtype.is_floating_point)


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
    with repro(f"a = {a.source(device)}\nb = {b.source(device)}\na @ b", claim="elementwise.mul_vs_matmul"):
        ta, tb = a.tensor(device), b.tensor(device)
        out = call_unless_missing(half_on_cpu(ta) and differs("matmul_half_cpu_missing"), dtype, ta.matmul, tb)
        if out is MISSING:
            return
        expected = np.matmul(a.reference().astype(np.float64), b.reference().astype(np.float64))
        assert_equal("a.matmul(b).shape", tuple(out.shape), expected.shape, "a.matmul(b)")
        assert_equal("a.matmul(b).dtype", out.dtype, dtype, "a.matmul(b)")
        assert_values(out, expected, "a.matmul(b) vs np.matmul", exact=True)
        assert_values(ta @ tb, out, "a @ b == a.matmul(b)", exact=True)
        assert_values(torch.matmul(ta, tb), out, "torch.matmul(a, b) == a.matmul(b)", exact=True)


@pytest.mark.claim("elementwise.mul_vs_matmul")
@on_devices
@given(data=st.data())
def test_mul_is_elementwise_where_matmul_multiplies_matrices(device, data):
    """The note's forms on one matrix t: t.mul(t) == t * t is the element-wise square (t's shape),
    t.matmul(t.T) == t @ t.T is the (n, n) Gram matrix."""
    dtype = data.draw(st.sampled_from(TORCH_FLOAT), label="dtype")
    x = data.draw(strided_tensors(dtypes=[dtype], shape=shapes(min_dims=2, max_dims=2), fill=_integral(dtype)),
                  label="t")
    with repro(f"t = {x.source(device)}\nt * t, t @ t.T", claim="elementwise.mul_vs_matmul"):
        t, a = x.tensor(device), x.reference().astype(np.float64)
        assert_values(t.mul(t), a * a, "t.mul(t)", exact=True)
        assert_values(t * t, t.mul(t), "t * t == t.mul(t)", exact=True)
        product = call_unless_missing(half_on_cpu(t) and differs("matmul_half_cpu_missing"), dtype, t.matmul, t.T)
        if product is MISSING:
            return
        assert_equal("t.matmul(t.T).shape", tuple(product.shape), (x.shape[0],) * 2, "t.matmul(t.T)")
        assert_values(product, a @ a.T, "t.matmul(t.T) vs NumPy", exact=True)
        assert_values(t @ t.T, product, "t @ t.T == t.matmul(t.T)", exact=True)


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
    with pytest.raises(RuntimeError, match=message):
        a @ b
    with pytest.raises(ValueError):
        np.ones(shape_a) @ np.ones(shape_b)
    try:
        np.broadcast_shapes(shape_a, shape_b)
    except ValueError:
        with pytest.raises(RuntimeError, match=r"The size of tensor a \(\d+\) must match the size of tensor b"):
            a * b
    else:
        assert_equal("(a * b).shape", tuple((a * b).shape), np.broadcast_shapes(shape_a, shape_b), "a * b")


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


@pytest.mark.claim("elementwise.in_place_suffix")
@pytest.mark.parametrize("method", IN_PLACE)
@on_devices
@given(data=st.data())
def test_in_place_methods_change_the_tensor_itself(method, device, data):
    """t.method_(...) returns t itself, writes the new values into t's memory (other tensors over it
    see them); the method without _ leaves t as it was.  On an expanded tensor (one memory element
    under several indices) only fill_ and zero_ work, the others raise RuntimeError."""
    args, reference = IN_PLACE[method]
    x = data.draw(strided_tensors(dtypes=TORCH_FLOAT), label="t")
    expr = f"t.{method}({', '.join(map(repr, args))})"
    with repro(f"t = {x.source(device)}\n{expr}", claim="elementwise.in_place_suffix"):
        t = x.tensor(device)
        plain = getattr(torch.Tensor, method[:-1], None)
        if plain is not None:
            gap = method in ("sqrt_", "clamp_") and half_on_cpu(t) and differs("in_place_half_cpu_missing")
            if call_unless_missing(gap, t.dtype, plain, t, *args) is MISSING:
                return
            assert_values(t, x.reference(), f"t after t.{method[:-1]}(...)", exact=True)
        if has_internal_overlap(t) and method not in ("fill_", "zero_"):
            with pytest.raises(RuntimeError, match="more than one element of the written-to tensor refers to a "
                                                   "single memory location"):
                getattr(t, method)(*args)
            assert_values(t, x.reference(), f"t after the refused {expr}", exact=True)
            return
        alias, ptr, stride = alias_of(t), t.data_ptr(), t.stride()
        with np.errstate(all="ignore"):
            expected = rounded(reference(x.reference().astype(np.float64)), x.dtype)
        out = getattr(t, method)(*args)
        assert_equal(f"{expr} is t", out is t, True, expr)
        assert_equal("t.data_ptr()", t.data_ptr(), ptr, expr)
        assert_equal("t.stride()", t.stride(), stride, expr)
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
    with repro(f"x = {x.source(device)}\ny = {y.source(device)}\nx.copy_(y); x.t_()", claim="elementwise.in_place_suffix"):
        t, u = x.tensor(device), y.tensor(device)
        ptr = t.data_ptr()
        assert_equal("x.copy_(y) is x", t.copy_(u) is t, True, "x.copy_(y)")
        assert_equal("x.dtype", t.dtype, x.dtype, "x.copy_(y)")
        assert_values(t, u.to(x.dtype), "x after x.copy_(y)", exact=True)
        assert_values(u, y.reference(), "y after x.copy_(y)", exact=True)
        before = t.clone()
        assert_equal("x.t_() is x", t.t_() is t, True, "x.t_()")
        assert_equal("x.data_ptr()", t.data_ptr(), ptr, "x.t_()")
        assert_values(t, before.t(), "x after x.t_()", exact=True)
    with pytest.raises(RuntimeError, match=r"t_\(\) expects a tensor with <= 2 dimensions, but self is 3D"):
        torch.zeros(1, 2, 3, device=device).t_()


AUGMENTED = {  # statement: (what Python runs for it, NumPy reference)
    "t += 2": (operator.iadd, np.add),
    "t -= 2": (operator.isub, np.subtract),
    "t *= 2": (operator.imul, np.multiply),
    "t /= 2": (operator.itruediv, np.true_divide),
}


@pytest.mark.claim("elementwise.in_place_suffix")
@pytest.mark.parametrize("statement", AUGMENTED)
@on_devices
def test_augmented_assignment_is_in_place_too(statement, device):
    """t += v (and -=, *=, /=) changes t itself, like the _ methods: the same object, the same memory."""
    python_op, np_op = AUGMENTED[statement]
    t = torch.arange(6.0, device=device).reshape(2, 3)
    alias, ptr = alias_of(t), t.data_ptr()
    after = python_op(t, 2)  # `t += 2` is `t = operator.iadd(t, 2)`
    assert_equal(f"t after `{statement}` is t before", after is t, True, statement)
    assert_equal("t.data_ptr()", after.data_ptr(), ptr, statement)
    assert_values(alias, np_op(np.arange(6.0).reshape(2, 3), 2), f"another tensor over t's memory, after `{statement}`",
                  exact=True)


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
    return cases + [("t.add_(1j)", lambda t: t.add_(1j), r"result type Complex\w+ can't be cast to the desired output type")]


@pytest.mark.claim("elementwise.in_place_suffix")
@on_devices
@given(data=st.data())
def test_an_in_place_op_that_needs_another_dtype_or_shape_raises_and_changes_nothing(device, data):
    """int.div_(2) (true division), int.add_(1.5), bool.add_(2), float.add_(1j), or a result that would
    broadcast to a bigger shape: RuntimeError, and t keeps its values."""
    x = data.draw(strided_tensors(shape=shapes(min_side=1), layouts=WRITABLE_LAYOUTS), label="t")
    name, call, message = data.draw(st.sampled_from(_refusals(x.dtype)), label="call")
    with repro(f"t = {x.source(device)}\n{name}", claim="elementwise.in_place_suffix"):
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
    with repro(f"t = {x.source(device)}\nv = {v_source}\nt[:, {j}] = v", claim="elementwise.index_assign"):
        t = x.tensor(device)
        alias, ptr = alias_of(t), t.data_ptr()
        expected = x.reference().copy()
        expected[:, j] = v_ref
        t[:, j] = value
        assert_equal("t.data_ptr()", t.data_ptr(), ptr, f"t[:, {j}] = v")
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
        with repro(f"torch.zeros((), dtype=torch.complex64) + torch.tensor({other.item()!r})",
                   claim="elementwise.arith_methods"):
            assert_equal("numpy sum", np.complex64(0) + np.asarray(other.cpu()), numpy_sum, "NumPy 0j + other")
            got = complex((zero + other).item())
            assert_equal("torch sum (nan as 'nan')", repr(got), repr(torch_sum), "0j + other")


@pytest.mark.claim("elementwise.dtype_mismatch")
@on_devices
@given(operands=mixed_operands())
def test_mixed_dtypes_combine_by_type_promotion(device, operands):
    """Operands of different dtypes combine: a + b, a * b and torch.add have the dtype of the stated
    rule (tensorspec.reference.promotion) = torch.result_type(a, b), and a + b holds NumPy's sum computed in it."""
    (a, a_source, a_ref), (b, b_source, b_ref) = (build(x, device) for x in operands)
    with repro(f"a = {a_source}\nb = {b_source}\na + b, torch.result_type(a, b)", claim="elementwise.dtype_mismatch"):
        expected = promotion.result_dtype(a, b)
        assert_equal("torch.result_type(a, b)", torch.result_type(a, b), expected, "torch.result_type(a, b)")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # complex32 ("ComplexHalf support is experimental")
            total = a + b
            for expr, out in (("a + b", total), ("a * b", a * b), ("torch.add(a, b)", torch.add(a, b))):
                assert_equal(f"({expr}).dtype", out.dtype, expected, expr)
        if expected in NUMPY_OF_TORCH:  # NumPy has neither bfloat16 nor complex32
            np_dtype = NUMPY_OF_TORCH[expected]
            with np.errstate(all="ignore"):
                reference = np.asarray(a_ref).astype(np_dtype) + np.asarray(b_ref).astype(np_dtype)
            assert_values(total, reference, "a + b vs NumPy in the promoted dtype")


def ones_on(device):
    """``ones(dtype_name, shape=(2,))`` on ``device``: the operands of the tables below."""
    return lambda dtype, shape=(2,): torch.ones(shape, dtype=getattr(torch, dtype), device=device)


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
        assert_equal("(a + b).dtype", (x + y).dtype, getattr(torch, torch_dtype), f"{a} + {b}")
    assert_equal("promotion.result_dtype(a, b)", promotion.result_dtype(x, y), getattr(torch, torch_dtype), f"{a} + {b}")
    if numpy_dtype is None:
        return  # NumPy has no bfloat16
    if not NUMPY2:
        pytest.skip(f"NumPy {np.__version__} < 2 promotes by value (NEP 50 is NumPy 2): its column is not checked")
    x, y = (_operand(spec, lambda dtype, shape: np.ones(shape, dtype)) for spec in (a, b))
    if isinstance(numpy_dtype, str):
        assert_equal("NumPy (a + b).dtype", (x + y).dtype, np.dtype(numpy_dtype), f"{a} + {b}")
    else:
        with pytest.raises(numpy_dtype):
            x + y


REFUSE = [  # (operation, call on a factory of ones, regex of torch's message)
    ("torch.mm(float32, float64)", lambda ones: torch.mm(ones("float32", (2, 2)), ones("float64", (2, 2))),
     "same dtype|expected scalar type"),
    ("float32 matrix @ float64 matrix", lambda ones: ones("float32", (2, 2)) @ ones("float64", (2, 2)), "same dtype|expected scalar type"),
    ("torch.matmul(float32 vector, float64 vector)", lambda ones: torch.matmul(ones("float32"), ones("float64")),
     "same dtype"),
    ("torch.dot(float32, int64)", lambda ones: torch.dot(ones("float32"), ones("int64")), "same dtype"),
    ("torch.bmm(float32, float64)", lambda ones: torch.bmm(ones("float32", (1, 2, 2)), ones("float64", (1, 2, 2))),
     "same dtype|expected scalar type"),
    ("F.linear(float64 input, float32 weight)",
     lambda ones: torch.nn.functional.linear(ones("float64", (1, 2)), ones("float32", (2, 2))), "same dtype|expected scalar type"),
    ("int64.add_(float32) in place", lambda ones: ones("int64").add_(ones("float32")),
     "result type Float can't be cast to the desired output type Long"),
    ("bool.mul_(int64) in place", lambda ones: ones("bool").mul_(ones("int64")),
     "result type Long can't be cast to the desired output type Bool"),
    ("torch.add(int64, float32, out=int64)", lambda ones: torch.add(ones("int64"), ones("float32"), out=ones("int64")),
     "result type Float can't be cast to the desired output type Long"),
    ("int64 + uint16", lambda ones: ones("int64") + ones("uint16"),
     "Promotion for uint16, uint32, uint64 types is not supported"),
]


@pytest.mark.claim("elementwise.dtype_mismatch")
@pytest.mark.parametrize("operation,call,message", REFUSE, ids=[row[0] for row in REFUSE])
@on_devices
def test_the_operations_that_do_refuse_mixed_dtypes(operation, call, message, device, claim_fact):
    """Matrix products (mm, matmul, dot, bmm, linear), in-place ops and out= into a lower category,
    and uint16/32/64 with other integers raise RuntimeError instead of promoting.  Where the wording
    varies between releases (matrix products) the message raised is recorded as a fact."""
    if "uint16" in operation and not hasattr(torch, "uint16"):
        pytest.skip(f"torch {torch.__version__} has no torch.uint16")
    with pytest.raises(RuntimeError, match=message) as raised:
        call(ones_on(device))
    if "|" in message:
        claim_fact("elementwise.dtype_mismatch", f"{operation} raises", str(raised.value).splitlines()[0])


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
    assert_equal("result dtype", call(ones_on(device)).dtype, dtype, operation)
