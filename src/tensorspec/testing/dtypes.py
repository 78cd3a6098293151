"""The one table of dtypes: NumPy's and torch's, how they map onto each other, and the kinds tests draw.

Built with ``getattr`` so that the module imports on every torch the spec collects on (1.13 and up):
``torch.uint16``, ``uint32`` and ``uint64`` exist only since torch 2.3, and are simply absent from the
tables before.  A test that needs a dtype by name asks :func:`torch_dtype`, which skips with the reason
where the installed torch lacks it.
"""
from __future__ import annotations

import numpy as np
import pytest
import torch

# NumPy kinds, as np.dtype objects.
BOOL = [np.dtype(np.bool_)]
INTEGER = [np.dtype(t) for t in (np.uint8, np.int8, np.int16, np.int32, np.int64)]
FLOAT = [np.dtype(t) for t in (np.float16, np.float32, np.float64)]
COMPLEX = [np.dtype(t) for t in (np.complex64, np.complex128)]
REAL = BOOL + INTEGER + FLOAT
ALL = REAL + COMPLEX

# torch dtype <-> NumPy dtype, for every dtype both libraries have and torch fully supports.
TORCH_OF_NUMPY: dict[np.dtype, torch.dtype] = {d: getattr(torch, d.name) for d in ALL}
NUMPY_OF_TORCH: dict[torch.dtype, np.dtype] = {t: n for n, t in TORCH_OF_NUMPY.items()}

# uint16/32/64: in torch since 2.3 with few kernels (no promotion), but torch.from_numpy bridges them.
LIMITED_UINT = [np.dtype(n) for n in ("uint16", "uint32", "uint64") if hasattr(torch, n)]
TORCH_OF_NUMPY_ALL = {**TORCH_OF_NUMPY, **{d: getattr(torch, d.name) for d in LIMITED_UINT}}
NUMPY_OF_TORCH_ALL = {t: n for n, t in TORCH_OF_NUMPY_ALL.items()}

# torch kinds (bfloat16, which NumPy lacks, included).
TORCH_INTEGER = [torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64]
TORCH_FLOAT = [torch.float16, torch.bfloat16, torch.float32, torch.float64]
TORCH_COMPLEX = [torch.complex64, torch.complex128]
TORCH_REAL = [torch.bool, *TORCH_INTEGER, *TORCH_FLOAT]

# tf.math.add / multiply / greater_equal and tf.where have kernels for all of these (add: not bool).
TF_ELEMENTWISE = [np.dtype(t) for t in (np.int8, np.int16, np.int64, np.float16, np.float32, np.float64)]


def storage_dtype(dtype: torch.dtype) -> np.dtype:
    """The NumPy dtype that holds a torch dtype's values: an array is drawn in it before it becomes a
    tensor (float32 for bfloat16, which NumPy lacks)."""
    return NUMPY_OF_TORCH.get(dtype, np.dtype(np.float32))


def available(*names: str) -> list[torch.dtype]:
    """The dtypes among ``names`` that the installed torch has (for tables built at import time)."""
    return [getattr(torch, n) for n in names if isinstance(getattr(torch, n, None), torch.dtype)]


def torch_dtype(name: str) -> torch.dtype:
    """``torch.<name>``; skips the test with the reason where the installed torch lacks that dtype."""
    dtype = getattr(torch, name, None)
    if not isinstance(dtype, torch.dtype):
        pytest.skip(f"torch {torch.__version__} has no dtype torch.{name}")
    return dtype
