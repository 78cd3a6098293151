"""Assertion helpers with one argument order, one message format, and reproducers attached to every failure.

Every helper takes ``(actual, expected, *, expr, name)``: the value under test, then the one it should
equal, both positional; everything else is a keyword.  ``expr`` (never empty) names the expression
checked, ``name`` the quantity compared (``out.shape``, ``out.dtype``, ``out``...: each helper has its
default).  Every failure reads ``<name>=<actual>, but should be <expected> [<expr>]``, for instance
``out.shape=(2, 3), but should be (3, 2) [torch.stack(x, dim=1)]``; ``assert_values`` adds torch's
account of the mismatch (how many elements, the greatest difference) on the lines below.  The helpers
hide themselves from the traceback, so a failure points at the test.

* ``assert_shape``, ``assert_dtype``, ``assert_device``: one property of a tensor (or array);
* ``assert_tensor``: values, dtype, shape and device together; ``assert_values``: values and shape
  (dtype-aware tolerances, ``rtol``/``atol`` given, or ``exact``);
* ``assert_shares`` / ``assert_copies``: memory sharing, decided by pointer AND by a write through one
  buffer seen (or not) in the other (``same_memory``, ``writes_through``, ``raw_bytes`` underneath);
* ``assert_equal``: any other value;
* ``repro``: a block whose failures carry a snippet that reproduces them, headed by the running
  test's claim IDs, so a reader can paste it into a Python prompt.
"""
from __future__ import annotations

from contextlib import contextmanager

import numpy as np
import torch

from tensorspec.claims import context
from tensorspec.testing.dtypes import TORCH_OF_NUMPY_ALL

try:  # NumPy >= 2
    from numpy.lib.array_utils import byte_bounds as _byte_bounds
except ImportError:  # NumPy 1.x
    _byte_bounds = np.byte_bounds


def _fmt_array(x) -> str:
    if isinstance(x, np.ndarray):
        return f"np.array({x.tolist()!r}, dtype=np.{x.dtype.name})"
    if isinstance(x, torch.Tensor):
        return f"torch.tensor({x.detach().cpu().tolist()!r}, dtype={x.dtype})"
    return repr(x)


def source(x) -> str:
    """Python source that rebuilds ``x`` (an ndarray, tensor or plain value) for a reproducer."""
    return _fmt_array(x)


@contextmanager
def repro(snippet: str):
    """Attach a reproducing snippet, headed by the running test's claim IDs, to any failure inside the
    block."""
    try:
        yield
    except BaseException as exc:  # noqa: BLE001 - re-raised with a note
        claims = context.current_claims()
        head = f"claim {', '.join(claims)}: " if claims else ""
        exc.add_note(f"{head}reproduce with:\n    import numpy as np, torch\n    " + snippet.replace("\n", "\n    "))
        raise


# ---- one message format ------------------------------------------------------------------------

def _check_expr(expr: str) -> None:
    if not isinstance(expr, str) or not expr.strip():
        raise ValueError("expr must name the expression checked (a non-empty string)")


def _fail(actual, expected, *, expr: str, name: str) -> AssertionError:
    """The one message format."""
    return AssertionError(f"{name}={actual}, but should be {expected} [{expr}]")


def _assert_same(actual, expected, *, expr: str, name: str, show=str) -> None:
    __tracebackhide__ = True
    _check_expr(expr)
    if actual != expected:
        raise _fail(show(actual), show(expected), expr=expr, name=name)


def assert_equal(actual, expected, *, expr: str, name: str = "out") -> None:
    """``actual == expected`` for any other value (reprs in the message)."""
    __tracebackhide__ = True
    _assert_same(actual, expected, expr=expr, name=name, show=repr)


def _shape(x) -> tuple:
    shape = x.shape if hasattr(x, "shape") else x
    return tuple(int(s) if s is not None else None for s in shape)


def assert_shape(actual, expected, *, expr: str, name: str = "out.shape") -> None:
    """The shape of ``actual`` (a tensor, an array or a shape) is ``expected``."""
    __tracebackhide__ = True
    _assert_same(_shape(actual), _shape(expected), expr=expr, name=name)


def _dtype(x):
    if isinstance(x, type) and issubclass(x, np.generic):
        return np.dtype(x)  # np.float64 and the like
    return x.dtype if isinstance(x, (torch.Tensor, np.ndarray, np.generic)) else x


def assert_dtype(actual, expected, *, expr: str, name: str = "out.dtype") -> None:
    """The dtype of ``actual`` (a tensor, an array or a dtype) is ``expected``."""
    __tracebackhide__ = True
    _assert_same(_dtype(actual), _dtype(expected), expr=expr, name=name)


def assert_device(actual, expected, *, expr: str, name: str = "out.device") -> None:
    """``actual`` (a tensor or a device) is on ``expected``; a device without an index (``"cuda"``)
    matches any device of that type."""
    __tracebackhide__ = True
    _check_expr(expr)
    got = actual.device if isinstance(actual, torch.Tensor) else torch.device(actual)
    want = torch.device(expected)
    if (got.type, got.index if want.index is not None else None) != (want.type, want.index):
        raise _fail(got, want, expr=expr, name=name)


def _as_tensor(x) -> torch.Tensor:
    return x if isinstance(x, torch.Tensor) else torch.as_tensor(np.asarray(x))


def _zero_signs_differ(a: torch.Tensor, e: torch.Tensor) -> tuple | None:
    """The first index where both hold a zero of different sign (-0.0 against 0.0), or None."""
    if a.is_complex():
        return _zero_signs_differ(a.real, e.real) or _zero_signs_differ(a.imag, e.imag)
    if not a.is_floating_point():
        return None
    a, e = a.to(torch.float64), e.to(torch.float64)
    where = ((a == 0) & (e == 0) & (torch.signbit(a) != torch.signbit(e))).nonzero()
    return tuple(where[0].tolist()) if len(where) else None


_SHOWN = 12  # elements a message shows in full


def _show(t: torch.Tensor) -> str:
    """The values of a CPU tensor on one line: all of them up to ``_SHOWN``, else the first and last
    three and the shape (``[0.0, 1.0, 2.0, ..., 7.0, 8.0, 9.0] (shape (2, 5))``)."""
    if t.dtype == getattr(torch, "complex32", None):
        t = t.to(torch.complex64)  # .tolist() of complex32 is missing in some releases
    if t.numel() <= _SHOWN:
        return repr(t.tolist())
    flat = t.reshape(-1)
    ends = [", ".join(map(repr, part.tolist())) for part in (flat[:3], flat[-3:])]
    return f"[{ends[0]}, ..., {ends[1]}] (shape {_shape(t)})"


def assert_values(actual, expected, *, expr: str, name: str = "out", exact: bool = False,
                  equal_nan: bool = True, zero_sign: bool = True, rtol: float | None = None,
                  atol: float | None = None) -> None:
    """Tensor/array values equal, shapes equal too; dtype-aware tolerances (torch.testing.assert_close's),
    or ``rtol`` and ``atol`` given (both), or with ``exact`` none at all and -0.0 differing from 0.0
    (unless ``zero_sign=False``: equal as ``==`` says, where a truth leaves the sign of a zero open).
    The dtype is not compared: ``assert_tensor`` does that."""
    __tracebackhide__ = True
    _check_expr(expr)
    if exact and (rtol is not None or atol is not None):
        raise ValueError("exact means rtol=0, atol=0: give either, not both")
    a, e = _as_tensor(actual).detach().cpu(), _as_tensor(expected).detach().cpu()
    assert_shape(a, e, expr=expr, name=f"{name}.shape")
    tolerance = dict(rtol=0, atol=0) if exact else dict(rtol=rtol, atol=atol)
    try:
        torch.testing.assert_close(a, e, equal_nan=equal_nan, check_dtype=False, **tolerance)
    except AssertionError as exc:
        raise AssertionError(f"{_fail(_show(a), _show(e), expr=expr, name=name)}\n{exc}") from None
    at = _zero_signs_differ(a, e.to(a.dtype)) if exact and zero_sign else None
    if at is not None:
        index = f"[{', '.join(map(str, at))}]"
        raise _fail(a[at].item(), e[at].item(), expr=expr, name=f"{name}{index}")


def assert_tensor(actual: torch.Tensor, expected, *, expr: str, name: str = "out", exact: bool = False,
                  equal_nan: bool = True, rtol: float | None = None, atol: float | None = None) -> None:
    """``actual`` equals ``expected`` in device, dtype, shape and values (as :func:`assert_values`
    compares them).  ``expected`` is a tensor, or an ndarray (its dtype is compared through the dtype
    table; the device is then not checked).  ``exact``: no tolerance, and -0.0 differs from 0.0."""
    __tracebackhide__ = True
    _check_expr(expr)
    if isinstance(expected, torch.Tensor):
        assert_device(actual, expected.device, expr=expr, name=f"{name}.device")
        want_dtype = expected.dtype
    else:
        expected = np.asarray(expected)
        want_dtype = TORCH_OF_NUMPY_ALL.get(expected.dtype, expected.dtype)
    assert_dtype(actual, want_dtype, expr=expr, name=f"{name}.dtype")
    assert_shape(actual, expected, expr=expr, name=f"{name}.shape")
    assert_values(actual, expected, expr=expr, name=name, exact=exact, equal_nan=equal_nan, rtol=rtol, atol=atol)


def storage_of(t: torch.Tensor):
    """``t.untyped_storage()``; a release without it gives ``t.storage()`` (same data_ptr and nbytes)."""
    return t.untyped_storage() if hasattr(t, "untyped_storage") else t.storage()


# ---- memory: shared or copied --------------------------------------------------------------------

def raw_bytes(x) -> bytes:
    """The bytes of the elements of a tensor (any device) or an array, row-major: bitwise, so NaN
    payloads and -0.0 count."""
    if isinstance(x, torch.Tensor):
        if not x.numel():
            return b""
        # A fresh dense copy: contiguous() keeps a one-element tensor's odd stride, which view() refuses.
        flat = x.detach().cpu().reshape(-1)
        return torch.empty(flat.shape, dtype=flat.dtype).copy_(flat).view(torch.uint8).numpy().tobytes()
    return np.ascontiguousarray(x).tobytes()


def _span(x) -> tuple[int, int]:
    if isinstance(x, torch.Tensor):
        storage = storage_of(x)
        return storage.data_ptr(), storage.data_ptr() + storage.nbytes()
    return _byte_bounds(x)  # the span the array's own elements occupy


def same_memory(x, other) -> bool:
    """Pointer test: do the buffers of two tensors/ndarrays overlap?  Empty buffers never do (two
    unrelated empty tensors can both have a null or equal pointer)."""
    lo1, hi1 = _span(x)
    lo2, hi2 = _span(other)
    return hi1 > lo1 and hi2 > lo2 and lo1 < hi2 and lo2 < hi1


def _size(x) -> int:
    return x.numel() if isinstance(x, torch.Tensor) else x.size


def _has_internal_overlap(x) -> bool:
    """Do two indices of ``x`` name one memory element (a stride-0 axis of length > 1)?"""
    strides = x.stride() if isinstance(x, torch.Tensor) else x.strides
    return _size(x) > 0 and any(s == 0 and n > 1 for n, s in zip(x.shape, strides))


def writes_through(x, other) -> bool:
    """Behaviour test: does writing into ``x`` (a tensor or an ndarray) change ``other``?  Every
    element of ``x`` changes, then ``x`` is restored.  Needs at least one element."""
    if _size(x) == 0:
        return False
    before = raw_bytes(other)
    if isinstance(x, torch.Tensor):
        saved = x.clone()
        with torch.no_grad():
            if x.dtype == torch.bool:
                x.logical_not_()
            else:
                x.copy_((x != 1).to(x.dtype))  # 0 where 1, else 1 (torch.where lacks uint16..64 in some releases)
        changed = raw_bytes(other) != before
        with torch.no_grad():
            x.copy_(saved)
    else:
        saved = x.copy()
        x[...] = np.where(x == 1, 0, 1).astype(x.dtype)
        changed = raw_bytes(other) != before
        x[...] = saved
    return changed


def _assert_memory(x, other, *, shared: bool, expr: str, write: str | None) -> None:
    __tracebackhide__ = True
    _check_expr(expr)
    if write not in ("x", "other", None):
        raise ValueError(f"write must be 'x', 'other' or None, not {write!r}")
    if _size(x) == 0 or _size(other) == 0:
        return  # nothing to share: empty buffers neither share nor copy
    written, seen = (x, other) if write == "x" else (other, x)
    if write is None or _has_internal_overlap(written):  # stride-0 elements cannot be written one by one
        got, want, name = same_memory(x, other), shared, "shares memory (pointer)"
    else:
        got = same_memory(x, other), writes_through(written, seen)
        want, name = (shared, shared), f"shares memory (pointer, a write into {write} seen)"
    if got != want:
        raise _fail(got, want, expr=expr, name=name)


def assert_shares(x, other, *, expr: str, write: str | None = "x") -> None:
    """``x`` and ``other`` (tensors or ndarrays) share memory: by pointer, and by a write into one
    (``write``: ``"x"``, ``"other"``; None: the pointer only) that shows in the other.  Where the
    written buffer has stride-0 axes, by pointer only; where either is empty, nothing to check."""
    __tracebackhide__ = True
    _assert_memory(x, other, shared=True, expr=expr, write=write)


def assert_copies(x, other, *, expr: str, write: str | None = "x") -> None:
    """``x`` and ``other`` do not share memory: neither by pointer nor by a write (as in
    :func:`assert_shares`)."""
    __tracebackhide__ = True
    _assert_memory(x, other, shared=False, expr=expr, write=write)
