"""Assertion helpers with one message format, and reproducers attached to every failure.

A failure reads ``<what>=<actual>, but should be <expected> [<expression>]`` and carries a note
with a snippet that reproduces it (``repro``), so a reader can paste it into a Python prompt.
"""
from __future__ import annotations

from contextlib import contextmanager

import numpy as np
import torch

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
def repro(snippet: str, claim: str | None = None):
    """Attach a reproducing snippet (and the claim ID) to any failure inside the block."""
    try:
        yield
    except BaseException as exc:  # noqa: BLE001 - re-raised with a note
        head = f"claim {claim}: " if claim else ""
        exc.add_note(f"{head}reproduce with:\n    import numpy as np, torch\n    " + snippet.replace("\n", "\n    "))
        raise


def assert_equal(what: str, actual, expected, expr: str) -> None:
    __tracebackhide__ = True
    if actual != expected:
        raise AssertionError(f"{what}={actual!r}, but should be {expected!r} [{expr}]")


def assert_values(actual, expected, expr: str, *, equal_nan: bool = True, exact: bool = False) -> None:
    """Tensor/array values equal (dtype-aware tolerances unless ``exact``), shapes equal too."""
    __tracebackhide__ = True
    a = torch.as_tensor(np.asarray(actual)) if not isinstance(actual, torch.Tensor) else actual
    e = torch.as_tensor(np.asarray(expected)) if not isinstance(expected, torch.Tensor) else expected
    kw = dict(rtol=0, atol=0) if exact else {}
    try:
        torch.testing.assert_close(a.cpu(), e.cpu(), equal_nan=equal_nan, check_dtype=False, **kw)
    except AssertionError as exc:
        raise AssertionError(f"values differ [{expr}]\n{exc}") from None


def storage_of(t: torch.Tensor):
    """``t.untyped_storage()``; a release without it gives ``t.storage()`` (same data_ptr and nbytes)."""
    return t.untyped_storage() if hasattr(t, "untyped_storage") else t.storage()


def _tensor_span(t: torch.Tensor) -> tuple[int, int]:
    storage = storage_of(t)
    return storage.data_ptr(), storage.data_ptr() + storage.nbytes()


def _array_span(a: np.ndarray) -> tuple[int, int]:
    lo, hi = _byte_bounds(a)  # the span the array's own elements occupy
    return lo, hi


def same_memory(t: torch.Tensor, other) -> bool:
    """Pointer test: do the buffers of a tensor and an ndarray/tensor overlap?  Empty buffers never do
    (two unrelated empty tensors can both have a null or equal pointer)."""
    lo1, hi1 = _tensor_span(t)
    lo2, hi2 = _tensor_span(other) if isinstance(other, torch.Tensor) else _array_span(other)
    return hi1 > lo1 and hi2 > lo2 and lo1 < hi2 and lo2 < hi1


def writes_through(t: torch.Tensor, other) -> bool:
    """Behaviour test: does writing into ``t`` change ``other``?  ``t`` is restored afterwards.

    Needs at least one element; compares raw bytes, so NaN payloads and -0.0 are handled."""
    if t.numel() == 0:
        return False
    flat_before = _bytes_of(other)
    saved = t.clone()
    with torch.no_grad():
        if t.dtype == torch.bool:
            t.logical_not_()
        else:
            t.copy_((t != 1).to(t.dtype))  # 0 where 1, else 1 (torch.where lacks uint16..64 in some releases)
    changed = _bytes_of(other) != flat_before
    with torch.no_grad():
        t.copy_(saved)
    return changed


def _bytes_of(x) -> bytes:
    if isinstance(x, torch.Tensor):
        if not x.numel():
            return b""
        # A fresh dense copy: contiguous() keeps a one-element tensor's odd stride, which view() refuses.
        flat = x.detach().cpu().reshape(-1)
        return torch.empty(flat.shape, dtype=flat.dtype).copy_(flat).view(torch.uint8).numpy().tobytes()
    return np.ascontiguousarray(x).tobytes()


def assert_shares(t: torch.Tensor, other, expr: str) -> None:
    """``t`` shares memory with ``other``: by pointer AND by a write through ``t``."""
    __tracebackhide__ = True
    by_ptr, by_write = same_memory(t, other), writes_through(t, other)
    if not (by_ptr and by_write):
        raise AssertionError(f"shares memory: pointer={by_ptr}, write-through={by_write}, "
                             f"but should be True, True [{expr}]")


def assert_copies(t: torch.Tensor, other, expr: str) -> None:
    """``t`` does not share memory with ``other``: neither by pointer nor by a write through ``t``."""
    __tracebackhide__ = True
    by_ptr, by_write = same_memory(t, other), writes_through(t, other)
    if by_ptr or by_write:
        raise AssertionError(f"shares memory: pointer={by_ptr}, write-through={by_write}, "
                             f"but should be False, False (a copy) [{expr}]")
