"""Calls that crash the Python process on some torch releases, and how a test watches one.

torch 2.1.0 and 2.1.1 crash (SIGSEGV, a null read: pytorch#113037, fixed in 2.1.2 by #113210) in a
CPU product or quotient whose right operand is an empty tensor with every stride 0, the tensor
``torch.from_numpy`` makes of any empty array.  The catalog states it (``broadcasting.rules``, statement
``empty_numpy_operand``, range ``empty_numpy_operand_crashes``); ``spec/test_broadcasting_empty.py``
checks it call by call, each in a forked child.  The other property tests draw such operands too: on
those releases they leave out the calls :func:`crashes_here` names, and only those.

The condition was found by running 23,056 calls on 2.1.0 and on 2.1.1, each in its own child
(mul, div with every rounding mode, ``*``, ``/``, ``//``, ``mul_``, ``div_``; tensors of seven shapes with
and without zero sides, Python numbers; float16, bfloat16, float32, int64 and bool): :func:`crash_pattern`
names every crash and nothing else, in the 20,462 calls that reach the kernel (the others are in-place
calls into another shape or dtype, which raise first).  The script and its logs are in
``reports/bisect/crash-2.1``.
"""
from __future__ import annotations

import faulthandler
import os
import re
import signal
import warnings
from typing import Callable

import pytest
import torch

from tensorspec.claims.context import differs

REDUCED_FLOATS = (torch.float16, torch.bfloat16)
PRODUCTS_AND_QUOTIENTS = frozenset({"mul", "div"})


def zero_strided_empty(t: object) -> bool:
    """Is ``t`` an empty tensor whose strides are all 0 (as ``torch.from_numpy`` makes of an empty array)?"""
    return isinstance(t, torch.Tensor) and t.numel() == 0 and all(s == 0 for s in t.stride())


def crash_pattern(op: str, first: object, second: object) -> bool:
    """Does ``op(first, second)`` have the shape of pytorch#113037: on the CPU, the second operand empty
    with every stride 0, a float16 or bfloat16 result, and the first of another shape that broadcasts
    with it (a number or a 0-d tensor counts as shape ())?

    ``op`` is ``"mul"`` or ``"div"``: any rounding mode, or the in-place form where its result fits
    ``first``.  The operands are in ATen's order, so ``2 * b`` is ``b.mul(2)`` (see :func:`aten_order`)."""
    if op not in PRODUCTS_AND_QUOTIENTS or not zero_strided_empty(second) or second.device.type != "cpu":
        return False
    first_shape = tuple(first.shape) if isinstance(first, torch.Tensor) else ()
    if first_shape == tuple(second.shape):
        return False
    try:
        torch.broadcast_shapes(first_shape, tuple(second.shape))
        return torch.result_type(first, second) in REDUCED_FLOATS
    except RuntimeError:  # shapes that clash raise before the kernel runs
        return False


def aten_order(form: str, a: object, b: object) -> tuple[object, object]:
    """The operands of the form ``form`` (as the spec writes it: ``"a * b"``, ``"a.mul(b)"``, ``"torch.mul(a,
    b)"``) in ATen's order: ``(b, a)`` where Python runs a number on the left of ``*`` or ``/`` as b's
    reflected method (``2 * b`` is ``b.mul(2)``); ``(a, b)`` otherwise (``2 // b`` is
    ``torch.floor_divide(2, b)``)."""
    reflected = not isinstance(a, torch.Tensor) and re.fullmatch(r"\w+ [*/] \w+", form) is not None
    return (b, a) if reflected else (a, b)


def crashes_here(op: str, form: str, a: object, b: object) -> bool:
    """Would the form ``form`` of ``op`` on ``a`` and ``b`` crash this process (:func:`crash_pattern` on a
    release of the range)?  Tests that draw such operands for other statements skip exactly these calls."""
    return differs("empty_numpy_operand_crashes") and crash_pattern(op, *aten_order(form, a, b))


RETURNED, RAISED, CRASHED = "returned", "raised", "killed by SIGSEGV"


def outcome_in_child(call: Callable[[], object]) -> str:
    """Run ``call()`` in a forked child and say how it ended: RETURNED, RAISED (an exception, an
    assertion of the call included) or "killed by <signal>" (CRASHED for a segfault).  Skips where this
    platform cannot fork."""
    if not hasattr(os, "fork"):
        pytest.skip("watching a crash needs os.fork (POSIX)")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # "use of fork() may lead to deadlocks"
        pid = os.fork()
    if pid == 0:  # the child: run the call, never return into pytest
        code = 0
        try:
            faulthandler.disable()  # a crash is the expected outcome: no traceback on the test's stderr
            call()
        except BaseException:  # noqa: BLE001 - an error is an outcome too (not a crash)
            code = 1
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        return f"killed by {signal.Signals(os.WTERMSIG(status)).name}"
    return RETURNED if os.WEXITSTATUS(status) == 0 else RAISED
