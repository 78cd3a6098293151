"""What the stack and cat tests share: the dtypes and layouts drawn, the input strategies, and the
check that stack is concat of expanded inputs."""
from __future__ import annotations

import numpy as np
import torch
from hypothesis import strategies as st

from tensorspec.reference.ops import (
    stack_reference,
)
from tensorspec.testing import dtypes as D
from tensorspec.testing import strategies as S
from tensorspec.testing.assertions import (
    assert_equal,
    assert_values,
    source,
)
from tensorspec.testing.layouts import array_in_layout
from tensorspec.testing.tensorflow_compat import tf_shape, to_numpy

TORCH_DTYPES = D.TORCH_REAL + [torch.complex64]
NUMPY_DTYPES = D.REAL + [np.dtype(np.complex64)]


LAYOUTS = ("contiguous", "fortran", "stepped")  # of tensorspec.testing.layouts
MAX_SIZE = 16  # elements per input


# ---- strategies ------------------------------------------------------------------------------------
@st.composite
def stack_inputs(draw, dtypes=NUMPY_DTYPES, min_dims=0):
    """1..4 NumPy arrays of one shape and dtype, each in a drawn memory layout, and a valid stack axis."""
    dtype = draw(st.sampled_from(dtypes), label="dtype")
    shape = draw(S.shapes(min_dims=min_dims, max_dims=4, max_size=MAX_SIZE), label="shape")
    count = draw(st.integers(1, 4), label="count")
    arrays = [array_in_layout(draw(S.arrays(dtype, shape), label=f"x{i}"), draw(st.sampled_from(LAYOUTS), label=f"layout{i}"))
              for i in range(count)]
    return arrays, draw(S.dims(len(shape) + 1), label="axis")


@st.composite
def cat_inputs(draw, dtypes=NUMPY_DTYPES):
    """1..4 NumPy arrays (rank >= 1) equal in shape except along a drawn axis (sizes 0..3 there)."""
    dtype = draw(st.sampled_from(dtypes), label="dtype")
    shape = draw(S.shapes(min_dims=1, max_dims=5, max_size=MAX_SIZE), label="shape")
    axis = draw(S.dims(len(shape)), label="axis")
    sizes = draw(st.lists(st.integers(0, 3), min_size=1, max_size=4), label="sizes along axis")
    pos = axis % len(shape)
    shapes = [shape[:pos] + (n,) + shape[pos + 1:] for n in sizes]
    arrays = [array_in_layout(draw(S.arrays(dtype, s), label=f"x{i}"), draw(st.sampled_from(LAYOUTS), label=f"layout{i}"))
              for i, s in enumerate(shapes)]
    return arrays, axis


def to_tensors(arrays, device, dtype=None) -> list[torch.Tensor]:
    """The arrays as tensors on ``device`` (converted to ``dtype`` when given), strides kept on the CPU."""
    return [torch.from_numpy(a).to(device=device, dtype=dtype) for a in arrays]


def listing(arrays, wrap: str = "") -> str:
    return "[" + ", ".join(f"{wrap}({source(a)})" if wrap else source(a) for a in arrays) + "]"


def assert_stack_is_concat_of_expanded(xs, arrays, *, lib: str, stack, concat, expand_dims) -> None:
    """``stack(xs, axis)`` equals ``concat([expand_dims(x, axis) ...], axis)`` (the functions of ``lib``) in
    shape, dtype and values for every valid axis, and equals the reference stacking of ``arrays`` (the
    same inputs as ndarrays)."""
    n = arrays[0].ndim
    for axis in range(-(n + 1), n + 1):
        stacked = stack(xs, axis=axis)
        catted = concat([expand_dims(x, axis) for x in xs], axis=axis)
        got, want = (tf_shape(stacked), stacked.dtype), (tf_shape(catted), catted.dtype)
        assert_equal(got, want, expr=f"{lib}, axis={axis}", name="(shape, dtype)")
        expr = f"{lib}.stack vs {lib}.{concat.__name__}(expand_dims), axis={axis}"
        assert_values(to_numpy(stacked), to_numpy(catted), expr=expr, exact=True)
        want = stack_reference(arrays, axis, arrays[0].dtype)
        assert_values(to_numpy(stacked), want, expr=f"{lib}.stack(xs, axis={axis})", exact=True)
