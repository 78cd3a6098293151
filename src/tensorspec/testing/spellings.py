"""The spellings of one tensor operation (operator, method, function) as a table a property runs through.

The notes write ``t1 + 2``, ``t.add(t1)``, ``t.sum(dim=0)``; torch also has ``torch.add(t1, 2)`` and
``torch.sum(t, dim=0)``.  Each spelling is its own entry point (``Tensor.__add__``, ``Tensor.add`` and
``torch.add`` are separate bindings), so the spec checks every one the notes use and every one torch
has::

    spellings("add", "y", symbol="+")
    # {"t + y": call, "t.add(y)": call, "torch.add(t, y)": call}, each call(t, *args, **kwargs)

Keys read as the code (for messages and reproducers); each call looks its spelling up when it is
called, so a patched ``Tensor.__add__`` or ``torch.add`` is the one that runs.
"""
from __future__ import annotations

import operator
from typing import Callable

import torch

OPERATORS = {  # the Python operators the notes use, and their augmented (in-place) forms
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv, "@": operator.matmul,
    "==": operator.eq, "!=": operator.ne, ">=": operator.ge, ">": operator.gt, "<": operator.lt, "<=": operator.le,
    "+=": operator.iadd, "-=": operator.isub, "*=": operator.imul, "/=": operator.itruediv,
}


def spellings(name: str, args: str = "", *, symbol: str | None = None, operand: str = "t",
              method: bool = True, function: bool = True) -> dict[str, Callable]:
    """``{how it reads: call}`` for ``operand.name(args)``: the binary operator ``operand symbol args``
    (when ``symbol`` is given), the method (unless ``method`` is False, e.g. for a Python scalar
    operand) and the function ``torch.name(operand, args)`` (unless ``function`` is False)."""
    forms: dict[str, Callable] = {}
    if symbol is not None:
        python_op = OPERATORS[symbol]
        forms[f"{operand} {symbol} {args}"] = lambda t, other: python_op(t, other)
    if method:
        forms[f"{operand}.{name}({args})"] = lambda t, *a, **k: getattr(t, name)(*a, **k)
    if function:
        forms[f"torch.{name}({operand}{', ' if args else ''}{args})"] = (
            lambda t, *a, **k: getattr(torch, name)(t, *a, **k))
    return forms
