"""elementwise.mul_vs_matmul: ``*`` / mul is element-wise, ``@`` / matmul the matrix product (BZ, CH2.4).

Operands are tensor recipes (``tensorspec.testing.layouts``) of float16/bfloat16/float32/float64 small
integers, so every product and partial sum is exact and NumPy's float64 result is the reference.
"""
from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from tensorspec.claims.context import differs
from tensorspec.testing.assertions import assert_dtype, assert_equal, assert_shape, assert_values, repro
from tensorspec.testing.devices import on_devices
from tensorspec.testing.dtypes import TORCH_FLOAT
from tensorspec.testing.elementwise import half_on_cpu
from tensorspec.testing.kernels import MISSING, call_unless_missing
from tensorspec.testing.layouts import WRITABLE_LAYOUTS, tensors_in_layouts
from tensorspec.testing.shape_strategies import matmul_shapes
from tensorspec.testing.spellings import spellings
from tensorspec.testing.strategies import shapes

CLAIM = "elementwise.mul_vs_matmul"


def _integral(dtype: torch.dtype):
    """Integer-valued floats small enough that every product and sum is exact in ``dtype``."""
    bound = 4 if dtype in (torch.float16, torch.bfloat16) else 100
    return st.integers(-bound, bound).map(float)


def _missing(t: torch.Tensor) -> bool:
    return half_on_cpu(t) and differs("matmul_half_cpu_missing")


@pytest.mark.claim(CLAIM, "matmul_follows_numpy_rules", "exact_where_every_step_is")
@on_devices
@given(data=st.data())
def test_matmul_and_the_at_operator_are_the_matrix_product(device, data):
    """a.matmul(b) == a @ b == torch.matmul(a, b) == np.matmul: vector.vector gives a 0-d tensor,
    matrix.vector and vector.matrix drop the vector's axis, batches broadcast; dtype kept."""
    shape_a, shape_b = data.draw(matmul_shapes(), label="shapes")
    dtype = data.draw(st.sampled_from(TORCH_FLOAT), label="dtype")
    a, b = (data.draw(tensors_in_layouts(dtypes=[dtype], shape=s, layouts=WRITABLE_LAYOUTS, fill=_integral(dtype)),
                      label=name) for s, name in ((shape_a, "a"), (shape_b, "b")))
    with repro(f"a = {a.source(device)}\nb = {b.source(device)}\na @ b"):
        ta, tb = a.tensor(device), b.tensor(device)
        out = call_unless_missing(_missing(ta), dtype, ta.matmul, tb)
        if out is MISSING:
            return
        expected = np.matmul(a.reference().astype(np.float64), b.reference().astype(np.float64))
        assert_shape(out, expected.shape, expr="a.matmul(b)", name="a.matmul(b).shape")
        assert_dtype(out, dtype, expr="a.matmul(b)", name="a.matmul(b).dtype")
        assert_values(out, expected, expr="a.matmul(b) vs np.matmul", exact=True, zero_sign=False)
        assert_values(ta @ tb, out, expr="a @ b == a.matmul(b)", exact=True)
        assert_values(torch.matmul(ta, tb), out, expr="torch.matmul(a, b) == a.matmul(b)", exact=True)


@pytest.mark.claim(CLAIM, "mul_is_elementwise", "gram_matrix")
@on_devices
@given(data=st.data())
def test_mul_is_elementwise_where_matmul_multiplies_matrices(device, data):
    """The note's forms on one matrix t: t.mul(t) == t * t == torch.mul(t, t) is the element-wise
    square (t's shape), t.matmul(t.T) == t @ t.T == torch.matmul(t, t.T) is the (n, n) Gram matrix."""
    dtype = data.draw(st.sampled_from(TORCH_FLOAT), label="dtype")
    x = data.draw(tensors_in_layouts(dtypes=[dtype], shape=shapes(min_dims=2, max_dims=2), fill=_integral(dtype)),
                  label="t")
    square = torch.arange(4.0, device=device).reshape(2, 2)  # a square t on every run, not only when drawn
    for expr, call in spellings("mul", "t", symbol="*").items():
        assert_values(call(square, square), np.arange(4.0).reshape(2, 2) ** 2,
                      expr=f"{expr}, t = arange(4.).reshape(2, 2)", exact=True)
    for expr, call in spellings("matmul", "t.T", symbol="@").items():
        a = np.arange(4.0).reshape(2, 2)
        assert_values(call(square, square.T), a @ a.T, expr=f"{expr}, t = arange(4.).reshape(2, 2)", exact=True)
    with repro(f"t = {x.source(device)}\nt * t, t @ t.T"):
        t, a = x.tensor(device), x.reference().astype(np.float64)
        for expr, call in spellings("mul", "t", symbol="*").items():
            assert_values(call(t, t), a * a, expr=expr, exact=True)
        for expr, call in spellings("matmul", "t.T", symbol="@").items():
            product = call_unless_missing(_missing(t), dtype, call, t, t.T)
            if product is MISSING:
                return
            assert_equal(tuple(product.shape), (x.shape[0],) * 2, expr=expr, name=f"({expr}).shape")
            assert_values(product, a @ a.T, expr=f"{expr} vs NumPy", exact=True, zero_sign=False)


@pytest.mark.claim(CLAIM, "general_values_within_rounding")
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=str)
@on_devices
def test_matmul_of_general_floats_equals_numpy_within_rounding(dtype, device, claim_fact):
    """Values that are not small integers: a @ b equals np.matmul in the same dtype within the rounding
    of a 300-term sum, |a @ b - np.matmul| <= 300 * eps * (|a| @ |b|) (the summation orders differ, so
    not necessarily bit for bit: the largest difference is recorded)."""
    g = torch.Generator().manual_seed(0)
    a, b = torch.randn(7, 300, generator=g, dtype=dtype), torch.randn(300, 9, generator=g, dtype=dtype)
    out = (a.to(device) @ b.to(device)).cpu().double()
    expected = torch.from_numpy(np.matmul(a.numpy(), b.numpy())).double()
    bound = 300 * torch.finfo(dtype).eps * (a.abs().double() @ b.abs().double())
    worst = ((out - expected).abs() - bound).max().item()
    assert worst <= 0, f"a @ b differs from np.matmul by more than 300 * eps * (|a| @ |b|) (by {worst:.3g} beyond it)"
    claim_fact(f"max |a @ b - np.matmul| ({dtype}, (7, 300) @ (300, 9))",
               f"{(out - expected).abs().max().item():.2g}")


@pytest.mark.claim(CLAIM, "exact_where_every_step_is")
@on_devices
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=str)
def test_the_sign_of_a_zero_product_is_left_open(dtype, device, claim_fact):
    """Worked example: ``t @ t.T`` for ``t = [[0.], [-1.]]`` holds a zero at [0, 1] (0 * -1), equal to
    NumPy's; which sign each library gives it is recorded, not asserted."""
    t = torch.tensor([[0.0], [-1.0]], dtype=dtype, device=device)
    a = t.cpu().numpy()
    out = (t @ t.T).cpu()
    assert_values(out, a @ a.T, expr="t @ t.T vs NumPy", exact=True, zero_sign=False)
    claim_fact(f"(t @ t.T)[0, 1] / NumPy's ({dtype}, t = [[0.], [-1.]])", f"{out[0, 1].item()} / {(a @ a.T)[0, 1]}")


MATMUL_ERRORS = [  # (shape of a, shape of b, regex of torch's message)
    ((), (2, 2), "both arguments to matmul need to be at least 1D"),
    ((2, 3), (2, 3), r"mat1 and mat2 shapes cannot be multiplied \(2x3 and 2x3\)"),
    ((3,), (2,), "inconsistent tensor size"),
    ((2, 3), (2,), "size mismatch"),
    ((2, 2, 3), (2, 2, 3), "Expected size for first two dimensions of batch2 tensor"),
]


@pytest.mark.claim(CLAIM, "matmul_errors", "mul_is_elementwise")
@pytest.mark.parametrize("shape_a,shape_b,message", MATMUL_ERRORS)
@on_devices
def test_matmul_needs_matching_inner_sizes_and_mul_needs_broadcastable_shapes(shape_a, shape_b, message, device):
    """matmul refuses 0-d operands and unequal inner sizes (RuntimeError; NumPy: ValueError); * of the
    same operands is a different question - it needs broadcastable shapes."""
    a, b = torch.ones(shape_a, device=device), torch.ones(shape_b, device=device)
    for expr, call in spellings("matmul", "b", symbol="@", operand="a").items():
        with repro(f"{expr}, shapes {shape_a} and {shape_b}"):
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
            assert_equal(tuple(call(a, b).shape), np.broadcast_shapes(shape_a, shape_b), expr=expr,
                         name=f"({expr}).shape")
