"""The assertion helpers: each takes ``(actual, expected, *, keywords)``, passes on equal, fails with the
one message format on unequal, and refuses an empty ``expr``."""
from __future__ import annotations

import importlib
import inspect
import pkgutil
import re

import numpy as np
import pytest
import torch

from tensorspec.testing.assertions import (assert_copies, assert_device, assert_dtype, assert_equal, assert_shape,
                                           assert_shares, assert_tensor, assert_values, raw_bytes, repro,
                                           same_memory, writes_through)
from tensorspec.testing.reductions import assert_reduced


def fails_with(message: str):
    return pytest.raises(AssertionError, match=f"^{re.escape(message)}$")


def test_assert_shape():
    out = torch.zeros(2, 3)
    assert_shape(out, (2, 3), expr="zeros(2, 3)")
    assert_shape(np.zeros((2, 3)), torch.Size([2, 3]), expr="np.zeros((2, 3))")
    with fails_with("out.shape=(2, 3), but should be (3, 2) [stack(x, axis=1)]"):
        assert_shape(out, (3, 2), expr="stack(x, axis=1)")
    with fails_with("t.shape[1:]=(3,), but should be (2,) [t]"):
        assert_shape(out.shape[1:], (2,), expr="t", name="t.shape[1:]")


def test_assert_dtype():
    assert_dtype(torch.zeros(1), torch.float32, expr="zeros(1)")
    assert_dtype(np.zeros(1), np.float64, expr="np.zeros(1)")
    assert_dtype(torch.int64, torch.int64, expr="a dtype itself")
    with fails_with("out.dtype=torch.float32, but should be torch.float64 [zeros(1)]"):
        assert_dtype(torch.zeros(1), torch.float64, expr="zeros(1)")
    with fails_with("a.dtype=float64, but should be float32 [np.zeros(1)]"):
        assert_dtype(np.zeros(1), np.float32, expr="np.zeros(1)", name="a.dtype")


def test_assert_device():
    assert_device(torch.zeros(1), "cpu", expr="zeros(1)")
    assert_device(torch.zeros(1, device="meta"), torch.device("meta"), expr="zeros(1, device='meta')")
    with fails_with("out.device=meta, but should be cpu [zeros(1, device='meta')]"):
        assert_device(torch.zeros(1, device="meta"), "cpu", expr="zeros(1, device='meta')")


def test_a_device_without_an_index_matches_any_of_its_type_and_one_with_an_index_only_that():
    assert_device(torch.device("cuda", 1), "cuda", expr="cuda:1")
    with fails_with("out.device=cuda:1, but should be cuda:0 [cuda:1]"):
        assert_device(torch.device("cuda", 1), "cuda:0", expr="cuda:1")


def test_assert_equal():
    assert_equal(3, 3, expr="len(x)", name="n")
    with fails_with("n='a', but should be 'b' [len(x)]"):
        assert_equal("a", "b", expr="len(x)", name="n")


def test_assert_tensor_checks_device_dtype_shape_and_values():
    t = torch.tensor([1.0, 2.0])
    assert_tensor(t, torch.tensor([1.0, 2.0]), expr="t")
    assert_tensor(t, np.array([1.0, 2.0], np.float32), expr="t vs ndarray")
    with fails_with("out.dtype=torch.float32, but should be torch.float64 [t]"):
        assert_tensor(t, torch.tensor([1.0, 2.0], dtype=torch.float64), expr="t")
    with fails_with("out.shape=(2,), but should be (1, 2) [t]"):
        assert_tensor(t, torch.tensor([[1.0, 2.0]]), expr="t")
    with fails_with("out.device=cpu, but should be meta [t]"):
        assert_tensor(t, torch.zeros(2, device="meta"), expr="t")
    with pytest.raises(AssertionError, match=r"^out=\[1\.0, 2\.0\], but should be \[1\.0, 3\.0\] \[t\]\n"):
        assert_tensor(t, torch.tensor([1.0, 3.0]), expr="t")


def test_exact_tells_signed_zeros_apart_and_tolerant_does_not():
    neg, pos = torch.tensor([1.0, -0.0]), torch.tensor([1.0, 0.0])
    assert_values(neg, pos, expr="tolerant")
    assert_tensor(neg, pos, expr="tolerant")
    with fails_with("out[1]=-0.0, but should be 0.0 [x]"):
        assert_values(neg, pos, expr="x", exact=True)
    with fails_with("out[1]=-0.0, but should be 0.0 [x]"):
        assert_tensor(neg, pos, expr="x", exact=True)
    with fails_with("out[0, 1]=(1-0j), but should be (1+0j) [c]"):
        assert_values(torch.tensor([[1, complex(1, -0.0)]]), np.array([[1, 1 + 0j]]), expr="c", exact=True)
    assert_values(torch.tensor([float("nan"), -0.0]), [float("nan"), -0.0], expr="NaN equals NaN", exact=True)


def test_exact_has_no_tolerance_and_assert_tensor_compares_the_dtype_exactly():
    assert_values(torch.tensor([1.0]), [1.0 + 1e-7], expr="tolerant")
    with pytest.raises(AssertionError, match=r"^out=\[1\.0\], but should be \[1\.0000001\] \[x\]\n"):
        assert_values(torch.tensor([1.0]), [1.0 + 1e-7], expr="x", exact=True)
    with fails_with("out.dtype=torch.int64, but should be torch.int32 [x]"):
        assert_tensor(torch.tensor([1]), np.array([1], np.int32), expr="x", exact=True)


@pytest.mark.parametrize("helper", [
    lambda expr: assert_shape(torch.zeros(1), (1,), expr=expr),
    lambda expr: assert_dtype(torch.zeros(1), torch.float32, expr=expr),
    lambda expr: assert_device(torch.zeros(1), "cpu", expr=expr),
    lambda expr: assert_tensor(torch.zeros(1), torch.zeros(1), expr=expr),
    lambda expr: assert_equal(1, 1, expr=expr, name="x"),
    lambda expr: assert_values(torch.zeros(1), [0.0], expr=expr),
    lambda expr: assert_shares(torch.zeros(1), torch.zeros(1), expr=expr),
], ids=["shape", "dtype", "device", "tensor", "equal", "values", "shares"])
@pytest.mark.parametrize("expr", ["", "  "])
def test_an_empty_expr_is_a_value_error(helper, expr):
    with pytest.raises(ValueError, match="expr must name the expression checked"):
        helper(expr)


def test_expr_is_keyword_only():
    with pytest.raises(TypeError):
        assert_shape(torch.zeros(1), (1,), "zeros(1)")  # type: ignore[misc]


def _helpers() -> list:
    """Every public ``assert_*`` function of the modules of tensorspec.testing."""
    import tensorspec.testing as package

    found = {}
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        found.update({f"{module.__name__}.{n}": f for n, f in vars(module).items()
                      if n.startswith("assert_") and inspect.isfunction(f) and f.__module__ == module.__name__})
    return [found[k] for k in sorted(found)]


HELPERS = _helpers()
COMPARING = [assert_shape, assert_dtype, assert_device, assert_equal, assert_values, assert_tensor, assert_reduced]


def test_the_helpers_are_found():
    assert set(COMPARING) | {assert_shares, assert_copies} <= set(HELPERS)


@pytest.mark.parametrize("helper", HELPERS, ids=lambda f: f.__name__)
def test_every_helper_takes_two_positionals_then_keywords_only(helper):
    """One argument order: the value under test, the value it should be, then keywords only."""
    params = list(inspect.signature(helper).parameters.values())
    kinds = [p.kind for p in params]
    assert kinds[:2] == [inspect.Parameter.POSITIONAL_OR_KEYWORD] * 2, f"{helper.__name__}{inspect.signature(helper)}"
    assert all(k is inspect.Parameter.KEYWORD_ONLY for k in kinds[2:]), f"{helper.__name__}{inspect.signature(helper)}"


@pytest.mark.parametrize("helper", COMPARING, ids=lambda f: f.__name__)
def test_the_comparing_helpers_are_actual_expected_expr_name(helper):
    params = inspect.signature(helper).parameters
    assert list(params)[:2] == ["actual", "expected"]
    assert params["expr"].kind is inspect.Parameter.KEYWORD_ONLY and params["expr"].default is inspect.Parameter.empty
    assert params["name"].kind is inspect.Parameter.KEYWORD_ONLY and isinstance(params["name"].default, str)


MESSAGES = {  # a failing call -> the first line of its message: name=actual, but should be expected [expr]
    "shape": (lambda: assert_shape(torch.zeros(2, 3), (3, 2), expr="E", name="N"),
              "N=(2, 3), but should be (3, 2) [E]"),
    "dtype": (lambda: assert_dtype(torch.zeros(1), torch.float64, expr="E", name="N"),
              "N=torch.float32, but should be torch.float64 [E]"),
    "device": (lambda: assert_device(torch.zeros(1, device="meta"), "cpu", expr="E", name="N"),
               "N=meta, but should be cpu [E]"),
    "equal": (lambda: assert_equal("a", "b", expr="E", name="N"), "N='a', but should be 'b' [E]"),
    "values": (lambda: assert_values(torch.tensor([1.0, 2.0]), [1.0, 3.0], expr="E", name="N"),
               "N=[1.0, 2.0], but should be [1.0, 3.0] [E]"),
    "values shape": (lambda: assert_values(torch.zeros(2), torch.zeros(1, 2), expr="E", name="N"),
                     "N.shape=(2,), but should be (1, 2) [E]"),
    "values zero sign": (lambda: assert_values(torch.tensor([-0.0]), [0.0], expr="E", name="N", exact=True),
                         "N[0]=-0.0, but should be 0.0 [E]"),
    "values, many": (lambda: assert_values(torch.arange(20.0), torch.arange(1.0, 21.0), expr="E", name="N"),
                     "N=[0.0, 1.0, 2.0, ..., 17.0, 18.0, 19.0] (shape (20,)), "
                     "but should be [1.0, 2.0, 3.0, ..., 18.0, 19.0, 20.0] (shape (20,)) [E]"),
    "tensor": (lambda: assert_tensor(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 3.0]), expr="E", name="N"),
               "N=[1.0, 2.0], but should be [1.0, 3.0] [E]"),
    "tensor dtype": (lambda: assert_tensor(torch.tensor([1]), torch.tensor([1.0]), expr="E", name="N"),
                     "N.dtype=torch.int64, but should be torch.float32 [E]"),
    "reduced": (lambda: assert_reduced(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 3.0]), op="sum", expr="E", name="N"),
                "N=[1.0, 2.0], but should be [1.0, 3.0] [E]"),
    "shares": (lambda: assert_shares(torch.zeros(1), torch.zeros(1), expr="E", write=None),
               "shares memory (pointer)=False, but should be True [E]"),
    "copies": (lambda: assert_copies(*[torch.zeros(2)] * 2, expr="E", write=None),
               "shares memory (pointer)=True, but should be False [E]"),
}


@pytest.mark.parametrize("case", MESSAGES)
def test_every_message_names_the_quantity_actual_expected_and_expr(case):
    call, first_line = MESSAGES[case]
    with pytest.raises(AssertionError) as info:
        call()
    assert str(info.value).split("\n")[0] == first_line


def test_values_take_rtol_and_atol_instead_of_the_dtype_defaults():
    one, near = torch.tensor([1.0], dtype=torch.float64), [1.0 + 1e-6]
    with pytest.raises(AssertionError):
        assert_values(one, near, expr="float64 defaults: rtol 1e-7")
    assert_values(one, near, expr="rtol 1e-5", rtol=1e-5, atol=0)
    assert_tensor(one, torch.tensor(near, dtype=torch.float64), expr="rtol 1e-5", rtol=1e-5, atol=0)
    with pytest.raises(AssertionError):
        assert_values(torch.tensor([1.0]), [1.0 + 1e-7], expr="float32, no tolerance", rtol=0, atol=0)
    with pytest.raises(ValueError, match="exact means rtol=0, atol=0"):
        assert_values(one, near, expr="both", exact=True, rtol=1e-5, atol=0)


def test_the_tolerance_failure_carries_torchs_account_below_the_first_line():
    with pytest.raises(AssertionError, match=r"(?s)\n.*Mismatched elements: 1 / 2"):
        assert_values(torch.tensor([1.0, 2.0]), [1.0, 3.0], expr="E")


def test_shares_and_copies_by_pointer_and_by_a_write_either_way():
    a = np.arange(4.0)
    t = torch.from_numpy(a)
    assert same_memory(t, a) and writes_through(t, a) and writes_through(a, t)
    assert_shares(t, a, expr="torch.from_numpy(a)")
    assert_shares(t, a, expr="torch.from_numpy(a)", write="other")
    np.testing.assert_array_equal(a, np.arange(4.0))  # the writes were undone
    copy = torch.tensor(a)
    assert_copies(copy, a, expr="torch.tensor(a)")
    assert_copies(copy, a, expr="torch.tensor(a)", write="other")
    with fails_with("shares memory (pointer, a write into x seen)=(False, False), but should be (True, True) "
                    "[torch.tensor(a)]"):
        assert_shares(copy, a, expr="torch.tensor(a)")
    with fails_with("shares memory (pointer, a write into other seen)=(True, True), but should be (False, False) "
                    "[torch.from_numpy(a)]"):
        assert_copies(t, a, expr="torch.from_numpy(a)", write="other")


def test_memory_of_stride_0_and_empty_tensors():
    base = torch.zeros(1)
    assert_shares(base.expand(3), base, expr="expand: stride 0, by pointer only")
    assert_shares(torch.zeros(0), torch.zeros(0), expr="empty: nothing to share")
    assert_copies(torch.zeros(0), torch.zeros(0), expr="empty: nothing to copy")
    with pytest.raises(ValueError, match="write must be"):
        assert_shares(base, base, expr="x", write="both")


def test_raw_bytes_count_signed_zeros_and_ignore_strides():
    assert raw_bytes(torch.tensor([-0.0])) != raw_bytes(torch.tensor([0.0]))
    t = torch.arange(6.0).reshape(2, 3)
    assert raw_bytes(t.t()) == raw_bytes(t.t().contiguous()) == np.ascontiguousarray(t.numpy().T).tobytes()
    assert raw_bytes(torch.zeros(0)) == b""


def test_repro_adds_a_note_headed_by_the_running_tests_claims(monkeypatch):
    from tensorspec.claims import context

    monkeypatch.setattr(context, "_current", ("toy.one", "toy.two"))
    with pytest.raises(AssertionError) as info, repro("torch.zeros(2)"):
        raise AssertionError("boom")
    assert info.value.__notes__ == ["claim toy.one, toy.two: reproduce with:\n    import numpy as np, torch\n"
                                    "    torch.zeros(2)"]
