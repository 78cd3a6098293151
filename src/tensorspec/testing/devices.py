"""The one definition of the devices every device-involving claim is checked on.

``@on_devices`` gives each test a ``cpu`` and a ``cuda`` variant; ``@on_cuda`` only the ``cuda`` one.
The ``cuda`` variant carries the ``cuda`` marker (``pytest -m cuda`` selects exactly the GPU variants)
and skips with "CUDA not available" where there is no GPU.  Parametrize rather than use a fixture, so
that Hypothesis's ``@given`` can be combined with it.  Loaded as a pytest plugin (by the root
conftest), the module registers the ``cuda`` marker.
"""
from __future__ import annotations

import pytest
import torch

CUDA_SKIP_REASON = "CUDA not available"


def cuda_available() -> bool:
    return torch.cuda.is_available()


needs_cuda = pytest.mark.skipif(not cuda_available(), reason=CUDA_SKIP_REASON)

CPU = pytest.param("cpu", id="cpu")
CUDA = pytest.param("cuda", id="cuda", marks=[pytest.mark.cuda, needs_cuda])
DEVICES = [CPU, CUDA]

on_devices = pytest.mark.parametrize("device", DEVICES)
"""Decorator: run the test once per device (``device`` is a string, ``"cpu"`` or ``"cuda"``)."""

on_cuda = pytest.mark.parametrize("device", [CUDA])
"""Decorator for a test that exists only on the GPU: its one variant (``device == "cuda"``) carries the
``cuda`` marker and skips with "CUDA not available" without a GPU, as the ``cuda`` variant of
:data:`on_devices` does."""


def cuda_naming(claim: str, *statements: str):
    """The cuda variant of a device parameter that also names ``claim``'s statements only it checks
    (GPU-only ones), so that a passing CPU variant does not count for them."""
    return pytest.param("cuda", id="cuda", marks=[*CUDA.marks, pytest.mark.claim(claim, *statements)])


def on_devices_naming(claim: str, *statements: str):
    """:data:`on_devices`, whose cuda variant alone also names ``claim``'s GPU-only ``statements``."""
    return pytest.mark.parametrize("device", [CPU, cuda_naming(claim, *statements)])


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "cuda: runs on a CUDA GPU; skipped with 'CUDA not available' without one (select with -m cuda)")


def synchronize(device: str | torch.device) -> None:
    """Wait for queued GPU work (a no-op on the CPU): call inside timed or compared code."""
    if torch.device(device).type == "cuda":
        torch.cuda.synchronize(device)
