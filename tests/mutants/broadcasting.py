"""Mutants of the broadcasting claims: each plants the opposite of one statement, one spelling at a time
where a statement covers several (operator, method, function)."""
from __future__ import annotations

import numpy as np
import torch

from tensorspec.harness.mutation import mutant, per_spelling, raising, when, wrap
from tensorspec.testing.known_crashes import zero_strided_empty

_NARROW = (torch.uint8, torch.int8, torch.int16, torch.int32)
ADDS = {"a + b": "Tensor.__add__", "a.add(b)": "Tensor.add", "torch.add(a, b)": "torch.add"}


# ==== broadcasting.scalar ===========================================================================
SCALAR = "broadcasting.scalar"


@per_spelling(SCALAR, "narrow_ints_differ", "scalar_{kind}_widens_narrow_ints",
              "`{form}` promotes a uint8/int8/int16/int32 t1 to int64, as an int64 tensor operand does "
              "({spelling} only).",
              {"t1 + 2": "Tensor.__add__", "t1.add(2)": "Tensor.add", "torch.add(t1, 2)": "torch.add"})
def _scalar_widens(orig, a, b, *args, **kwargs):
    if isinstance(b, int) and not isinstance(b, bool) and isinstance(a, torch.Tensor) and a.dtype in _NARROW:
        a = a.to(torch.int64)
    return orig(a, b, *args, **kwargs)


@per_spelling(SCALAR, "agree_for_bool_int64_and_floats", "int64_tensor_{kind}_promotes_floats_to_float64",
              "`{form}` with an int64 tensor promotes a float t1 to float64 ({spelling} only).",
              {"t1 + tensor": "Tensor.__add__", "t1.add(tensor)": "Tensor.add", "torch.add(t1, tensor)": "torch.add"})
def _int64_tensor_promotes_floats(orig, a, b, *args, **kwargs):
    if isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor) and a.is_floating_point() \
            and b.dtype == torch.int64:
        a = a.double()
    return orig(a, b, *args, **kwargs)


@mutant(SCALAR, "right_side_is_a_cpu_tensor")
def tensor_of_an_ndarray_lands_on_meta(mp):
    """torch.tensor(ndarray) lands on the meta device instead of the CPU."""
    @wrap(mp, torch, "tensor")
    def tensor(orig, data, *a, **k):
        if isinstance(data, np.ndarray) and "device" not in k:
            k["device"] = "meta"
        return orig(data, *a, **k)


# ==== broadcasting.rules ============================================================================
RULES = "broadcasting.rules"


def _left_aligned(*tensors):
    """The tensors with the shorter ones padded with trailing 1s (shapes lined up on the left) where
    that still broadcasts; otherwise as they are (the clashes and their errors unchanged)."""
    if not all(torch.is_tensor(t) for t in tensors) or len({t.dim() for t in tensors}) == 1:
        return tensors
    n = max(t.dim() for t in tensors)
    padded = tuple(t.reshape(tuple(t.shape) + (1,) * (n - t.dim())) for t in tensors)
    try:
        torch.broadcast_shapes(*(t.shape for t in tensors))
        torch.broadcast_shapes(*(t.shape for t in padded))
    except RuntimeError:
        return tensors
    return padded


@per_spelling(RULES, "numpy_rules", "{op}_{kind}_aligns_left",
              "`{form}` lines up the shapes from the LEFT (pads the shorter ones with trailing 1s) ({spelling} only).",
              {**ADDS, "a * b": "Tensor.__mul__", "a.mul(b)": "Tensor.mul", "torch.mul(a, b)": "torch.mul",
               "a >= b": "Tensor.__ge__", "a.ge(b)": "Tensor.ge", "torch.ge(a, b)": "torch.ge",
               "torch.where(c, a, b)": "torch.where", "a.where(c, b)": "Tensor.where"})
def _aligns_left(orig, *args, **kwargs):
    return orig(*_left_aligned(*args), **kwargs)


@mutant(RULES, "numpy_rules")
def broadcast_shapes_aligns_left(mp):
    """torch.broadcast_shapes lines up the shapes from the LEFT where that also works."""
    @wrap(mp, torch, "broadcast_shapes")
    def broadcast_shapes(orig, *shapes):
        n = max((len(s) for s in shapes), default=0)
        try:
            return orig(*(tuple(s) + (1,) * (n - len(s)) for s in shapes))
        except RuntimeError:
            return orig(*shapes)


@per_spelling(RULES, "clash_raises", "clash_in_{op}_{kind}_is_a_valueerror",
              "`{form}` of shapes that do not broadcast raises NumPy's ValueError ({spelling} only).", ADDS)
def _clash_is_valueerror(orig, a, b, *args, **kwargs):
    try:
        return orig(a, b, *args, **kwargs)
    except RuntimeError as exc:
        if "must match the size" in str(exc):
            raise ValueError("operands could not be broadcast together") from None
        raise


@mutant(RULES, "clash_raises")
def broadcast_shapes_takes_the_larger_size(mp):
    """torch.broadcast_shapes of clashing shapes takes the larger size instead of raising."""
    @wrap(mp, torch, "broadcast_shapes")
    def broadcast_shapes(orig, *shapes):
        try:
            return orig(*shapes)
        except RuntimeError:
            n = max(len(s) for s in shapes)
            padded = [(1,) * (n - len(s)) + tuple(s) for s in shapes]
            return torch.Size(max(sizes) for sizes in zip(*padded))


@per_spelling(RULES, "in_place_broadcasts_the_right_operand", "{op}_{kind}_broadcasts_into_a_new_tensor",
              "`{form}` whose broadcast shape is bigger than a's returns the bigger a + b instead of raising "
              "({spelling} only).", {"a += b": "Tensor.__iadd__", "a.add_(b)": "Tensor.add_"})
def _in_place_grows(orig, self, other, *a, **k):
    if torch.is_tensor(other) and torch.broadcast_shapes(self.shape, other.shape) != self.shape:
        return torch.add(self, other)
    return orig(self, other, *a, **k)


@per_spelling(RULES, "tensorflow_alike_up_to_rank_5", "tf_{op}_aligns_left",
              "{form} lines up the shapes from the LEFT ({form} only).",
              {f"tf.{n}": f"tensorflow.{n}" for n in ("add", "multiply", "greater_equal", "where")})
def _tf_aligns_left(orig, *args, **kwargs):
    arrays = [np.asarray(a) for a in args]
    n = max(a.ndim for a in arrays)
    padded = [a.reshape(a.shape + (1,) * (n - a.ndim)) for a in arrays]
    try:
        np.broadcast_shapes(*(a.shape for a in arrays))
        np.broadcast_shapes(*(a.shape for a in padded))
    except ValueError:
        return orig(*args, **kwargs)
    return orig(*padded, **kwargs)


def _tf_six_dims(np_op):
    def op(orig, a, b, *args, **kwargs):
        if np.ndim(a) > 5 or np.ndim(b) > 5:
            import tensorflow as tf
            return tf.constant(np_op(a, b))
        return orig(a, b, *args, **kwargs)
    return op


for _name, _np_op in (("add", np.add), ("multiply", np.multiply), ("maximum", np.maximum)):
    per_spelling(RULES, "tensorflow_refuses_6_dims", "tf_{op}_broadcasts_six_dims",
                 "{form} of operands of rank 6 computes (through NumPy) instead of raising UnimplementedError.",
                 {f"tf.{_name}": f"tensorflow.{_name}"})(_tf_six_dims(_np_op))


@per_spelling(RULES, "tensorflow_add_has_no_bool", "tf_add_takes_bools",
              "tf.add of bool operands gives their logical or instead of raising InvalidArgumentError.",
              {"tf.add": "tensorflow.add"})
def _tf_add_bools(orig, a, b, *args, **kwargs):
    if np.asarray(a).dtype == bool:
        import tensorflow as tf
        return tf.constant(np.logical_or(a, b))
    return orig(a, b, *args, **kwargs)


# ---- broadcasting.rules: empty_numpy_operand --------------------------------------------------------
def _empty_operand(*args, **kwargs) -> bool:
    return any(zero_strided_empty(x) for x in args[:2])


_REFUSES_EMPTY = raising(RuntimeError, "planted: an operand is empty with every stride 0")
_EMPTY = "empty_numpy_operand"

per_spelling(RULES, _EMPTY, "empty_operand_{op}_{kind}_raises",
             "`{form}` raises RuntimeError where an operand is empty with every stride 0 ({spelling} only).",
             {"a * b": "Tensor.__mul__", "a.mul(b)": "Tensor.mul", "torch.mul(a, b)": "torch.mul",
              "a / b": "Tensor.__truediv__", "a.div(b)": "Tensor.div", "a // b": "Tensor.__floordiv__",
              "2 * b": "Tensor.__rmul__", "2 / b": "Tensor.__rtruediv__", "2 // b": "Tensor.__rfloordiv__"},
             )(when(_empty_operand, _REFUSES_EMPTY))
per_spelling(RULES, _EMPTY, "empty_operand_{op}_in_place_raises",
             "`{form}` raises RuntimeError where b is empty with every stride 0 ({spelling} only).",
             {"a.mul_(b)": "Tensor.mul_", "a.div_(b)": "Tensor.div_"})(when(_empty_operand, _REFUSES_EMPTY))
for _mode in (None, "floor", "trunc"):
    per_spelling(RULES, _EMPTY, f"empty_operand_div_{_mode or 'true'}_function_raises",
                 f"`torch.div(a, b, rounding_mode={_mode!r})` raises RuntimeError where an operand is empty with "
                 "every stride 0 (torch.div with that rounding mode only).", {"torch.div": "torch.div"},
                 )(when(lambda *a, _mode=_mode, **k: k.get("rounding_mode") == _mode and _empty_operand(*a),
                        _REFUSES_EMPTY))


@mutant(RULES, _EMPTY)
def from_numpy_gives_empty_arrays_contiguous_strides(mp):
    """torch.from_numpy gives the tensor of an empty array the strides of a contiguous tensor, not 0."""
    @wrap(mp, torch, "from_numpy")
    def from_numpy(orig, array):
        t = orig(array)
        return t.as_strided(t.shape, torch.empty(t.shape).stride()) if t.numel() == 0 and t.dim() else t
