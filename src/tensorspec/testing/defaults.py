"""torch's process-wide defaults, read and changed for one block on every torch the spec collects on.

* ``get_default_device()``: ``torch.get_default_device()`` where it exists and works (torch >= 2.3;
  torch 2.4 raises AttributeError once ``set_default_device(None)`` has run), else the device a
  factory call lands on (torch 2.0-2.2 keep the default in a device mode; before 2.0 it is the CPU).
* ``set_default_device_to(device)``: back to ``device``; the CPU is restored as "no default set".
* ``default_dtype(dt)`` / ``default_device(dev)``: context managers for a test that changes a default;
  ``default_device`` skips with the reason where torch has no ``set_default_device`` (before 2.0).
"""
from __future__ import annotations

from contextlib import contextmanager

import pytest
import torch

CPU = torch.device("cpu")


def get_default_device() -> torch.device:
    """The device factory functions create on when none is named."""
    get = getattr(torch, "get_default_device", None)
    if get is not None:
        try:
            return get()
        except AttributeError:  # torch 2.4 after set_default_device(None): the context is None
            pass
    return torch.empty(0).device


def set_default_device_to(device: torch.device | str | None) -> None:
    """Make ``device`` the default; the CPU (or None) as "no default device set" (no device mode left
    active: it costs every torch call)."""
    if not hasattr(torch, "set_default_device"):
        return  # before torch 2.0 there is no default device to set: it is the CPU
    if device is None or torch.device(device) == CPU:
        torch.set_default_device(None)
        holder = getattr(torch, "_GLOBAL_DEVICE_CONTEXT", None)
        if holder is not None and getattr(holder, "device_context", 0) is None:
            del holder.device_context  # torch 2.4's get_default_device cannot read a None context
    else:
        torch.set_default_device(device)


@contextmanager
def default_dtype(dtype: torch.dtype):
    """``torch.set_default_dtype(dtype)`` for the block; the previous default is restored."""
    before = torch.get_default_dtype()
    torch.set_default_dtype(dtype)
    try:
        yield
    finally:
        torch.set_default_dtype(before)


@contextmanager
def default_device(device: torch.device | str):
    """``torch.set_default_device(device)`` for the block; the previous default is restored.  Skips
    the test where the installed torch has no ``set_default_device`` (added in torch 2.0)."""
    if not hasattr(torch, "set_default_device"):
        pytest.skip(f"torch {torch.__version__} has no torch.set_default_device (added in 2.0)")
    before = get_default_device()
    torch.set_default_device(device)
    try:
        yield
    finally:
        set_default_device_to(before)
