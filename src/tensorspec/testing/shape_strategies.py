"""Hypothesis strategies for shape manipulation: shapes rich in length-1 axes, target shapes of a
reshape (valid, with or without ``-1``, and invalid ones), and operand shapes of a matrix product."""
from __future__ import annotations

import math

from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tensorspec.testing.strategies import MAX_SIZE


def unit_axis_shapes(max_dims: int = 5) -> st.SearchStrategy[tuple[int, ...]]:
    """Shapes (rank 0..max_dims) where length-1 axes are common, zero-size axes possible."""
    return st.lists(st.sampled_from([1, 1, 1, 0, 2, 3]), max_size=max_dims).map(tuple).filter(
        lambda s: math.prod(s) <= MAX_SIZE)


def _divisors(n: int) -> list[int]:
    return [d for d in range(1, n + 1) if n % d == 0]


@st.composite
def reshape_targets(draw, numel: int, minus_one: bool = True, max_dims: int = 5) -> tuple[int, ...]:
    """A shape with ``numel`` elements, possibly with one side written as -1 (where torch can infer it:
    the product of the other sides is not 0)."""
    if numel == 0:  # any sides, one of them 0
        sides = draw(st.lists(st.integers(1, 4), min_size=0, max_size=max_dims - 1), label="sides")
        sides.insert(draw(st.integers(0, len(sides)), label="zero at"), 0)
    else:
        rank = draw(st.integers(0 if numel == 1 else 1, max_dims), label="rank")
        sides, rest = [], numel
        for _ in range(rank - 1):
            side = draw(st.sampled_from(_divisors(rest)), label="side")
            sides.append(side)
            rest //= side
        if rank:
            sides.append(rest)
    if minus_one and sides:
        inferable = [i for i in range(len(sides)) if math.prod(sides[:i] + sides[i + 1:]) != 0]
        if inferable and draw(st.booleans(), label="use -1"):
            sides[draw(st.sampled_from(inferable), label="-1 at")] = -1
    return tuple(sides)


@st.composite
def invalid_reshape_targets(draw, numel: int) -> tuple[int, ...]:
    """A shape (no -1) whose element count differs from ``numel``."""
    sides = list(draw(reshape_targets(max(numel, 1), minus_one=False, max_dims=4)))
    if not sides:
        sides = [1]
    i = draw(st.integers(0, len(sides) - 1), label="grown side")
    sides[i] += draw(st.integers(1, 3), label="grown by")
    return tuple(sides)


@st.composite
def matmul_shapes(draw) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Shapes ``(a, b)`` that ``a @ b`` accepts: 1-D and 2-D operands, and batches that broadcast."""
    n, k, m = (draw(st.integers(0, 4), label=name) for name in "nkm")
    kind = draw(st.sampled_from(["vector@vector", "vector@matrix", "matrix@vector", "matrix@matrix",
                                 "batched"]), label="kind")
    if kind == "vector@vector":
        return (k,), (k,)
    if kind == "vector@matrix":
        return (k,), (k, m)
    if kind == "matrix@vector":
        return (n, k), (k,)
    if kind == "matrix@matrix":
        return (n, k), (k, m)
    batch_a, batch_b = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=2, max_side=3),
                            label="batch shapes").input_shapes
    a = batch_a + (n, k)
    b = batch_b + (k, m) if draw(st.booleans(), label="b is a matrix") else (k,)
    return a, b
