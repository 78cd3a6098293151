"""elementwise.in_place_suffix: methods ending in ``_`` (and ``+=`` ...) change the tensor itself (BZ, CH2.4).

Operands are tensor recipes (``tensorspec.testing.layouts``), expanded ones included: one memory
element under several indices, where only some in-place ops are allowed.
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from tensorspec.claims.context import differs
from tensorspec.testing.assertions import assert_dtype, assert_equal, assert_values, repro
from tensorspec.testing.devices import on_devices
from tensorspec.testing.dtypes import TORCH_FLOAT
from tensorspec.testing.elementwise import half_on_cpu, rounded
from tensorspec.testing.kernels import MISSING, call_unless_missing
from tensorspec.testing.layouts import WRITABLE_LAYOUTS, has_internal_overlap, tensors_in_layouts
from tensorspec.testing.spellings import OPERATORS
from tensorspec.testing.strategies import shapes

CLAIM = "elementwise.in_place_suffix"

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


@pytest.mark.claim(CLAIM, "returns_itself_and_writes", "plain_method_leaves_t", "expanded_value_writes_refused",
                   "expanded_fill_and_strides_work")
@pytest.mark.parametrize("method", IN_PLACE)
@on_devices
@given(data=st.data())
def test_in_place_methods_change_the_tensor_itself(method, device, data):
    """t.method_(...) and t OP= v return t itself, write the new values into t's memory (other tensors
    over it see them); the method without _ leaves t as it was.  On an expanded tensor (one memory
    element under several indices) only fill_ and zero_ work, the others raise RuntimeError."""
    args, reference = IN_PLACE[method]
    x = data.draw(tensors_in_layouts(dtypes=TORCH_FLOAT), label="t")
    forms = in_place_spellings(method, args)
    with repro(f"t = {x.source(device)}\n{'; '.join(forms)}"):
        t = x.tensor(device)
        plain = getattr(torch.Tensor, method[:-1], None)
        if plain is not None:
            gap = method in ("sqrt_", "clamp_") and half_on_cpu(t) and differs("in_place_half_cpu_missing")
            if call_unless_missing(gap, t.dtype, plain, t, *args) is MISSING:
                return
            assert_values(t, x.reference(), expr=f"t after t.{method[:-1]}(...)", exact=True)
        with np.errstate(all="ignore"):
            expected = rounded(reference(x.reference().astype(np.float64)), x.dtype)
        for expr, call in forms.items():
            t = x.tensor(device)  # a fresh t for each spelling
            if has_internal_overlap(t) and method not in ("fill_", "zero_"):
                with pytest.raises(RuntimeError, match="more than one element of the written-to tensor refers to a "
                                                       "single memory location"):
                    call(t)
                assert_values(t, x.reference(), expr=f"t after the refused {expr}", exact=True)
                continue
            alias, ptr, stride = alias_of(t), t.data_ptr(), t.stride()
            out = call(t)
            assert_equal(out is t, True, expr=expr, name=f"{expr} is t")
            assert_equal(t.data_ptr(), ptr, expr=expr, name="t.data_ptr()")
            assert_equal(t.stride(), stride, expr=expr, name="t.stride()")
            assert_values(t, expected, expr=expr)
            assert_values(alias, expected, expr=f"another tensor over t's memory, after {expr}")


@pytest.mark.claim(CLAIM, "copy_and_t")
@on_devices
@given(data=st.data())
def test_the_notes_copy_and_t_methods_change_the_tensor_itself(device, data):
    """x.copy_(y) writes y (cast to x's dtype) into x and returns x; x.t_() transposes x itself
    (<= 2 dims; a 3-D x is a RuntimeError)."""
    x = data.draw(tensors_in_layouts(dtypes=TORCH_FLOAT, shape=shapes(max_dims=2), layouts=WRITABLE_LAYOUTS), label="x")
    y = data.draw(tensors_in_layouts(dtypes=TORCH_FLOAT, shape=x.shape), label="y")
    with repro(f"x = {x.source(device)}\ny = {y.source(device)}\nx.copy_(y); x.t_()"):
        t, u = x.tensor(device), y.tensor(device)
        ptr = t.data_ptr()
        assert_equal(t.copy_(u) is t, True, expr="x.copy_(y)", name="x.copy_(y) is x")
        assert_dtype(t, x.dtype, expr="x.copy_(y)", name="x.dtype")
        assert_values(t, u.to(x.dtype), expr="x after x.copy_(y)", exact=True)
        assert_values(u, y.reference(), expr="y after x.copy_(y)", exact=True)
        before = t.clone()
        assert_equal(t.t_() is t, True, expr="x.t_()", name="x.t_() is x")
        assert_equal(t.data_ptr(), ptr, expr="x.t_()", name="x.data_ptr()")
        assert_values(t, before.t(), expr="x after x.t_()", exact=True)
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


@pytest.mark.claim(CLAIM, "expanded_value_writes_refused", "expanded_fill_and_strides_work", "expanded_index_writes_warn")
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
        assert_values(e, torch.ones(2, 3), expr=f"e after the refused {name}", exact=True)
        return
    method = name[2:name.index("(")]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = call(e)
    deprecated = [w for w in caught if f"Use of {method} on expanded tensors is deprecated" in str(w.message)]
    assert_equal((bool(deprecated), outcome), (outcome == "warns", outcome), expr=name, name="deprecation UserWarning")
    if deprecated:
        assert_equal(deprecated[0].category, UserWarning, expr=name, name="its category")
    else:
        assert_equal(out is e, True, expr=name, name=f"{name} is e")


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


@pytest.mark.claim(CLAIM, "no_new_dtype_or_shape")
@on_devices
@given(data=st.data())
def test_an_in_place_op_that_needs_another_dtype_or_shape_raises_and_changes_nothing(device, data):
    """int.div_(2) (true division), int.add_(1.5), bool.add_(2), float.add_(1j), or a result that would
    broadcast to a bigger shape: RuntimeError, and t keeps its values."""
    x = data.draw(tensors_in_layouts(shape=shapes(min_side=1), layouts=WRITABLE_LAYOUTS), label="t")
    name, call, message = data.draw(st.sampled_from(_refusals(x.dtype)), label="call")
    with repro(f"t = {x.source(device)}\n{name}"):
        t = x.tensor(device)
        with pytest.raises(RuntimeError, match=message):
            call(t)
        assert_values(t, x.reference(), expr=f"t after the refused {name}", exact=True)


@pytest.mark.claim(CLAIM, "no_new_dtype_or_shape")
@pytest.mark.parametrize("dtype", [torch.bool, torch.int64, torch.float32], ids=str)
def test_every_refusal_of_a_dtype_raises_in_a_worked_example(dtype):
    """Always run, whatever Hypothesis draws: each refused call of the property test on t = [[1, 0, 3]]."""
    for name, call, message in _refusals(dtype):
        t = torch.tensor([[1, 0, 3]], dtype=dtype)
        with repro(f"t = torch.tensor([[1, 0, 3]], dtype={dtype})\n{name}"):
            with pytest.raises(RuntimeError, match=message):
                call(t)
            assert_values(t, torch.tensor([[1, 0, 3]], dtype=dtype), expr=f"t after the refused {name}", exact=True)


@pytest.mark.claim(CLAIM, "narrower_dtype_fine")
@on_devices
def test_an_in_place_op_into_a_narrower_dtype_of_the_same_category_works(device):
    """float32.add_(float64) stays float32 and uint8.add_(int64) stays uint8, holding the values cast."""
    f = torch.tensor([1.0, 2.5], device=device)
    assert_equal(f.add_(torch.tensor([0.1, 0.2], dtype=torch.float64, device=device)) is f, True,
                 expr="float32.add_(float64)", name="f.add_(float64) is f")
    assert_dtype(f, torch.float32, expr="float32.add_(float64)", name="f.dtype")
    assert_values(f, torch.tensor([1.1, 2.7], dtype=torch.float64).float(),
                  expr="float32 [1, 2.5] + float64 [0.1, 0.2]", exact=True)
    u = torch.tensor([250, 1], dtype=torch.uint8, device=device)
    u.add_(torch.tensor([10, 2], dtype=torch.int64, device=device))
    assert_dtype(u, torch.uint8, expr="uint8.add_(int64)", name="u.dtype")
    assert_values(u, torch.tensor([4, 3], dtype=torch.uint8), expr="uint8 [250, 1] + int64 [10, 2]", exact=True)


@pytest.mark.claim(CLAIM, "leaf_requires_grad_refused")
def test_a_leaf_that_requires_grad_refuses_in_place_ops():
    """In-place ops, += included, on a leaf tensor that requires grad raise RuntimeError; under
    torch.no_grad() they work."""
    def plus_equals(w):
        w += 1

    for name, op, value in (("w.add_(1)", lambda w: w.add_(1), 2.0), ("w += 1", plus_equals, 2.0),
                            ("w.zero_()", lambda w: w.zero_(), 0.0), ("w.fill_(2)", lambda w: w.fill_(2), 2.0)):
        w = torch.ones(2, requires_grad=True)
        with repro(f"w = torch.ones(2, requires_grad=True); {name}"):
            with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place"):
                op(w)
            with torch.no_grad():
                op(w)
            assert_values(w.detach(), [value, value], expr=f"w after {name} under torch.no_grad()", exact=True)
