"""Planted changes for the elementwise group: each must turn its statement's tests in
spec/test_elementwise_*.py red.  Where a statement covers several spellings (operator, method,
function, reflected operator, in-place method, augmented assignment) there is one planted change
per spelling (``per_spelling`` plants one wrapper once per spelling)."""
from __future__ import annotations

import warnings

import numpy as np
import torch

from tensorspec.harness.mutation import kind_of, mutant, owner_of, per_spelling, planted, raising, when, wrap

WIDE_UNSIGNED = tuple(getattr(torch, n) for n in ("uint16", "uint32", "uint64") if hasattr(torch, n))
LOW_PRECISION = (torch.float16, torch.bfloat16)


# ==== elementwise.arith_methods ======================================================================
ARITH = "elementwise.arith_methods"


@mutant(ARITH, "operators_equal_methods")
def sub_operator_swaps_its_operands(mp):
    """`x - y` computes y - x (Tensor.__sub__ only; x.sub(y) and torch.sub untouched)."""
    @wrap(mp, torch.Tensor, "__sub__")
    def sub(orig, self, other):
        return torch.sub(other, self) if isinstance(other, torch.Tensor) else -orig(self, other)


@mutant(ARITH, "operators_equal_methods")
def div_method_floors(mp):
    """x.div(y) rounds down, unlike x / y (Tensor.div only)."""
    @wrap(mp, torch.Tensor, "div")
    def div(orig, self, other, **kwargs):
        return orig(self, other, rounding_mode="floor")


@mutant(ARITH, "operators_equal_methods")
def add_function_adds_one_more(mp):
    """torch.add(x, y) is x + y + 1 for numbers (torch.add only; x + y and x.add(y) untouched)."""
    @wrap(mp, torch, "add")
    def add(orig, a, b, **kwargs):
        out = orig(a, b, **kwargs)
        return out if out.dtype == torch.bool else out + 1


@mutant(ARITH, "operators_equal_methods")
def rsub_operator_forgets_to_reflect(mp):
    """`y - x` with a Python scalar y on the left computes x - y (Tensor.__rsub__ only; x.sub, torch.sub
    and x - y untouched)."""
    @wrap(mp, torch.Tensor, "__rsub__")
    def rsub(orig, self, other):
        return torch.Tensor.sub(self, other)


@mutant(ARITH, "operators_equal_methods")
def radd_operator_computes_in_float64(mp):
    """`y + x` with a Python scalar y on the left computes in float64 and returns float64 (Tensor.__radd__
    only)."""
    @wrap(mp, torch.Tensor, "__radd__")
    def radd(orig, self, other):
        return orig(self.to(torch.float64), other)


@mutant(ARITH, "numpy_values")
def products_round_through_bfloat16(mp):
    """x * y, x.mul(y) and torch.mul(x, y) of float32/float64 tensors are rounded through bfloat16 (all
    three spellings alike, so only NumPy tells)."""
    def rounds(orig, a, b, **kwargs):
        out = orig(a, b, **kwargs)
        return out.to(torch.bfloat16).to(out.dtype) if out.dtype in (torch.float32, torch.float64) else out
    for owner, name in ((torch.Tensor, "__mul__"), (torch.Tensor, "mul"), (torch, "mul")):
        wrap(mp, owner, name)(rounds)


@per_spelling(ARITH, "low_precision_python_floats", "low_precision_{op}_{kind}_rounds_the_python_float_first",
              "`{form}` for a float16/bfloat16 x and a Python float s rounds s to x's dtype first, as NumPy does "
              "({spelling} only).",
              {"x * s": "Tensor.__mul__", "s * x": "Tensor.__rmul__", "x.mul(s)": "Tensor.mul",
               "torch.mul(x, s)": "torch.mul", "x / s": "Tensor.__truediv__", "x.div(s)": "Tensor.div",
               "torch.div(x, s)": "torch.div"})
def _rounds_the_scalar_first(orig, *args, **kwargs):
    x, s = args[:2]
    if isinstance(x, torch.Tensor) and x.dtype in LOW_PRECISION and type(s) is float:
        s = torch.tensor(s, dtype=x.dtype).item()  # NumPy's way: s rounded to x's dtype first
    return orig(x, s, *args[2:], **kwargs)


@mutant(ARITH, "reflected_division")
def rtruediv_operator_divides_exactly(mp):
    """`y / x` with a Python scalar y on the left is a correctly rounded division, not y * x.reciprocal()
    (Tensor.__rtruediv__ only)."""
    @wrap(mp, torch.Tensor, "__rtruediv__")
    def rtruediv(orig, self, other):
        return torch.div(torch.full_like(self, other, dtype=torch.result_type(self, other)), self)


@per_spelling(ARITH, "true_division", "integer_{kind}_division_gives_float64",
              "`{form}` of integer or bool operands gives float64, as NumPy does ({spelling} only).",
              {"x / y": "Tensor.__truediv__", "x.div(y)": "Tensor.div", "torch.div(x, y)": "torch.div"})
def _integer_division_in_float64(orig, a, b, *args, **kwargs):
    out = orig(a, b, *args, **kwargs)
    integral = isinstance(a, torch.Tensor) and not (a.is_floating_point() or a.is_complex())
    return out.double() if integral and not kwargs.get("rounding_mode") else out


@mutant(ARITH, "true_division")
def integer_true_division_in_float64(mp):
    """int / int computes in float64, as NumPy does, before giving float32 (Tensor.__truediv__ only)."""
    @wrap(mp, torch.Tensor, "__truediv__")
    def truediv(orig, self, other):
        if not self.is_floating_point() and isinstance(other, int):
            return torch.from_numpy(self.cpu().numpy() / other).to(torch.get_default_dtype()).to(self.device)
        return orig(self, other)


@mutant(ARITH, "bool_subtraction_refused")
def bool_minus_a_number_is_int(mp):
    """bool_tensor - 2 gives an int64 tensor, as NumPy's bool_array - 2, instead of raising (Tensor.__sub__)."""
    @wrap(mp, torch.Tensor, "__sub__")
    def sub(orig, self, other):
        if self.dtype == torch.bool and isinstance(other, int) and not isinstance(other, bool):
            return orig(self.to(torch.int64), other)
        return orig(self, other)


@per_spelling(ARITH, "bool_subtraction_refused", "bool_{op}_{kind}_is_xor",
              "`{form}` of bool operands is their logical xor instead of a RuntimeError ({spelling} only).",
              {"x - y": "Tensor.__sub__", "x.sub(y)": "Tensor.sub", "torch.sub(x, y)": "torch.sub",
               "y - x": "Tensor.__rsub__"})
def _bool_sub_is_xor(orig, a, b, *args, **kwargs):
    if isinstance(a, torch.Tensor) and a.dtype == torch.bool and isinstance(b, (bool, torch.Tensor)) \
            and (not isinstance(b, torch.Tensor) or b.dtype == torch.bool):
        return torch.logical_xor(a, torch.as_tensor(b, device=a.device))
    return orig(a, b, *args, **kwargs)


@per_spelling(ARITH, "integers_wrap", "big_int_{kind}_add_saturates",
              "`{form}` with a Python int outside the tensor's range saturates instead of wrapping ({spelling} only).",
              {"t + 1000": "Tensor.__add__", "t.add(1000)": "Tensor.add", "torch.add(t, 1000)": "torch.add"})
def _big_ints_saturate(orig, a, b, *args, **kwargs):
    if isinstance(a, torch.Tensor) and not a.is_floating_point() and a.dtype != torch.bool \
            and type(b) is int and not torch.iinfo(a.dtype).min <= b <= torch.iinfo(a.dtype).max:
        return (a.to(torch.int64) + b).clamp(torch.iinfo(a.dtype).min, torch.iinfo(a.dtype).max).to(a.dtype)
    return orig(a, b, *args, **kwargs)


@per_spelling(ARITH, "wide_unsigned_add_refused", "wide_unsigned_{op}_{kind}_works",
              "`{form}` of uint16/uint32/uint64 tensors computes (through int64) instead of raising "
              'NotImplementedError "add_stub" ({spelling} only).',
              {"t + t": "Tensor.__add__", "t - t": "Tensor.__sub__", "t.add(1)": "Tensor.add",
               "t.sub(1)": "Tensor.sub"})
def _wide_unsigned_computes(orig, self, other, *args, **kwargs):
    if self.dtype in WIDE_UNSIGNED:
        wide = other.to(torch.int64) if isinstance(other, torch.Tensor) else other
        return orig(self.to(torch.int64), wide, *args, **kwargs).to(self.dtype)
    return orig(self, other, *args, **kwargs)


@mutant(ARITH, "wide_unsigned_mul_div")
def wide_unsigned_times_float_is_float64(mp):
    """uint16/uint32/uint64 * float32 tensor gives float64 (Tensor.__mul__)."""
    @wrap(mp, torch.Tensor, "__mul__")
    def mul(orig, self, other):
        out = orig(self, other)
        return out.double() if self.dtype in WIDE_UNSIGNED and out.is_floating_point() else out


@mutant(ARITH, "wide_unsigned_mul_div")
def wide_unsigned_division_floors(mp):
    """uint16/uint32/uint64 / 2 floors into the same dtype (Tensor.__truediv__)."""
    @wrap(mp, torch.Tensor, "__truediv__")
    def truediv(orig, self, other):
        if self.dtype in WIDE_UNSIGNED:
            return (self.to(torch.int64) // other).to(self.dtype)
        return orig(self, other)


@mutant(ARITH, "complex_infinity_sum")
def complex_sum_adds_the_parts(mp):
    """A complex sum adds real and imaginary parts separately, as NumPy: (0+0j) + inf is inf+0j."""
    @wrap(mp, torch.Tensor, "__add__")
    def add(orig, self, other):
        if isinstance(other, torch.Tensor) and (self.is_complex() or other.is_complex()):
            dtype = torch.result_type(self, other)
            a, b = self.to(dtype), other.to(dtype)
            return torch.complex(a.real + b.real, a.imag + b.imag)
        return orig(self, other)


# ==== elementwise.comparisons =========================================================================
COMPARE = "elementwise.comparisons"


@mutant(COMPARE, "operators_equal_methods")
def lt_operator_is_le(mp):
    """`x < y` answers x <= y (Tensor.__lt__ only)."""
    wrap(mp, torch.Tensor, "__lt__")(lambda orig, self, other: torch.Tensor.le(self, other))


@mutant(COMPARE, "operators_equal_methods")
def ge_method_is_gt(mp):
    """x.ge(y) answers x > y (Tensor.ge only)."""
    wrap(mp, torch.Tensor, "ge")(lambda orig, self, other: torch.gt(self, other))


@mutant(COMPARE, "operators_equal_methods")
def gt_function_is_ge(mp):
    """torch.gt(x, y) answers x >= y (x > y and x.gt(y) untouched)."""
    @wrap(mp, torch, "gt")
    def gt(orig, a, b, **kwargs):
        return torch.ge(a, b, **kwargs)


@mutant(COMPARE, "operators_equal_methods")
def eq_method_says_nan_equals_nan(mp):
    """x.eq(y) is True where both are NaN (Tensor.eq only)."""
    @wrap(mp, torch.Tensor, "eq")
    def eq(orig, self, other):
        out = orig(self, other)
        if self.is_floating_point():
            out = out | (self.isnan() & torch.as_tensor(other, device=self.device).isnan())
        return out


@per_spelling(COMPARE, "bool_tensor_of_the_shape", "ge_{kind}_gives_uint8",
              "`{form}` gives a uint8 tensor, as before torch 1.2 ({spelling} only).",
              {"x >= y": "Tensor.__ge__", "x.ge(y)": "Tensor.ge", "torch.ge(x, y)": "torch.ge"})
def _gives_uint8(orig, *args, **kwargs):
    return orig(*args, **kwargs).to(torch.uint8)


def _complex(self, other) -> bool:
    return self.is_complex()


def _wide_unsigned(self, other) -> bool:
    return self.dtype in WIDE_UNSIGNED


@mutant(COMPARE, "complex_not_ordered")
def complex_lt_compares_real_parts(mp):
    """z.lt(w) of complex tensors compares the real parts instead of raising."""
    wrap(mp, torch.Tensor, "lt")(when(_complex, lambda orig, self, other: orig(self.real, other.real)))


@mutant(COMPARE, "complex_not_ordered")
def complex_ordering_raises_a_plain_runtime_error(mp):
    """z.gt(w) of complex tensors raises a plain RuntimeError (the class of older releases)."""
    wrap(mp, torch.Tensor, "gt")(when(_complex, raising(RuntimeError,
                                                        "\"gt_cpu\" not implemented for 'ComplexFloat'")))


@mutant(COMPARE, "wide_unsigned_not_ordered")
def wide_unsigned_tensors_are_ordered(mp):
    """t.ge(u) of uint16/uint32/uint64 tensors compares (through int64) instead of raising."""
    wrap(mp, torch.Tensor, "ge")(when(_wide_unsigned, lambda orig, self, other: orig(self.to(torch.int64),
                                                                                     other.to(torch.int64))))


@mutant(COMPARE, "wide_unsigned_not_ordered")
def wide_unsigned_ordering_raises_a_plain_runtime_error(mp):
    """t.le(u) of uint16/uint32/uint64 tensors raises a plain RuntimeError (the class of torch 2.4)."""
    wrap(mp, torch.Tensor, "le")(when(_wide_unsigned, raising(RuntimeError,
                                                              "\"le_cpu\" not implemented for 'UInt16'")))


# ==== elementwise.unary ===============================================================================
UNARY = "elementwise.unary"


ABS = {"t.abs()": "Tensor.abs", "torch.abs(t)": "torch.abs", "abs(t)": "Tensor.__abs__"}
NEG = {"t.neg()": "Tensor.neg", "torch.neg(t)": "torch.neg", "-t": "Tensor.__neg__"}
SQRT = {"t.sqrt()": "Tensor.sqrt", "torch.sqrt(t)": "torch.sqrt"}


@per_spelling(UNARY, "functions_equal_methods", "{op}_{kind}_adds_one",
              "`{form}` is one more than it should be ({spelling} only).", {**ABS, **NEG, **SQRT})
def _off_by_one(orig, t, *a, **k):
    out = orig(t, *a, **k)
    return out + 1 if out.dtype != torch.bool and out.numel() else out


@mutant(UNARY, "functions_equal_methods")
def sqrt_of_negatives_is_zero(mp):
    """t.sqrt() gives 0 for negative elements, not NaN (Tensor.sqrt)."""
    @wrap(mp, torch.Tensor, "sqrt")
    def sqrt(orig, self):
        return orig(self.clamp(min=0))


@mutant(UNARY, "abs_neg_keep_the_dtype")
def abs_of_int8_min_saturates(mp):
    """t.abs() of int8 -128 is 127 (saturating) instead of wrapping to -128 (Tensor.abs)."""
    @wrap(mp, torch.Tensor, "abs")
    def abs_(orig, self):
        out = orig(self)
        return out.clamp(min=0) if self.dtype == torch.int8 else out


@mutant(UNARY, "abs_neg_keep_the_dtype")
def neg_of_uint8_is_int16(mp):
    """t.neg() of a uint8 tensor gives int16 (no wrapping) (Tensor.neg)."""
    @wrap(mp, torch.Tensor, "neg")
    def neg(orig, self):
        return orig(self.to(torch.int16)) if self.dtype == torch.uint8 else orig(self)


@per_spelling(UNARY, "complex_abs_is_real", "complex_abs_{kind}_stays_complex",
              "`{form}` of a complex tensor keeps the complex dtype ({spelling} only; NumPy's np.abs is real).", ABS)
def _complex_abs_stays_complex(orig, t):
    out = orig(t)
    return out.to(t.dtype) if t.is_complex() else out


@mutant(UNARY, "complex_abs_is_real")
def complex_neg_is_real(mp):
    """t.neg() of a complex tensor drops the imaginary part."""
    @wrap(mp, torch.Tensor, "neg")
    def neg(orig, self):
        return orig(self.real) if self.is_complex() else orig(self)


@per_spelling(UNARY, "sqrt_of_integers", "sqrt_{kind}_of_integers_is_float64",
              "`{form}` of an integer or bool tensor gives float64 ({spelling} only).", SQRT)
def _sqrt_of_integers_in_float64(orig, t):
    return orig(t.double()) if not (t.is_floating_point() or t.is_complex()) else orig(t)


def _bool_passes_through(replacement):
    """A wrapper that gives ``replacement(t)`` for a bool tensor t."""
    def op(orig, t, *a, **k):
        return replacement(t) if t.dtype == torch.bool else orig(t, *a, **k)
    return op


per_spelling(UNARY, "bool_abs_refused", "bool_abs_{kind}_is_identity",
             "`{form}` of a bool tensor returns a copy instead of raising ({spelling} only).", ABS)(
    _bool_passes_through(torch.clone))
per_spelling(UNARY, "bool_neg_refused", "bool_neg_{kind}_is_logical_not",
             "`{form}` of a bool tensor is its logical_not() instead of raising ({spelling} only).", NEG)(
    _bool_passes_through(torch.logical_not))


@per_spelling(UNARY, "wide_unsigned_cpu", "wide_unsigned_{op}_works",
              "{form} of a uint16/uint32/uint64 tensor computes (through int64) instead of raising.",
              {"t.abs()": "Tensor.abs", "t.neg()": "Tensor.neg"})
def _wide_unsigned_through_int64(orig, self):
    return orig(self.to(torch.int64)).to(self.dtype) if self.dtype in WIDE_UNSIGNED else orig(self)


@mutant(UNARY, "wide_unsigned_cpu")
def wide_unsigned_sqrt_is_float64(mp):
    """t.sqrt() of a uint16/uint32/uint64 tensor gives float64."""
    @wrap(mp, torch.Tensor, "sqrt")
    def sqrt(orig, self):
        return orig(self.double()) if self.dtype in WIDE_UNSIGNED else orig(self)


# ==== elementwise.mul_vs_matmul =======================================================================
MATMUL = "elementwise.mul_vs_matmul"


@per_spelling(MATMUL, "mul_is_elementwise", "mul_{kind}_is_matmul_on_square_matrices",
              "`{form}` of two square matrices is the matrix product ({spelling} only).",
              {"a * b": "Tensor.__mul__", "a.mul(b)": "Tensor.mul", "torch.mul(a, b)": "torch.mul"})
def _mul_is_matmul_on_squares(orig, a, b, **kwargs):
    if torch.is_tensor(a) and torch.is_tensor(b) and a.dim() == b.dim() == 2 and a.shape == b.shape \
            and a.shape[0] == a.shape[1] and a.shape[0] > 1:
        return torch.matmul(a, b)
    return orig(a, b, **kwargs)


@mutant(MATMUL, "matmul_follows_numpy_rules")
def matmul_operator_is_elementwise(mp):
    """a @ b multiplies element-wise (Tensor.__matmul__ only)."""
    mp.setattr(torch.Tensor, "__matmul__", lambda self, other: self * other)


MATMULS = {"a @ b": "Tensor.__matmul__", "a.matmul(b)": "Tensor.matmul", "torch.matmul(a, b)": "torch.matmul"}


@per_spelling(MATMUL, "matmul_follows_numpy_rules", "vector_dot_{kind}_keeps_an_axis",
              "`{form}` of two vectors gives shape (1,) instead of a 0-d tensor ({spelling} only).", MATMULS)
def _vector_dot_keeps_an_axis(orig, a, b, **kwargs):
    out = orig(a, b, **kwargs)
    return out.reshape(1) if a.dim() == b.dim() == 1 else out


@mutant(MATMUL, "exact_where_every_step_is")
def matmul_adds_half_everywhere(mp):
    """a @ b, a.matmul(b) and torch.matmul(a, b) are all 0.5 more than the product (all spellings alike,
    so only NumPy tells)."""
    def off(orig, a, b, **kwargs):
        out = orig(a, b, **kwargs)
        return out + 0.5 if out.is_floating_point() else out
    for owner, name in ((torch.Tensor, "__matmul__"), (torch.Tensor, "matmul"), (torch, "matmul")):
        wrap(mp, owner, name)(off)


@mutant(MATMUL, "general_values_within_rounding")
def matmul_rounds_through_float16(mp):
    """a @ b of float32/float64 tensors is rounded through float16 (beyond the rounding of a summation order)."""
    @wrap(mp, torch.Tensor, "__matmul__")
    def matmul(orig, a, b):
        out = orig(a, b)
        return out.half().to(out.dtype) if out.dtype in (torch.float32, torch.float64) else out


@per_spelling(MATMUL, "gram_matrix", "gram_{kind}_is_t_T_t", "`{form}` computes t.T @ t ({spelling} only).",
              {"t @ t.T": "Tensor.__matmul__", "t.matmul(t.T)": "Tensor.matmul",
               "torch.matmul(t, t.T)": "torch.matmul"})
def _gram_is_transposed(orig, a, b, **kwargs):
    if a.dim() == b.dim() == 2 and a.data_ptr() == b.data_ptr() and a.stride() == b.stride()[::-1] \
            and a.shape == b.shape[::-1]:
        return orig(b, a, **kwargs)  # t.T @ t instead of t @ t.T
    return orig(a, b, **kwargs)


@per_spelling(MATMUL, "matmul_errors", "zero_d_{kind}_matmul_multiplies",
              "`{form}` with a 0-d operand multiplies instead of raising ({spelling} only).", MATMULS)
def _zero_d_multiplies(orig, a, b, **kwargs):
    return a * b if a.dim() == 0 or b.dim() == 0 else orig(a, b, **kwargs)


# ==== elementwise.in_place_suffix =====================================================================
IN_PLACE = "elementwise.in_place_suffix"


def _returns_a_new_tensor(out_of_place):
    """A wrapper that gives ``out_of_place(self, ...)`` and leaves self alone."""
    def op(orig, self, *a, **k):
        return out_of_place(self, *a, **k)
    return op


for _form, _name, _plain in (
        ("t.add_(...)", "add_", torch.Tensor.add), ("t.sub_(...)", "sub_", torch.Tensor.sub),
        ("t.mul_(...)", "mul_", torch.Tensor.mul), ("t.div_(...)", "div_", torch.Tensor.div),
        ("t.abs_(...)", "abs_", torch.Tensor.abs), ("t.neg_(...)", "neg_", torch.Tensor.neg),
        ("t.sqrt_(...)", "sqrt_", torch.Tensor.sqrt), ("t.clamp_(...)", "clamp_", torch.Tensor.clamp),
        ("t.fill_(...)", "fill_", lambda t, v: torch.full_like(t, v)), ("t.zero_(...)", "zero_", torch.zeros_like),
        ("t += v", "__iadd__", torch.Tensor.add), ("t -= v", "__isub__", torch.Tensor.sub),
        ("t *= v", "__imul__", torch.Tensor.mul), ("t /= v", "__itruediv__", torch.Tensor.div)):
    per_spelling(IN_PLACE, "returns_itself_and_writes", "{op}_{kind}_returns_a_new_tensor",
                 "`{form}` returns a new tensor and leaves t's memory alone ({spelling} only).",
                 {_form: f"Tensor.{_name}"})(_returns_a_new_tensor(_plain))


@per_spelling(IN_PLACE, "plain_method_leaves_t", "{op}_{kind}_writes_into_t",
              "{form} also writes its result into t ({spelling}).",
              {f"t.{n}(...)": f"Tensor.{n}" for n in ("add", "sub", "mul", "div", "abs", "neg", "sqrt", "clamp")})
def _writes_into_t(orig, self, *a, **k):
    out = orig(self, *a, **k)
    if out.dtype == self.dtype and out.shape == self.shape and not (0 in self.stride() and self.numel() > 1):
        self.copy_(out)
    return out


@mutant(IN_PLACE, "copy_and_t")
def copy_underscore_returns_a_copy(mp):
    """x.copy_(y) writes into x but returns a new tensor."""
    @wrap(mp, torch.Tensor, "copy_")
    def copy_(orig, self, src, *a, **k):
        return orig(self, src, *a, **k).clone()


@mutant(IN_PLACE, "copy_and_t")
def t_underscore_leaves_x_alone(mp):
    """x.t_() returns x without transposing it."""
    @wrap(mp, torch.Tensor, "t_")
    def t_(orig, self):
        if self.dim() > 2:
            return orig(self)
        return self


@mutant(IN_PLACE, "no_new_dtype_or_shape")
def add_underscore_casts_and_sums_away(mp):
    """t.add_(v) casts v to t's dtype and sums away extra leading axes instead of raising."""
    @wrap(mp, torch.Tensor, "add_")
    def add_(orig, self, other, *a, **k):
        if isinstance(other, torch.Tensor):
            while other.dim() > self.dim():
                other = other.sum(0)
            other = other.to(self.dtype)
        elif not self.is_floating_point() and not isinstance(other, bool) and self.dtype != torch.bool:
            other = int(other.real if isinstance(other, complex) else other)
        elif self.dtype == torch.bool:
            other = bool(other)
        elif isinstance(other, complex):
            other = other.real
        return orig(self, other, *a, **k)


@mutant(IN_PLACE, "no_new_dtype_or_shape")
def integer_div_underscore_floors(mp):
    """int.div_(2) floors in place instead of raising (Tensor.div_)."""
    @wrap(mp, torch.Tensor, "div_")
    def div_(orig, self, other, **kwargs):
        if not self.is_floating_point() and not self.is_complex():
            return orig(self, other, rounding_mode="floor")
        return orig(self, other, **kwargs)


@mutant(IN_PLACE, "narrower_dtype_fine")
def add_underscore_refuses_a_wider_operand(mp):
    """float32.add_(float64) raises like a lower-category cast."""
    @wrap(mp, torch.Tensor, "add_")
    def add_(orig, self, other, *a, **k):
        if isinstance(other, torch.Tensor) and torch.promote_types(self.dtype, other.dtype) != self.dtype:
            raise RuntimeError(f"result type {other.dtype} can't be cast to the desired output type {self.dtype}")
        return orig(self, other, *a, **k)


@per_spelling(IN_PLACE, "expanded_value_writes_refused", "expanded_{op}_works_on_a_copy",
              "{form} on an expanded tensor computes on a contiguous copy and rebinds e to it instead of raising.",
              {f"e.{n}(...)": f"Tensor.{n}" for n in ("add_", "copy_", "uniform_", "normal_")})
def _expanded_writes_one(orig, self, *a, **k):
    if 0 in self.stride() and self.numel() > 1:
        return self.set_(orig(self.contiguous(), *a, **k))
    return orig(self, *a, **k)


@mutant(IN_PLACE, "expanded_fill_and_strides_work")
def fill_refuses_expanded_tensors(mp):
    """e.fill_(v) on an expanded tensor raises like the value-computing ops."""
    @wrap(mp, torch.Tensor, "fill_")
    def fill_(orig, self, *a):
        if 0 in self.stride() and self.numel() > 1:
            raise RuntimeError("unsupported operation: more than one element of the written-to tensor refers to a "
                               "single memory location")
        return orig(self, *a)


@mutant(IN_PLACE, "expanded_fill_and_strides_work")
def transpose_refuses_expanded_tensors(mp):
    """t.transpose_() on an expanded tensor raises like the value-writing ops."""
    @wrap(mp, torch.Tensor, "transpose_")
    def transpose_(orig, self, *args):
        if 0 in self.stride():
            raise RuntimeError("unsupported operation: more than one element of the written-to tensor refers to a "
                               "single memory location")
        return orig(self, *args)


@per_spelling(IN_PLACE, "expanded_index_writes_warn", "{op}_on_expanded_does_not_warn",
              "{form} on an expanded tensor works without the deprecation UserWarning.",
              {f"e.{n}(...)": f"Tensor.{n}" for n in ("index_fill_", "masked_fill_", "index_put_")})
def _no_warning(orig, self, *a, **k):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return orig(self, *a, **k)


@per_spelling(IN_PLACE, "leaf_requires_grad_refused", "leaf_takes_{op}_{kind}",
              "{spelling} on a leaf tensor that requires grad works, as if grad mode were off.",
              {"t.add_(v)": "Tensor.add_", "t += v": "Tensor.__iadd__", "t.zero_()": "Tensor.zero_",
               "t.fill_(v)": "Tensor.fill_"})
def _leaf_takes(orig, self, *a, **k):
    if self.is_leaf and self.requires_grad:
        with torch.no_grad():
            return orig(self, *a, **k)
    return orig(self, *a, **k)


# ==== elementwise.index_assign ========================================================================
ASSIGN = "elementwise.index_assign"


@mutant(ASSIGN, "writes_into_t")
def setitem_writes_into_a_copy(mp):
    """t[:, j] = v writes into a copy, t is unchanged."""
    @wrap(mp, torch.Tensor, "__setitem__")
    def setitem(orig, self, index, value):
        orig(self.clone(), index, value)


@mutant(ASSIGN, "numpy_values")
def setitem_of_a_tensor_writes_it_reversed(mp):
    """t[:, j] = v for a tensor v of two or more elements writes v reversed along its first axis."""
    @wrap(mp, torch.Tensor, "__setitem__")
    def setitem(orig, self, index, value):
        if isinstance(value, torch.Tensor) and value.dim() and value.shape[0] > 1:
            value = value.flip(0)
        return orig(self, index, value)


@mutant(ASSIGN, "numpy_values")
def setitem_of_a_python_number_adds_one(mp):
    """t[:, j] = v for a Python int or float writes v + 1."""
    @wrap(mp, torch.Tensor, "__setitem__")
    def setitem(orig, self, index, value):
        if type(value) in (int, float):
            value = value + 1
        return orig(self, index, value)


def _rounds_floats(test):
    def patch(mp):
        @wrap(mp, torch.Tensor, "__setitem__")
        def setitem(orig, self, index, value):
            if not (self.is_floating_point() or self.is_complex()) and self.dtype != torch.bool and test(value):
                value = value.round() if isinstance(value, torch.Tensor) else round(float(value))
            return orig(self, index, value)
    return patch


def _float_tensor(v) -> bool:
    return isinstance(v, torch.Tensor) and v.is_floating_point()


for _statement, _name, _value, _test in (
        ("python_floats_truncate", "python_float_is_rounded", "a Python float v", lambda v: type(v) is float),
        ("python_floats_truncate", "np_float64_is_rounded", "an np.float64 v", lambda v: type(v) is np.float64),
        ("float_tensors_truncate", "float_0d_tensor_is_rounded", "a 0-d float tensor v",
         lambda v: _float_tensor(v) and v.dim() == 0),
        ("float_tensors_truncate", "float_broadcast_tensor_is_rounded",
         "a float tensor v of shape (1,) (broadcast to the slice)", lambda v: _float_tensor(v) and v.shape == (1,)),
        ("float_tensors_truncate", "float_slice_shaped_tensor_is_rounded", "a float tensor v of more than one element",
         lambda v: _float_tensor(v) and v.numel() > 1)):
    planted(ASSIGN, _statement, _name,
            f"t[:, j] = v for {_value} into an integer tensor rounds to nearest instead of truncating.")(
        _rounds_floats(_test))


@mutant(ASSIGN, "numpy_objects")
def setitem_converts_ndarrays(mp):
    """t[:, j] = v for an ndarray v converts it with torch.from_numpy instead of raising TypeError."""
    @wrap(mp, torch.Tensor, "__setitem__")
    def setitem(orig, self, index, value):
        if isinstance(value, np.ndarray):
            value = torch.from_numpy(value).to(self.device)
        return orig(self, index, value)


@mutant(ASSIGN, "numpy_objects")
def setitem_takes_np_float32(mp):
    """t[:, j] = v for an np.float32 scalar takes it as a Python float instead of raising TypeError."""
    @wrap(mp, torch.Tensor, "__setitem__")
    def setitem(orig, self, index, value):
        return orig(self, index, float(value) if isinstance(value, np.float32) else value)


@mutant(ASSIGN, "numpy_objects")
def setitem_truncates_np_int64_to_zero(mp):
    """t[:, j] = v for an np.int64 writes 0."""
    @wrap(mp, torch.Tensor, "__setitem__")
    def setitem(orig, self, index, value):
        return orig(self, index, 0 if isinstance(value, np.int64) else value)


@mutant(ASSIGN, "value_broadcasts")
def setitem_reshapes_a_value_of_the_same_size(mp):
    """t[:, j] = v for a tensor v that does not broadcast but has the slice's size (2, 1) is reshaped to it."""
    @wrap(mp, torch.Tensor, "__setitem__")
    def setitem(orig, self, index, value):
        if isinstance(value, torch.Tensor):
            target = self[index]
            try:
                fits = torch.broadcast_shapes(value.shape, target.shape) == target.shape
            except RuntimeError:
                fits = False
            if not fits and value.numel() == target.numel():
                value = value.reshape(target.shape)
        return orig(self, index, value)


@mutant(ASSIGN, "index_out_of_range")
def setitem_wraps_column_indices(mp):
    """t[:, j] = v with j past the end writes column j mod n."""
    @wrap(mp, torch.Tensor, "__setitem__")
    def setitem(orig, self, index, value):
        if isinstance(index, tuple) and len(index) == 2 and isinstance(index[1], int) and self.dim() >= 2:
            index = (index[0], index[1] % self.shape[1])
        return orig(self, index, value)


@mutant(ASSIGN, "unholdable_values")
def negative_ints_do_not_wrap_into_unsigned(mp):
    """t[:, j] = -1 into a uint8 tensor raises (as NumPy refuses) instead of wrapping to 255."""
    @wrap(mp, torch.Tensor, "__setitem__")
    def setitem(orig, self, key, value):
        if self.dtype == torch.uint8 and isinstance(value, int) and value < 0:
            raise RuntimeError("value cannot be converted to type uint8_t without overflow")
        return orig(self, key, value)


@mutant(ASSIGN, "unholdable_values")
def too_large_ints_wrap(mp):
    """t[:, j] = 300 into a uint8 tensor wraps to 44 instead of raising."""
    @wrap(mp, torch.Tensor, "__setitem__")
    def setitem(orig, self, key, value):
        if not self.is_floating_point() and type(value) is int and value > torch.iinfo(self.dtype).max:
            value = torch.tensor(value).to(self.dtype).item()
        return orig(self, key, value)


@mutant(ASSIGN, "expanded_refused")
def setitem_on_expanded_is_ignored(mp):
    """e[:, j] = v on an expanded tensor does nothing and raises nothing."""
    @wrap(mp, torch.Tensor, "__setitem__")
    def setitem(orig, self, key, value):
        if 0 in self.stride() and self.numel() > 1:
            return None
        return orig(self, key, value)


@mutant(ASSIGN, "leaf_refused")
def setitem_on_a_leaf_is_allowed(mp):
    """t[:, j] = v on a leaf that requires grad writes as if grad mode were off."""
    @wrap(mp, torch.Tensor, "__setitem__")
    def setitem(orig, self, key, value):
        if self.is_leaf and self.requires_grad:
            with torch.no_grad():
                return orig(self, key, value)
        return orig(self, key, value)


@mutant(ASSIGN, "chained_index")
def basic_slices_copy(mp):
    """t[a:b] (a basic slice) returns a copy, so t[0:2][:, 1] = 0 leaves t unchanged."""
    @wrap(mp, torch.Tensor, "__getitem__")
    def getitem(orig, self, key):
        out = orig(self, key)
        return out.clone() if isinstance(key, slice) else out


# ==== elementwise.dtype_mismatch ======================================================================
MIXED = "elementwise.dtype_mismatch"


@per_spelling(MIXED, "combine_by_promotion", "mixed_{op}_{kind}_refused",
              "The note's world: `{form}` raises for tensors of different dtypes ({spelling} only).",
              {"a + b": "Tensor.__add__", "a.add(b)": "Tensor.add", "torch.add(a, b)": "torch.add",
               "a * b": "Tensor.__mul__", "a.mul(b)": "Tensor.mul", "torch.mul(a, b)": "torch.mul"})
def _refuses_mixed(orig, a, b, *args, **kwargs):
    if isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor) and a.dtype != b.dtype:
        raise TypeError(f"cannot combine {a.dtype} and {b.dtype}")
    return orig(a, b, *args, **kwargs)


@mutant(MIXED, "combine_by_promotion")
def add_method_casts_the_other_operand(mp):
    """a.add(b) casts a tensor b to a's dtype first, as an in-place op would (a + b and torch.add
    untouched)."""
    @wrap(mp, torch.Tensor, "add")
    def add(orig, self, other, *args, **kwargs):
        if torch.is_tensor(other) and other.dtype != self.dtype:
            other = other.to(self.dtype)
        return orig(self, other, *args, **kwargs)


@mutant(MIXED, "worked_examples")
def int_tensor_plus_python_float_is_float64(mp):
    """An integer tensor + a Python float gives float64, as NumPy does (Tensor.__add__)."""
    @wrap(mp, torch.Tensor, "__add__")
    def add(orig, self, other):
        if type(other) is float and not (self.is_floating_point() or self.is_complex()):
            return orig(self.double(), other)
        return orig(self, other)


@mutant(MIXED, "numpy_2_differs")
def numpy_ones_is_float64_whatever_the_dtype(mp):
    """np.ones(shape, dtype) makes float64 whatever the dtype (NumPy's side of the comparison changes)."""
    @wrap(mp, np, "ones")
    def ones(orig, shape, dtype=None, *a, **k):
        return orig(shape, np.float64, *a, **k)


@per_spelling(MIXED, "other_ops_accept", "{op}_refuses_mixed_dtypes", "{spelling} raises for mixed dtypes.",
              {"torch.cat(...)": "torch.cat", "torch.where(...)": "torch.where", "torch.maximum(...)": "torch.maximum"})
def _same_dtypes_only(orig, *args, **kwargs):
    tensors = [x for x in (args[0] if orig.__name__ == "cat" else args) if isinstance(x, torch.Tensor)]
    if orig.__name__ == "where":
        tensors = tensors[1:]
    if len({x.dtype for x in tensors}) > 1:
        raise RuntimeError("expected all tensors to have the same dtype")
    return orig(*args, **kwargs)


@mutant(MIXED, "other_ops_accept")
def eq_operator_refuses_mixed_dtypes(mp):
    """`a == b` raises for tensors of different dtypes."""
    @wrap(mp, torch.Tensor, "__eq__")
    def eq(orig, self, other):
        if isinstance(other, torch.Tensor) and other.dtype != self.dtype:
            raise RuntimeError("expected both tensors to have the same dtype")
        return orig(self, other)


def _promotes(owner, name, dims=None):
    def patch(mp):
        @wrap(mp, owner, name)
        def op(orig, a, b, *args, **kwargs):
            if isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor) and a.dtype != b.dtype \
                    and (dims is None or (a.dim(), b.dim()) in dims):
                dtype = torch.promote_types(a.dtype, b.dtype)
                a, b = a.to(dtype), b.to(dtype)
            return orig(a, b, *args, **kwargs)
    return patch


for _statement, _spelling, _dims, _form in (
        ("mm_refuses", "torch.mm", None, "torch.mm(a, b)"),
        ("mm_refuses", "Tensor.__matmul__", {(2, 2), (1, 2)}, "matrix @ matrix"),
        ("mm_refuses", "torch.nn.functional.linear", None, "F.linear(x, w)"),
        ("dot_refuses", "torch.dot", None, "torch.dot(a, b)"),
        ("dot_refuses", "torch.matmul", {(1, 1)}, "torch.matmul(vector, vector)"),
        ("dot_refuses", "Tensor.__matmul__", {(1, 1)}, "vector @ vector"),
        ("mv_refuses", "torch.mv", None, "torch.mv(a, b)"),
        ("mv_refuses", "Tensor.__matmul__", {(2, 1)}, "matrix @ vector"),
        ("bmm_refuses", "torch.bmm", None, "torch.bmm(a, b)"),
        ("bmm_refuses", "Tensor.__matmul__", {(3, 3)}, "batch @ batch")):
    _o, _a = owner_of(_spelling)
    planted(MIXED, _statement, f"{_statement.removesuffix('_refuses')}_{_a.strip('_')}_{kind_of(_spelling)}_promotes"
            + ("" if _dims is None else "_" + "_".join(f"{x}d{y}d" for x, y in sorted(_dims))),
            f"`{_form}` promotes mixed dtypes instead of raising ({_spelling} only).")(_promotes(_o, _a, _dims))


@mutant(MIXED, "lower_category_output_refused")
def add_underscore_casts_into_a_lower_category(mp):
    """int64.add_(float32) casts the result into int64 instead of raising."""
    @wrap(mp, torch.Tensor, "add_")
    def add_(orig, self, other, *a, **k):
        return orig(self, other.to(self.dtype) if isinstance(other, torch.Tensor) else other, *a, **k)


@mutant(MIXED, "lower_category_output_refused")
def mul_underscore_casts_into_bool(mp):
    """bool.mul_(int64) casts the result into bool instead of raising."""
    @wrap(mp, torch.Tensor, "mul_")
    def mul_(orig, self, other, *a, **k):
        return orig(self, other.to(self.dtype) if isinstance(other, torch.Tensor) else other, *a, **k)


@mutant(MIXED, "lower_category_output_refused")
def add_out_casts_into_a_lower_category(mp):
    """torch.add(int64, float32, out=int64) casts the result into out instead of raising."""
    @wrap(mp, torch, "add")
    def add(orig, a, b, *args, out=None, **kwargs):
        if out is not None:
            return out.copy_(orig(a, b, *args, **kwargs))
        return orig(a, b, *args, **kwargs)


def _wide_unsigned_promote(owner, name):
    def patch(mp):
        @wrap(mp, owner, name)
        def op(orig, a, b):
            if isinstance(b, torch.Tensor) and (a.dtype in WIDE_UNSIGNED) != (b.dtype in WIDE_UNSIGNED) \
                    and not (a.is_floating_point() or b.is_floating_point()):
                return orig(a.to(torch.int64), b.to(torch.int64))
            return orig(a, b)
    return patch


planted(MIXED, "wide_unsigned_refuse_integers", "wide_unsigned_times_an_integer_promotes",
        "uint16/uint32/uint64 * bool/uint8/int64 computes in int64 instead of raising (Tensor.__mul__).")(
    _wide_unsigned_promote(torch.Tensor, "__mul__"))
planted(MIXED, "wide_unsigned_refuse_integers", "integer_plus_wide_unsigned_promotes",
        "bool/uint8/int64 + uint16/uint32/uint64 computes in int64 instead of raising (Tensor.__add__).")(
    _wide_unsigned_promote(torch.Tensor, "__add__"))


@per_spelling(MIXED, "bfloat16_meets_complex", "bfloat16_complex_{op}_{kind}_is_complex128",
              "`{form}` of a bfloat16 x and a complex scalar or 0-d tensor z computes in complex128 ({spelling} only).",
              {"x + 1j": "Tensor.__add__", "x.add(1j)": "Tensor.add", "torch.add(x, 1j)": "torch.add",
               "x * z": "Tensor.__mul__", "x.mul(z)": "Tensor.mul", "torch.mul(x, z)": "torch.mul"})
def _bfloat16_complex_in_complex128(orig, a, b, *args, **kwargs):
    complex_b = isinstance(b, complex) or (isinstance(b, torch.Tensor) and b.is_complex())
    if isinstance(a, torch.Tensor) and a.dtype == torch.bfloat16 and complex_b:
        return orig(a.to(torch.complex128), b, *args, **kwargs)
    return orig(a, b, *args, **kwargs)
