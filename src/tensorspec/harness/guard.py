"""Global state a test may touch, checked around every test.

The default dtype, grad mode, the number of intra-op threads and the NumPy print options must be as
they were after a test: a test that changes them and does not restore them fails (and the state is
restored, so one leaking test cannot turn others red).  The RNG states of Python, NumPy and torch are
simply restored: drawing random numbers is a legitimate thing for a test to do.
"""
from __future__ import annotations

import random
from contextlib import contextmanager

import numpy as np
import torch


def _snapshot() -> dict:
    return {
        "torch.get_default_dtype()": torch.get_default_dtype(),
        "torch.is_grad_enabled()": torch.is_grad_enabled(),
        "torch.get_num_threads()": torch.get_num_threads(),
        "torch.is_inference_mode_enabled()": torch.is_inference_mode_enabled(),
        "torch.are_deterministic_algorithms_enabled()": torch.are_deterministic_algorithms_enabled(),
    }


_SETTERS = {
    "torch.get_default_dtype()": torch.set_default_dtype,
    "torch.is_grad_enabled()": torch.set_grad_enabled,
    "torch.get_num_threads()": torch.set_num_threads,
    "torch.are_deterministic_algorithms_enabled()": torch.use_deterministic_algorithms,
}


def _restore(before: dict, after: dict) -> None:
    """Set back what changed, and only that (the first use_deterministic_algorithms call in a
    process costs seconds)."""
    for key, setter in _SETTERS.items():
        if after[key] != before[key]:
            setter(before[key])


@contextmanager
def global_state_guard():
    """Yield; afterwards restore the RNGs and return the list of globals the body left changed."""
    before = _snapshot()
    py_rng, np_rng, torch_rng = random.getstate(), np.random.get_state(), torch.get_rng_state()
    cuda_rng = torch.cuda.get_rng_state_all() if torch.cuda.is_initialized() else None
    leaked: list[str] = []
    try:
        yield leaked
    finally:
        after = _snapshot()
        leaked += [f"{k} was {before[k]!r}, is now {after[k]!r}" for k in before if after[k] != before[k]]
        _restore(before, after)
        random.setstate(py_rng)
        np.random.set_state(np_rng)
        torch.set_rng_state(torch_rng)
        if cuda_rng is not None:
            torch.cuda.set_rng_state_all(cuda_rng)
