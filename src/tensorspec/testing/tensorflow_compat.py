"""TensorFlow for the cross-framework claims, imported lazily and quietly.

The spec must run where TensorFlow is not installed (the GPU machine has none): a test that needs it
asks for the ``tf`` fixture (spec/conftest.py), which calls :func:`import_tensorflow`; that
skips the test with :data:`TF_MISSING` when the import fails.  TensorFlow's own C++ logging (CPU
feature notices) is turned down before the first import.
"""
from __future__ import annotations

import importlib.util
import os
import sys

import numpy as np
import pytest

TF_MISSING = "TensorFlow not installed: the cross-framework part of this claim is not run"


def load_triton_before_tensorflow() -> None:
    """Import torch's compiler stack (and so triton) before TensorFlow can be imported.

    With TensorFlow 2.21 imported first, the first ``torch.optim`` step crashes the whole process
    (segmentation fault) on the torch wheels that ship triton (seen with torch 2.12.1 and 2.14.1; not
    2.8.0 or 2.10.0); the other order works.  A build without triton (the CPU wheel) needs nothing."""
    if "tensorflow" not in sys.modules and importlib.util.find_spec("triton") is not None:
        importlib.import_module("torch._dynamo")


def import_tensorflow():
    """The ``tensorflow`` module, or a skip naming why the cross-framework check did not run."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    load_triton_before_tensorflow()
    return pytest.importorskip("tensorflow", reason=TF_MISSING)


def to_numpy(x) -> np.ndarray:
    """A TensorFlow eager tensor (or anything array-like) as an ndarray."""
    return x.numpy() if hasattr(x, "numpy") else np.asarray(x)


def tf_shape(x) -> tuple[int, ...]:
    return tuple(int(n) for n in x.shape)
