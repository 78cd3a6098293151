"""Reference shapes for reshape, squeeze, unsqueeze and flatten, computed in plain Python, and the
reference answer to "can this strided tensor be viewed in that shape?" given by NumPy.

Nothing here calls torch: these are the independent references the reshape spec compares with.
"""
from __future__ import annotations

import math
import re

import numpy as np


def dim_bounds(ndim: int, extra: int = 0) -> tuple[int, int]:
    """The dims torch accepts for a tensor of rank ``ndim``: ``[-n, n-1]`` with ``n = max(ndim+extra, 1)``.

    ``extra=1`` for unsqueeze (it may insert after the last axis); a rank-0 tensor accepts 0 and -1."""
    n = max(ndim + extra, 1)
    return -n, n - 1


def wrap_dim(dim: int, ndim: int, extra: int = 0) -> int:
    """A valid (possibly negative) dim as a position ``0..n-1`` (``n`` as in :func:`dim_bounds`)."""
    return dim + max(ndim + extra, 1) if dim < 0 else dim


def dim_error(ndim: int, dim: int, extra: int = 0) -> str:
    """A regex for torch's IndexError message on an out-of-range dim."""
    lo, hi = dim_bounds(ndim, extra)
    return re.escape(f"Dimension out of range (expected to be in range of [{lo}, {hi}], but got {dim})")


def squeezed(shape: tuple[int, ...], dims=None) -> tuple[int, ...]:
    """``shape`` without its length-1 axes (all of them, or only those among ``dims``)."""
    ndim = len(shape)
    chosen = range(ndim) if dims is None else {wrap_dim(d, ndim) for d in dims}
    return tuple(n for i, n in enumerate(shape) if not (n == 1 and i in chosen))


def unsqueezed(shape: tuple[int, ...], dim: int) -> tuple[int, ...]:
    """``shape`` with a length-1 axis inserted so that it ends up at position ``dim``."""
    pos = wrap_dim(dim, len(shape), extra=1)
    return shape[:pos] + (1,) + shape[pos:]


def flattened(shape: tuple[int, ...], start: int = 0, end: int = -1) -> tuple[int, ...]:
    """``shape`` with axes start..end (inclusive) merged into one; a rank-0 shape becomes ``(1,)``."""
    if not shape:
        return (1,)
    s, e = wrap_dim(start, len(shape)), wrap_dim(end, len(shape))
    return shape[:s] + (math.prod(shape[s:e + 1]),) + shape[e + 1:]


def inferred(numel: int, target: tuple[int, ...]) -> tuple[int, ...]:
    """``target`` with its ``-1`` (if any) replaced by the size that makes the element count ``numel``."""
    if -1 not in target:
        return tuple(target)
    known = math.prod(n for n in target if n != -1)
    return tuple(numel // known if n == -1 else n for n in target)


_NUMPY_HAS_COPY_ARG = np.lib.NumpyVersion(np.__version__) >= "2.1.0"


def can_view(shape: tuple[int, ...], strides: tuple[int, ...], new_shape: tuple[int, ...]) -> bool:
    """Can elements laid out with ``strides`` (in elements) be re-read in ``new_shape`` without a copy?

    Answered by NumPy's no-copy reshape of an array with exactly these strides: an implementation
    independent of torch's (``computeStride`` in ATen)."""
    if math.prod(shape) == 0:
        span = 1
    else:
        span = 1 + sum((n - 1) * s for n, s in zip(shape, strides))
    buf = np.zeros(span, dtype=np.int8)  # itemsize 1: strides in bytes equal strides in elements
    arr = np.lib.stride_tricks.as_strided(buf, shape=shape, strides=strides)
    try:
        if _NUMPY_HAS_COPY_ARG:
            np.reshape(arr, new_shape, copy=False)
        else:  # NumPy < 2.1: setting .shape refuses to copy
            view = arr.view()
            view.shape = new_shape
    except (ValueError, AttributeError):
        return False
    return True
