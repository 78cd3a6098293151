"""Helpers shared by the elementwise spec modules (spec/test_elementwise_*.py): operands drawn as
layout recipes or Python scalars, NumPy references on the same values, and the kernels some dtypes
or devices lack."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import strategies as st

from tensorspec.testing import dtypes as D
from tensorspec.testing.layouts import same_kind_scalars, tensors_in_layouts

WIDE_UNSIGNED = dict(zip(D.available("uint16", "uint32", "uint64"), ("UInt16", "UInt32", "UInt64")))
"""uint16/uint32/uint64 (those this torch has) and their names in torch's messages."""


def numpy_result(np_op, *operands) -> np.ndarray:
    """NumPy's answer on the same values, every operand cast to the first one's dtype first."""
    first = operands[0]
    with np.errstate(all="ignore"):
        return np_op(*(np.asarray(x, dtype=first.dtype) for x in operands))


def rounded(expected, dtype: torch.dtype):
    """A NumPy reference rounded to a float ``dtype``, overflowing to inf as a tensor of it does."""
    if not dtype.is_floating_point:
        return expected
    return torch.from_numpy(np.array(expected, dtype=np.float64)).to(dtype)


@st.composite
def operand_pairs(draw):
    """(x, y): a tensor recipe and a same-shape, same-dtype recipe or a Python scalar it holds exactly."""
    x = draw(tensors_in_layouts(), label="x")
    if draw(st.booleans(), label="y is a scalar"):
        return x, draw(same_kind_scalars(x.dtype), label="y")
    return x, draw(tensors_in_layouts(dtypes=[x.dtype], shape=x.shape), label="y")


def build(y, device):
    """(operand, its source, its reference values): a recipe's tensor on ``device``, or a scalar itself."""
    if isinstance(y, (bool, int, float, complex)):
        return y, repr(y), y
    return y.tensor(device), y.source(device), y.reference()


def cpu_only(device):
    """Skip on other devices: the catalog states the CPU kernels of uint16/uint32/uint64 only."""
    if torch.device(device).type != "cpu":
        pytest.skip("the statement is about the CPU kernels of uint16/uint32/uint64; other devices are not stated")


def half_on_cpu(t: torch.Tensor) -> bool:
    """A float16 CPU tensor: some releases lack CPU kernels for it (the catalog's ranges say which)."""
    return t.dtype == torch.float16 and t.device.type == "cpu"


def raises_exactly(error: type, match: str, call, expr: str):
    """``call()`` raises ``error`` itself (not a subclass: NotImplementedError is a RuntimeError) with a
    message matching ``match``."""
    __tracebackhide__ = True
    with pytest.raises(error, match=match) as raised:
        call()
    assert type(raised.value) is error, f"{expr} raised {type(raised.value).__name__}, not {error.__name__}"
