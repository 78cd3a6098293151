"""What the creation tests share: the array layouts torch wraps or refuses, the kinds of data a
factory takes, and a call that silences the documented copy warnings."""
from __future__ import annotations

import warnings

import numpy as np
import torch


# Layouts (tensorspec.testing.layouts) torch wraps without copying, and the two it refuses (ValueError)
# in every constructor.
WRAPPABLE = ("contiguous", "fortran", "stepped", "readonly")
REFUSED = {"negative_stride": "negative", "byteswapped": "byte order"}


KINDS = ("list", "tuple", "ndarray", "tensor", "scalar", "numpy scalar")
# What Python data becomes (by the NumPy kind of the values): bool, int64, the default float dtype.
PYTHON_DTYPE = {"b": np.bool_, "i": np.int64, "u": np.int64, "f": np.float32}


def as_kind(arr: np.ndarray, kind: str):
    """The same data as a list, tuple, ndarray, tensor or Python scalar."""
    if kind == "list":
        return arr.tolist()
    if kind == "tuple":
        return tuple(arr.tolist()) if arr.ndim else arr.item()
    if kind == "tensor":
        return torch.from_numpy(arr.copy())
    if kind == "scalar":
        return arr.reshape(-1)[0].item()
    if kind == "numpy scalar":
        return arr.reshape(-1)[0]
    return arr


def quietly(fn, *args, **kwargs):
    """Call ``fn``, silencing the documented 'not writable' / 'copy construct' UserWarnings."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return fn(*args, **kwargs)
