"""Fixtures shared by the spec modules."""
from __future__ import annotations

import pytest

from tensorspec.testing.tensorflow_compat import import_tensorflow


@pytest.fixture(scope="session")
def tf():
    """TensorFlow, for the cross-framework claims; skips with the reason where it is not installed."""
    return import_tensorflow()
