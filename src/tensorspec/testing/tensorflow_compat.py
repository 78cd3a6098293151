"""TensorFlow for the cross-framework claims, imported lazily and quietly.

The spec must run where TensorFlow is not installed (the GPU machine has none): a test that needs it
asks for the ``tf`` fixture (spec/conftest.py), which calls :func:`import_tensorflow`; that
skips the test with :data:`TF_MISSING` when the import fails.  TensorFlow's own C++ logging (CPU
feature notices) is turned down before the first import.
"""
from __future__ import annotations

import os

import numpy as np
import pytest

TF_MISSING = "TensorFlow not installed: the cross-framework part of this claim is not run"


def import_tensorflow():
    """The ``tensorflow`` module, or a skip naming why the cross-framework check did not run."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    return pytest.importorskip("tensorflow", reason=TF_MISSING)


def to_numpy(x) -> np.ndarray:
    """A TensorFlow eager tensor (or anything array-like) as an ndarray."""
    return x.numpy() if hasattr(x, "numpy") else np.asarray(x)


def tf_shape(x) -> tuple[int, ...]:
    return tuple(int(n) for n in x.shape)
