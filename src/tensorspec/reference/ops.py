"""Independent references for broadcasting, reductions and stack/cat, computed element by element.

Nothing here calls torch, TensorFlow or the NumPy function being compared: outputs are built index
by index with plain Python arithmetic (Python ints, float64 floats), so the references are slow but
obviously right.  Keep the inputs small.
"""
from __future__ import annotations

import math
from typing import Callable, Sequence

import numpy as np

NAN = float("nan")


# ---- broadcasting ---------------------------------------------------------------------------
def broadcast_index(out_index: tuple[int, ...], shape: tuple[int, ...]) -> tuple[int, ...]:
    """The element of an operand of ``shape`` that lands at ``out_index`` of the broadcast result:
    shapes are aligned on the right; a length-1 axis repeats its one element."""
    tail = out_index[len(out_index) - len(shape):] if shape else ()
    return tuple(0 if n == 1 else i for i, n in zip(tail, shape))


def broadcast_apply(fn: Callable, arrays: Sequence[np.ndarray], out_shape: tuple[int, ...],
                    dtype) -> np.ndarray:
    """``fn`` applied element by element to the broadcast operands, as an array of ``dtype``."""
    values = [fn(*(a[broadcast_index(idx, a.shape)].item() for a in arrays))
              for idx in np.ndindex(*out_shape)]
    return np.array(values, dtype=dtype).reshape(out_shape)


# ---- reductions -----------------------------------------------------------------------------
def lanes(a: np.ndarray, axis: int | None) -> tuple[list[list], tuple[int, ...]]:
    """The 1-D lanes a reduction over ``axis`` (``None``: all elements) combines, as Python lists,
    and the shape of the result (``axis`` removed)."""
    if axis is None:
        return [a.reshape(-1).tolist()], ()
    axis = axis % max(a.ndim, 1)
    if a.ndim == 0:
        return [[a.item()]], ()
    rest = a.shape[:axis] + a.shape[axis + 1:]
    moved = np.moveaxis(a, axis, -1).reshape(math.prod(rest), a.shape[axis])
    return moved.tolist(), rest


def ref_sum(lane: list) -> float | int:
    return sum(lane, 0)


def ref_prod(lane: list) -> float | int:
    out = 1
    for x in lane:
        out = out * x
    return out


def ref_mean(lane: list) -> float:
    return sum(lane, 0.0) / len(lane) if lane else NAN


def ref_std(lane: list, correction: int) -> float:
    """Two-pass standard deviation dividing by ``N - correction`` (NaN when that is not positive)."""
    n = len(lane)
    if n - correction <= 0:
        return NAN
    m = sum(lane, 0.0) / n
    return math.sqrt(sum((x - m) * (x - m) for x in lane) / (n - correction))


def _is_nan(x) -> bool:
    return isinstance(x, float) and math.isnan(x)


def ref_max(lane: list):
    """The largest element; NaN as soon as there is one (NaN propagates)."""
    if any(_is_nan(x) for x in lane):
        return NAN
    return max(lane)


def ref_argmax(lane: list) -> int:
    """Index of the first NaN if there is one, else of the first occurrence of the maximum."""
    for i, x in enumerate(lane):
        if _is_nan(x):
            return i
    return lane.index(max(lane))


def ref_argmax_skipping_nan(lane: list) -> int:
    """TensorFlow's rule: the first index whose value is strictly greater than every earlier
    non-NaN value, starting from -inf at index 0 (NaN never wins; all NaN or all -inf gives 0)."""
    best, at = -math.inf, 0
    for i, x in enumerate(lane):
        if x > best:  # False for NaN
            best, at = x, i
    return at


# ---- stack and cat --------------------------------------------------------------------------
def cat_reference(arrays: Sequence[np.ndarray], axis: int, dtype) -> np.ndarray:
    """Concatenation along an existing ``axis``: each output index is looked up in the input whose
    range along ``axis`` covers it."""
    ndim = arrays[0].ndim
    axis %= ndim
    offsets = np.cumsum([0] + [a.shape[axis] for a in arrays])
    out_shape = list(arrays[0].shape)
    out_shape[axis] = int(offsets[-1])
    values = []
    for idx in np.ndindex(*out_shape):
        j = int(np.searchsorted(offsets, idx[axis], side="right")) - 1
        src = idx[:axis] + (idx[axis] - int(offsets[j]),) + idx[axis + 1:]
        values.append(arrays[j][src].item())
    return np.array(values, dtype=dtype).reshape(out_shape)


def stack_reference(arrays: Sequence[np.ndarray], axis: int, dtype) -> np.ndarray:
    """Stacking along a new ``axis`` (``-(n+1)..n``): output index ``i`` on that axis is input ``i``."""
    ndim = arrays[0].ndim + 1
    axis %= ndim
    out_shape = arrays[0].shape[:axis] + (len(arrays),) + arrays[0].shape[axis:]
    values = [arrays[idx[axis]][idx[:axis] + idx[axis + 1:]].item() for idx in np.ndindex(*out_shape)]
    return np.array(values, dtype=dtype).reshape(out_shape)


def stacked_shape(shape: tuple[int, ...], count: int, axis: int) -> tuple[int, ...]:
    axis %= len(shape) + 1
    return shape[:axis] + (count,) + shape[axis:]


def catted_shape(shapes: Sequence[tuple[int, ...]], axis: int) -> tuple[int, ...]:
    axis %= len(shapes[0])
    return shapes[0][:axis] + (sum(s[axis] for s in shapes),) + shapes[0][axis + 1:]
