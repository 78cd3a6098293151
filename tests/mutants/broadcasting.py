"""Mutants of the broadcasting claims: each plants the opposite of one statement, one spelling at a time
where a statement covers several (operator, method, function)."""
from __future__ import annotations

import numpy as np
import torch

from tensorspec.harness.mutation import mutant, wrap

_NARROW = (torch.uint8, torch.int8, torch.int16, torch.int32)


def _planted(claim: str, statement: str, name: str, doc: str, patch):
    """Register ``patch`` as the mutant ``broadcasting.<name>`` with the docstring ``doc``."""
    patch.__name__, patch.__doc__ = name, doc
    mutant(claim, statement)(patch)


def _owner(spelling: str):
    """("Tensor", "mul") -> (torch.Tensor, "mul"); ("torch", "mul") -> (torch, "mul")."""
    owner, _, attr = spelling.partition(".")
    return (torch.Tensor if owner == "Tensor" else torch), attr


def _kind(owner, attr: str) -> str:
    return "function" if owner is torch else "operator" if attr.startswith("_") else "method"


# ==== broadcasting.scalar ===========================================================================
SCALAR = "broadcasting.scalar"


def _scalar_widens(owner, name):
    def patch(mp):
        @wrap(mp, owner, name)
        def add(orig, a, b, *args, **kwargs):
            if isinstance(b, int) and not isinstance(b, bool) and isinstance(a, torch.Tensor) and a.dtype in _NARROW:
                a = a.to(torch.int64)
            return orig(a, b, *args, **kwargs)
    return patch


for _spelling, _form in (("Tensor.__add__", "t1 + 2"), ("Tensor.add", "t1.add(2)"), ("torch.add", "torch.add(t1, 2)")):
    _o, _a = _owner(_spelling)
    _planted(SCALAR, "narrow_ints_differ", f"scalar_{_kind(_o, _a)}_widens_narrow_ints",
             f"`{_form}` promotes a uint8/int8/int16/int32 t1 to int64, as an int64 tensor operand does "
             f"({_spelling} only).", _scalar_widens(_o, _a))


def _int64_tensor_promotes_floats(owner, name):
    def patch(mp):
        @wrap(mp, owner, name)
        def add(orig, a, b, *args, **kwargs):
            if isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor) and a.is_floating_point() \
                    and b.dtype == torch.int64:
                a = a.double()
            return orig(a, b, *args, **kwargs)
    return patch


for _spelling, _form in (("Tensor.__add__", "t1 + tensor"), ("Tensor.add", "t1.add(tensor)"),
                         ("torch.add", "torch.add(t1, tensor)")):
    _o, _a = _owner(_spelling)
    _planted(SCALAR, "agree_for_bool_int64_and_floats", f"int64_tensor_{_kind(_o, _a)}_promotes_floats_to_float64",
             f"`{_form}` with an int64 tensor promotes a float t1 to float64 ({_spelling} only).",
             _int64_tensor_promotes_floats(_o, _a))


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


def _aligns_left(owner, name):
    def patch(mp):
        @wrap(mp, owner, name)
        def op(orig, *args, **kwargs):
            return orig(*_left_aligned(*args), **kwargs)
    return patch


for _spelling, _form in (("Tensor.__add__", "a + b"), ("Tensor.add", "a.add(b)"), ("torch.add", "torch.add(a, b)"),
                         ("Tensor.__mul__", "a * b"), ("Tensor.mul", "a.mul(b)"), ("torch.mul", "torch.mul(a, b)"),
                         ("Tensor.__ge__", "a >= b"), ("Tensor.ge", "a.ge(b)"), ("torch.ge", "torch.ge(a, b)"),
                         ("torch.where", "torch.where(c, a, b)"), ("Tensor.where", "a.where(c, b)")):
    _o, _a = _owner(_spelling)
    _planted(RULES, "numpy_rules", f"{_a.strip('_')}_{_kind(_o, _a)}_aligns_left",
             f"`{_form}` lines up the shapes from the LEFT (pads the shorter ones with trailing 1s) "
             f"({_spelling} only).", _aligns_left(_o, _a))


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


def _clash_is_valueerror(owner, name):
    def patch(mp):
        @wrap(mp, owner, name)
        def add(orig, a, b, *args, **kwargs):
            try:
                return orig(a, b, *args, **kwargs)
            except RuntimeError as exc:
                if "must match the size" in str(exc):
                    raise ValueError("operands could not be broadcast together") from None
                raise
    return patch


for _spelling, _form in (("Tensor.__add__", "a + b"), ("Tensor.add", "a.add(b)"), ("torch.add", "torch.add(a, b)")):
    _o, _a = _owner(_spelling)
    _planted(RULES, "clash_raises", f"clash_in_{_a.strip('_')}_{_kind(_o, _a)}_is_a_valueerror",
             f"`{_form}` of shapes that do not broadcast raises NumPy's ValueError ({_spelling} only).",
             _clash_is_valueerror(_o, _a))


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


def _in_place_grows(name):
    def patch(mp):
        @wrap(mp, torch.Tensor, name)
        def op(orig, self, other, *a, **k):
            if torch.is_tensor(other) and torch.broadcast_shapes(self.shape, other.shape) != self.shape:
                return torch.add(self, other)
            return orig(self, other, *a, **k)
    return patch


for _name, _form in (("__iadd__", "a += b"), ("add_", "a.add_(b)")):
    _planted(RULES, "in_place_broadcasts_the_right_operand",
             f"{_name.strip('_')}_{'operator' if _name.startswith('_') else 'method'}_broadcasts_into_a_new_tensor",
             f"`{_form}` whose broadcast shape is bigger than a's returns the bigger a + b instead of raising "
             f"(Tensor.{_name} only).", _in_place_grows(_name))


def _tf_patch(name, fn):
    def patch(mp):
        import tensorflow as tf
        wrap(mp, tf, name)(fn)
    return patch


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


for _name in ("add", "multiply", "greater_equal", "where"):
    _planted(RULES, "tensorflow_alike_up_to_rank_5", f"tf_{_name}_aligns_left",
             f"tf.{_name} lines up the shapes from the LEFT (tf.{_name} only).", _tf_patch(_name, _tf_aligns_left))


def _tf_six_dims(np_op):
    def op(orig, a, b, *args, **kwargs):
        if np.ndim(a) > 5 or np.ndim(b) > 5:
            import tensorflow as tf
            return tf.constant(np_op(a, b))
        return orig(a, b, *args, **kwargs)
    return op


for _name, _np_op in (("add", np.add), ("multiply", np.multiply), ("maximum", np.maximum)):
    _planted(RULES, "tensorflow_refuses_6_dims", f"tf_{_name}_broadcasts_six_dims",
             f"tf.{_name} of operands of rank 6 computes (through NumPy) instead of raising UnimplementedError.",
             _tf_patch(_name, _tf_six_dims(_np_op)))


def _tf_add_bools(orig, a, b, *args, **kwargs):
    if np.asarray(a).dtype == bool:
        import tensorflow as tf
        return tf.constant(np.logical_or(a, b))
    return orig(a, b, *args, **kwargs)


_planted(RULES, "tensorflow_add_has_no_bool", "tf_add_takes_bools",
         "tf.add of bool operands gives their logical or instead of raising InvalidArgumentError.",
         _tf_patch("add", _tf_add_bools))
