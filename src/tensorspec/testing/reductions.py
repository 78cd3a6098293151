"""What the reduction tests share: the ops and their dtypes, the references per library, tolerances,
the drawn cases and the result checks."""
from __future__ import annotations

import math
import warnings
from functools import partial

import numpy as np
import torch
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tensorspec.reference.ops import (
    lanes,
    ref_argmax,
    ref_argmax_skipping_nan,
    ref_max,
    ref_mean,
    ref_prod,
    ref_std,
    ref_sum,
)
from tensorspec.testing import dtypes as D
from tensorspec.testing import strategies as S
from tensorspec.testing.assertions import assert_values
from tensorspec.testing.dtypes import storage_dtype
from tensorspec.testing.exact_values import ELEMENTS

INTS, FLOATS, REAL = D.TORCH_INTEGER, D.TORCH_FLOAT, D.TORCH_REAL
OP_DTYPES = {"sum": REAL, "prod": REAL, "mean": FLOATS, "std": FLOATS, "max": REAL, "argmax": INTS + FLOATS}


OPS = tuple(OP_DTYPES)
TF_FLOATS = [torch.float16, torch.float32, torch.float64]  # the float dtypes TensorFlow's reductions take here
MAX_SIZE = 32  # keeps integer products below 2**32


# What each library's reduction computes on one lane (std: torch divides by N-1, NumPy and TF by N;
# argmax: torch and NumPy pick the first NaN, TF skips NaN; max of an empty lane: TF gives -inf).
TORCH_REF = {"sum": ref_sum, "prod": ref_prod, "mean": ref_mean, "std": partial(ref_std, correction=1),
             "max": ref_max, "argmax": ref_argmax}
NUMPY_REF = {**TORCH_REF, "std": partial(ref_std, correction=0)}


TF_REF = {**NUMPY_REF, "argmax": ref_argmax_skipping_nan,
          "max": lambda lane: ref_max(lane) if lane else -math.inf}
TF_NAME = {"sum": "reduce_sum", "prod": "reduce_prod", "mean": "reduce_mean", "std": "reduce_std",
           "max": "reduce_max", "argmax": "argmax"}


# Tolerances of mean/std (the others are exact): a library may round once more than the reference.
TOL = {torch.float16: (4e-3, 1e-3), torch.bfloat16: (1.6e-2, 1e-2), torch.float32: (1e-5, 1e-5),
       torch.float64: (1e-7, 1e-7)}


@st.composite
def reduction_case(draw, ops=OPS, dtypes=None, min_dims=0, min_side=0):
    """(op, torch dtype, array): values suited to the op, drawn in a NumPy dtype that holds them."""
    op = draw(st.sampled_from(ops), label="op")
    dtype = draw(st.sampled_from(dtypes or OP_DTYPES[op]), label="dtype")
    shape = draw(S.shapes(min_dims=min_dims, min_side=min_side, max_size=MAX_SIZE), label="shape")
    return op, dtype, draw(hnp.arrays(storage_dtype(dtype), shape, elements=ELEMENTS[op](dtype)), label="a")


def tensor_of(a: np.ndarray, dtype: torch.dtype, device) -> torch.Tensor:
    return torch.from_numpy(a).to(device=device, dtype=dtype)


def torch_result_dtype(op: str, dtype: torch.dtype) -> torch.dtype:
    """argmax gives int64; sum/prod of bool or integers give int64; everything else keeps the dtype."""
    if op == "argmax" or (op in ("sum", "prod") and not dtype.is_floating_point):
        return torch.int64
    return dtype


def numpy_result_dtype(op: str, dtype: np.dtype) -> np.dtype:
    """argmax gives intp; sum/prod of bool/signed give NumPy's default int (int64), of unsigned uint64."""
    if op == "argmax":
        return np.dtype(np.intp)
    if op in ("sum", "prod") and dtype.kind in "biu":
        return np.dtype(np.uint64 if dtype.kind == "u" else np.int64)
    return dtype


def expected(ref, a_values: np.ndarray, axis, like: torch.dtype) -> torch.Tensor:
    """``ref`` over each lane of ``a_values`` along ``axis``, as a tensor of dtype ``like``."""
    ls, shape = lanes(a_values, axis)
    wide = torch.float64 if like.is_floating_point else (torch.bool if like == torch.bool else torch.int64)
    return torch.tensor([ref(lane) for lane in ls], dtype=wide).reshape(shape).to(like)


def assert_reduced(actual, expected: torch.Tensor, *, op: str, expr: str, name: str = "out") -> None:
    """Values and shape equal, exactly for sum/prod/max/argmax, within TOL for mean/std."""
    __tracebackhide__ = True
    if not isinstance(actual, torch.Tensor):
        arr = np.asarray(actual)
        actual = torch.from_numpy(arr.astype(np.int64) if arr.dtype.kind == "u" else arr)
    rtol, atol = TOL[expected.dtype] if op in ("mean", "std") else (0, 0)
    assert_values(actual, expected, expr=expr, name=name, rtol=rtol, atol=atol)


def quietly(fn, *args, **kwargs):
    """Call without the warnings an empty or one-element lane triggers (tested where they matter)."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)
