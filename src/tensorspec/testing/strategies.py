"""Hypothesis strategies shared by the spec: shapes, dtypes, values and dims (memory layouts:
``tensorspec.testing.layouts``).

Sizes are capped (``MAX_SIZE`` elements) so that the whole specification stays fast; zero-size axes
and rank 0 are always in range unless a caller narrows them.  Options are keyword-only and checked
when the strategy is built: an impossible combination is ``hypothesis.errors.InvalidArgument`` at
collection, not a failing (so "broken") claim.
"""
from __future__ import annotations

import math

import numpy as np
import torch
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.extra import numpy as hnp

from tensorspec.testing.dtypes import ALL, TORCH_OF_NUMPY

MAX_SIZE = 64  # elements per drawn array


def check(condition: bool, message: str) -> None:
    """Refuse an impossible strategy when it is built (at collection), with the reason."""
    if not condition:
        raise InvalidArgument(message)


def numpy_dtypes(kinds=ALL) -> st.SearchStrategy[np.dtype]:
    kinds = list(kinds)
    check(bool(kinds), "numpy_dtypes(kinds=[]): no dtype to draw")
    return st.sampled_from(kinds)


def torch_dtypes(kinds=ALL, *, bfloat16: bool = False) -> st.SearchStrategy[torch.dtype]:
    """Torch dtypes for the given NumPy kinds (bfloat16, which NumPy lacks, on request)."""
    unknown = [d for d in kinds if np.dtype(d) not in TORCH_OF_NUMPY]
    check(not unknown, f"torch_dtypes: no torch dtype for {unknown}")
    dts = [TORCH_OF_NUMPY[np.dtype(d)] for d in kinds] + ([torch.bfloat16] if bfloat16 else [])
    check(bool(dts), "torch_dtypes: no dtype to draw")
    return st.sampled_from(dts)


def shapes(*, min_dims: int = 0, max_dims: int = 5, min_side: int = 0, max_side: int = 5,
           max_size: int = MAX_SIZE) -> st.SearchStrategy[tuple[int, ...]]:
    """A shape whose element count is at most ``max_size`` (sides shrink, never filter)."""
    check(0 <= min_dims <= max_dims, f"shapes: need 0 <= min_dims ({min_dims}) <= max_dims ({max_dims})")
    check(0 <= min_side <= max_side, f"shapes: need 0 <= min_side ({min_side}) <= max_side ({max_side})")
    check(max_size >= 0, f"shapes: max_size={max_size} is negative")
    check(min_side == 0 or min_side ** min_dims <= max_size,
          f"shapes: {min_dims} sides of at least {min_side} exceed max_size={max_size}")
    return _shapes(min_dims, max_dims, min_side, max_side, max_size)


@st.composite
def _shapes(draw, min_dims: int, max_dims: int, min_side: int, max_side: int, max_size: int) -> tuple[int, ...]:
    sides = draw(st.lists(st.integers(min_side, max_side), min_size=min_dims, max_size=max_dims))
    while math.prod(sides) > max_size:
        i = max(range(len(sides)), key=sides.__getitem__)
        sides[i] -= 1
        if sides[i] < max(min_side, 1):  # cannot shrink below min_side: make the size 0 instead (min_side 0)
            sides[i] = min_side
    return tuple(sides)


def dims(ndim: int, *, negative: bool = True) -> st.SearchStrategy[int]:
    """A valid dim for a tensor of rank ``ndim``: 0..ndim-1, and -ndim..-1 when ``negative``.

    A rank-0 tensor accepts dim 0 and -1 in torch's reductions, as if it had one axis."""
    n = max(ndim, 1)
    return st.integers(-n if negative else 0, n - 1)


def out_of_range_dims(ndim: int) -> st.SearchStrategy[int]:
    n = max(ndim, 1)
    return st.one_of(st.integers(n, n + 3), st.integers(-n - 3, -n - 1))


def elements(dtype: np.dtype, *, special: bool = True, bound: float | None = None):
    """Values of ``dtype``; floats include NaN, ±inf and -0.0 when ``special`` (else finite,
    within ``bound`` when given)."""
    dtype = np.dtype(dtype)
    if dtype.kind == "f":
        width = dtype.itemsize * 8
        if special:
            return st.floats(width=width)
        b = bound if bound is not None else (1e3 if width == 16 else 1e6)
        return st.floats(-b, b, width=width, allow_nan=False, allow_infinity=False)
    if dtype.kind == "c":
        return st.complex_numbers(allow_nan=special, allow_infinity=special,
                                  max_magnitude=None if special else (bound or 1e6),
                                  width=dtype.itemsize * 8)
    if dtype.kind in "iu" and bound is not None:
        info = np.iinfo(dtype)
        return st.integers(max(info.min, -int(bound)), min(info.max, int(bound)))
    return None  # hypothesis's own choice for bool and full-range integers


def arrays(dtype=None, shape=None, *, special: bool = True, bound: float | None = None):
    """NumPy arrays; ``dtype``/``shape`` are values or strategies (default: any dtype, any shape)."""
    dtype_st = numpy_dtypes() if dtype is None else (dtype if isinstance(dtype, st.SearchStrategy) else st.just(np.dtype(dtype)))
    shape_st = shapes() if shape is None else (shape if isinstance(shape, st.SearchStrategy) else st.just(tuple(shape)))
    return st.tuples(dtype_st, shape_st).flatmap(
        lambda ds: hnp.arrays(ds[0], ds[1], elements=elements(ds[0], special=special, bound=bound)))


def python_scalars() -> st.SearchStrategy:
    return st.one_of(st.booleans(), st.integers(-2**31, 2**31 - 1),
                     st.floats(allow_nan=False, allow_infinity=False, width=32))


@st.composite
def nested_lists(draw, *, shape=None, kind=None):
    """A nested Python list (rank >= 1) of one kind of scalar, and its shape."""
    shp = draw(shapes(min_dims=1, max_dims=3, min_side=1)) if shape is None else shape
    kind = kind or draw(st.sampled_from(["bool", "int", "float"]))
    scalar = {"bool": st.booleans(), "int": st.integers(-1000, 1000),
              "float": st.floats(-1e3, 1e3, allow_nan=False, width=32)}[kind]
    flat = draw(st.lists(scalar, min_size=math.prod(shp), max_size=math.prod(shp)))
    return np.array(flat, dtype=object).reshape(shp).tolist(), shp
