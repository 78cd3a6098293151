"""The registry of planted changes: ``@mutant(claim, statement)`` registers one, ``wrap`` writes one,
``load_tables`` imports the tables ``tests/mutants/<group>.py``."""
from __future__ import annotations

import importlib.util
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest

Patch = Callable[[pytest.MonkeyPatch], None]

_TABLE_PACKAGE = "_tensorspec_mutants"  # the tables are imported as _tensorspec_mutants.<table>


@dataclass(frozen=True)
class Mutant:
    name: str  # "<table>.<function>", e.g. "creation.from_numpy_copies"
    claim: str  # the claim whose statement must go red
    description: str  # the function's docstring: the planted change
    patch: Patch = field(repr=False, compare=False)
    statement: str = ""  # the statement of the claim whose tests must go red ("" before statements)

    @property
    def selector(self) -> str:
        """What ``--claim`` selects: ``claim:statement`` (or the claim)."""
        return f"{self.claim}:{self.statement}" if self.statement else self.claim


#: every registered mutant by name, in definition order
REGISTRY: dict[str, Mutant] = {}


def mutant(claim: str, statement: str = ""):
    """Register a planted change against a claim's statement: the name is ``<table>.<function>``, the
    description the docstring.  The statement's tests are found by collection."""
    def register(patch: Patch) -> Patch:
        doc = " ".join((patch.__doc__ or "").split())
        if not doc:
            raise TypeError(f"mutant {patch.__name__}: the docstring must describe the planted change")
        name = f"{patch.__module__.rpartition('.')[2]}.{patch.__name__}"
        REGISTRY[name] = Mutant(name=name, claim=claim, description=doc, patch=patch, statement=statement)
        return patch
    return register


def wrap(mp: pytest.MonkeyPatch, owner, name: str, *, also=()):
    """Decorator: replace ``owner.name`` with the decorated ``fn(orig, *args, **kwargs)``, where
    ``orig`` is the original attribute (the patch is undone with ``mp``).  ``also``: the other holders
    of the same function under ``name`` (a package that re-exports it), patched with it, so that the
    change reaches callers of either."""
    orig = getattr(owner, name)

    def apply(fn):
        def patched(*args, **kwargs):
            return fn(orig, *args, **kwargs)
        patched.__name__ = getattr(orig, "__name__", name)
        for holder in (owner, *also):
            mp.setattr(holder, name, patched)
        return patched
    return apply


def load_tables(folder: str | os.PathLike) -> list[Mutant]:
    """Import every table ``folder/*.py`` (once per process) and return their mutants."""
    names: list[str] = []
    for path in sorted(Path(folder).glob("*.py")):
        if path.name.startswith("_"):
            continue
        module_name = f"{_TABLE_PACKAGE}.{path.stem}"
        if module_name not in sys.modules:
            spec = importlib.util.spec_from_file_location(module_name, path)
            module = importlib.util.module_from_spec(spec)
            sys.modules[module_name] = module
            try:
                spec.loader.exec_module(module)
            except BaseException:
                del sys.modules[module_name]
                raise
        names.append(path.stem)
    return [m for m in REGISTRY.values() if m.name.partition(".")[0] in names]


def default_tables(root: str | os.PathLike) -> Path:
    return Path(root, "tests", "mutants")


def find(name: str, root: str | os.PathLike) -> Mutant:
    mutants = {m.name: m for m in load_tables(default_tables(root))}
    if name not in mutants:
        close = [n for n in mutants if name in n]
        hint = f"; did you mean {', '.join(close[:5])}?" if close else ""
        raise pytest.UsageError(f"--mutant {name}: no such mutant in {default_tables(root)}{hint}")
    return mutants[name]
