"""Writing many planted changes at once, for the tables in ``tests/mutants``.

A statement that covers several spellings (``x >= y``, ``x.ge(y)``, ``torch.ge(x, y)``) gets one planted
change per spelling, each touching its own spelling only; several planted changes that differ only in
data (a dtype, a layout, a function name) are registered from a table.  ``planted`` names and describes
a generated patch; ``per_spelling`` plants one wrapper once per spelling; ``when`` writes the wrapper
that changes one case (``raising`` an error, say)::

    @per_spelling(COMPARE, "bool_tensor_of_the_shape", "ge_{kind}_gives_uint8",
                  "`{form}` gives a uint8 tensor ({spelling} only).",
                  {"x >= y": "Tensor.__ge__", "x.ge(y)": "Tensor.ge", "torch.ge(x, y)": "torch.ge"})
    def _gives_uint8(orig, *args, **kwargs):
        return orig(*args, **kwargs).to(torch.uint8)
    # registers ge_operator_gives_uint8, ge_method_gives_uint8 and ge_function_gives_uint8
"""
from __future__ import annotations

import sys
from typing import Callable, Mapping

import pytest

from tensorspec.harness.mutation.registry import Patch, mutant, wrap


def planted(claim: str, statement: str, name: str, doc: str) -> Callable[[Patch], Patch]:
    """Decorator: register a generated patch as the mutant ``<table>.<name>`` of ``claim:statement``,
    described by ``doc`` (the table is the module that defines the patch)."""
    def register(patch: Patch) -> Patch:
        patch.__name__ = patch.__qualname__ = name
        patch.__doc__ = doc
        return mutant(claim, statement)(patch)
    return register


def owner_of(spelling: str) -> tuple[object, str]:
    """Where a spelling lives: ``"Tensor.add"`` -> (torch.Tensor, "add"), ``"torch.add"`` -> (torch, "add"),
    ``"torch.nn.functional.linear"`` -> (torch.nn.functional, "linear").  The module is imported when the
    change is planted; one that is not installed (``"tensorflow.add"``) skips the planted change."""
    path, _, attr = spelling.rpartition(".")
    if path == "Tensor":
        return pytest.importorskip("torch").Tensor, attr
    return pytest.importorskip(path, reason=f"{path.partition('.')[0]} not installed"), attr


def kind_of(spelling: str) -> str:
    """``operator`` (``Tensor.__ge__``), ``method`` (``Tensor.ge``) or ``function`` (``torch.ge``)."""
    path, _, attr = spelling.rpartition(".")
    return ("operator" if attr.startswith("_") else "method") if path == "Tensor" else "function"


def per_spelling(claim: str, statement: str, name: str, doc: str,
                 spellings: Mapping[str, str | tuple[str, ...]]) -> Callable[[Callable], Callable]:
    """Decorator: plant the wrapper ``change(orig, *args, **kwargs)`` (as :func:`wrap` takes it) once per
    spelling, each planted change wrapping its own spelling only.

    ``spellings`` maps the form as the reader writes it to the spelling it calls (``{"x >= y":
    "Tensor.__ge__"}``), or to several spellings that one planted change wraps alike (``{"t.sum/prod(...)":
    ("Tensor.sum", "Tensor.prod")}``).  ``name`` and ``doc`` are templates of ``{form}``, ``{spelling}``,
    ``{op}`` (the first spelling's name without underscores) and ``{kind}`` (its operator, method or
    function).  The mutants belong to the table that calls ``per_spelling``.
    """
    table = sys._getframe(1).f_globals["__name__"]

    def plant(change: Callable) -> Callable:
        for form, targets in spellings.items():
            targets = (targets,) if isinstance(targets, str) else tuple(targets)
            words = {"form": form, "spelling": "/".join(targets), "op": targets[0].rpartition(".")[2].strip("_"),
                     "kind": kind_of(targets[0])}

            def patch(mp, targets=targets):
                for spelling in targets:
                    wrap(mp, *owner_of(spelling))(change)
            patch.__module__ = table
            planted(claim, statement, name.format(**words), doc.format(**words))(patch)
        return change
    return plant


def when(case: Callable[..., bool], change: Callable) -> Callable:
    """A wrapper (for :func:`wrap` or :func:`per_spelling`) that changes one case: ``change(orig, *args,
    **kwargs)`` where ``case(*args, **kwargs)`` holds, the real result elsewhere."""
    def wrapper(orig, *args, **kwargs):
        return change(orig, *args, **kwargs) if case(*args, **kwargs) else orig(*args, **kwargs)
    return wrapper


def raising(error: type[BaseException], message: str) -> Callable:
    """A change (for :func:`when`) that raises ``error(message)`` instead of calling the original."""
    def change(orig, *args, **kwargs):
        raise error(message)
    return change
