"""Element strategies whose reductions have one right answer whatever the order of evaluation.

A sum of arbitrary floats depends on the order the library adds them in, so a reference computed in
another order may differ in the last bits.  These values make sums, products and maxima exact in
every dtype (float16 and bfloat16 included) and in any order, while keeping what matters to the
claims: NaN, ±inf and -0.0 for floats, and ties for max/argmax.
"""
from __future__ import annotations

import numpy as np
import torch
from hypothesis import strategies as st

from tensorspec.testing.dtypes import storage_dtype

NAN, INF = float("nan"), float("inf")
SPECIAL = [NAN, INF, -INF, -0.0]


def values_array(t: torch.Tensor) -> np.ndarray:
    """A tensor's values (any device and dtype, bfloat16 included) as a float64, complex128, int64 or
    bool ndarray of its shape, in row-major order whatever its strides: the input of a reference."""
    wide = (np.float64 if t.dtype.is_floating_point else np.complex128 if t.dtype.is_complex
            else np.bool_ if t.dtype == torch.bool else np.int64)
    return np.array(t.detach().cpu().reshape(-1).tolist(), dtype=wide).reshape(tuple(t.shape))


def _kind(dtype) -> str:
    return storage_dtype(dtype).kind if isinstance(dtype, torch.dtype) else np.dtype(dtype).kind


def _with_special(values: st.SearchStrategy, special: bool) -> st.SearchStrategy:
    return st.one_of(values, st.sampled_from(SPECIAL)) if special else values


def _by_kind(dtype, bound: int, floats: st.SearchStrategy, special: bool) -> st.SearchStrategy:
    """Booleans, integers 0..bound (unsigned) or -bound..bound (signed), or ``floats`` (with the special
    values where ``special``), by the dtype's kind."""
    kind = _kind(dtype)
    if kind == "b":
        return st.booleans()
    if kind in "ui":
        return st.integers(0 if kind == "u" else -bound, bound)
    return _with_special(floats, special)


def summable(dtype, special: bool = True) -> st.SearchStrategy:
    """Small integers (as floats for float dtypes): sums of up to 64 of them are exact even in
    float16; with ``special`` also NaN, ±inf and -0.0."""
    return _by_kind(dtype, 8, st.integers(-8, 8).map(float), special)


def multipliable(dtype, special: bool = True) -> st.SearchStrategy:
    """Values whose products are exact and cannot overflow midway: ±1 and 0 (and ±2, ±0.5 where the
    dtype's range holds 2**±64, i.e. not float16), integers -2..2 (0..2 unsigned) for integer dtypes."""
    small_range = dtype in (torch.float16, np.dtype(np.float16))
    values = [-1.0, 0.0, 1.0] + ([] if small_range else [2.0, -2.0, 0.5, -0.5])
    return _by_kind(dtype, 2, st.sampled_from(values), special)


def comparable(dtype, special: bool = True) -> st.SearchStrategy:
    """Few distinct values, so that maxima are often tied (and -0.0 ties with 0.0)."""
    return _by_kind(dtype, 2, st.sampled_from([-2.0, -1.0, 0.0, 1.0, 2.0]), special)


ELEMENTS = {"sum": summable, "mean": summable, "std": summable, "prod": multipliable,
            "max": comparable, "argmax": comparable}
"""The element strategy for each reduction the spec checks."""
