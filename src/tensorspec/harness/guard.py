"""Global state a test may touch, checked around every test.

The default dtype, the default device, grad mode, inference mode, deterministic algorithms, the number
of intra-op threads, the NumPy print options and the claim catalog that ``differs()`` reads must be as they were after a test: a test that changes
them and does not restore them fails, and the state is restored whatever happened (in a ``finally``,
also when the test failed or errored), so one leaking test cannot turn others red.  The RNG states of
Python, NumPy and torch are simply restored: drawing random numbers is a legitimate thing for a test to
do.

As a pytest plugin (``tensorspec.harness.guard``, loaded by the root conftest) it guards every test:
right after the test body, and again after the fixtures' teardown.
"""
from __future__ import annotations

import random
from contextlib import ExitStack, contextmanager

import numpy as np
import pytest
import torch

from tensorspec.claims import context
from tensorspec.testing.defaults import get_default_device, set_default_device_to


# name -> (read, restore).  Each restore runs on its own, so one failing restore cannot skip the others.
WATCHED = {
    "torch.get_default_dtype()": (torch.get_default_dtype, torch.set_default_dtype),
    "torch.get_default_device()": (get_default_device, set_default_device_to),
    "torch.is_grad_enabled()": (torch.is_grad_enabled, torch.set_grad_enabled),
    "torch.get_num_threads()": (torch.get_num_threads, torch.set_num_threads),
    "torch.is_inference_mode_enabled()": (torch.is_inference_mode_enabled, None),
    "torch.are_deterministic_algorithms_enabled()": (torch.are_deterministic_algorithms_enabled,
                                                     torch.use_deterministic_algorithms),
    "np.get_printoptions()": (np.get_printoptions, lambda opts: np.set_printoptions(**opts)),
    "the catalog differs() reads": (context.loaded_catalog, context.set_catalog),
}


def _snapshot() -> dict:
    return {name: read() for name, (read, _) in WATCHED.items()}


def _restore(before: dict, after: dict, stack: ExitStack) -> None:
    """Set back what changed, and only that (the first use_deterministic_algorithms call in a process
    costs seconds); each restore is a callback of ``stack``, so all run even if one raises."""
    for name, (_, restore) in WATCHED.items():
        if restore is not None and after[name] != before[name]:
            stack.callback(restore, before[name])


def _describe(name: str, was, now) -> str:
    if isinstance(was, dict):  # print options: name the options that changed
        return f"{name}: " + ", ".join(f"{k} was {was.get(k)!r}, is now {now.get(k)!r}"
                                       for k in {**was, **now} if was.get(k) != now.get(k))
    return f"{name} was {was!r}, is now {now!r}"


@contextmanager
def global_state_guard():
    """Yield a list; afterwards restore the RNGs and every watched global, and fill the list with
    the globals the body left changed."""
    before = _snapshot()
    py_rng, np_rng, torch_rng = random.getstate(), np.random.get_state(), torch.get_rng_state()
    cuda_rng = torch.cuda.get_rng_state_all() if torch.cuda.is_initialized() else None
    leaked: list[str] = []
    try:
        yield leaked
    finally:
        with ExitStack() as stack:  # callbacks run last-in first-out, each even if another raised
            if cuda_rng is not None:
                stack.callback(torch.cuda.set_rng_state_all, cuda_rng)
            stack.callback(torch.set_rng_state, torch_rng)
            stack.callback(np.random.set_state, np_rng)
            stack.callback(random.setstate, py_rng)
            after = _snapshot()
            leaked += [_describe(k, before[k], after[k]) for k in before if after[k] != before[k]]
            _restore(before, after, stack)


_LEAKED = pytest.StashKey[list]()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item):
    """Restore what the test body changed at once, before any fixture's teardown sees it."""
    with global_state_guard() as leaked:
        yield
    item.stash[_LEAKED] = leaked


@pytest.fixture(autouse=True)
def _tensorspec_global_state(request: pytest.FixtureRequest):
    """Fail a test that leaves a watched global (default dtype and device, grad mode, thread count,
    NumPy print options, ...) changed; restore it and the RNGs, whether the test passed or not."""
    with global_state_guard() as leaked:
        yield
    leaked = request.node.stash.get(_LEAKED, []) + leaked
    if leaked:
        pytest.fail("the test left global state changed (now restored): " + "; ".join(leaked), pytrace=False)
