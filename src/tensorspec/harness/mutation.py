"""Planted semantic changes ("mutants"), to prove that the specification notices a change.

A mutant is a function ``patch(mp: pytest.MonkeyPatch)`` that changes one behaviour (make
``torch.from_numpy`` copy, make ``squeeze`` drop only the first length-1 axis, ...).  The tables in
``tests/mutants/*.py`` list them as :class:`Mutant` records; ``tests/test_mutations.py`` runs the spec
tests of the targeted claim in a separate pytest process with the mutant applied::

    pytest spec/test_creation.py -p tensorspec.harness.mutation --mutant tests/mutants/creation.py::from_numpy_copies

and requires the claim to come out ``broken`` in the claims report.  A mutant that survives fails.
"""
from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest


@dataclass(frozen=True)
class Mutant:
    name: str  # the function's name in its table module
    claim: str  # the claim whose tests must go red
    target: str  # the spec file (or file::test) to run, relative to the rootdir
    description: str = ""
    extra_args: tuple[str, ...] = field(default=())


#: mutants registered with ``@mutant`` by the table modules, in definition order
REGISTRY: list[Mutant] = []
_PATCHES: dict[tuple[str, str], Callable[[pytest.MonkeyPatch], None]] = {}


def mutant(claim: str, *, target: str | None = None):
    """Register a planted change.  The name is the function's, the description its docstring, the
    target defaults to the claim group's spec module(s) (``spec/test_<group>*.py``, run with
    ``--claim``)::

        @mutant("broadcasting.rules")
        def add_aligns_left(mp):
            \"\"\"torch.add lines up shapes from the LEFT.\"\"\"
            @wrap(mp, torch, "add")
            def add(orig, a, b, **kwargs): ...
    """
    def register(patch: Callable[[pytest.MonkeyPatch], None]):
        doc = " ".join((patch.__doc__ or "").split())
        if not doc:
            raise TypeError(f"mutant {patch.__name__}: the docstring must describe the planted change")
        m = Mutant(name=patch.__name__, claim=claim, target=target or "spec", description=doc)
        REGISTRY.append(m)
        _PATCHES[(patch.__module__, patch.__name__)] = patch
        return patch
    return register


def wrap(mp: pytest.MonkeyPatch, owner, name: str):
    """Decorator: replace ``owner.name`` with the decorated ``fn(orig, *args, **kwargs)``, where
    ``orig`` is the original attribute (the patch is undone with ``mp``)."""
    orig = getattr(owner, name)

    def apply(fn):
        def patched(*args, **kwargs):
            return fn(orig, *args, **kwargs)
        patched.__name__ = getattr(orig, "__name__", name)
        mp.setattr(owner, name, patched)
        return patched
    return apply


def load_patch(spec: str) -> Callable[[pytest.MonkeyPatch], None]:
    """``path/to/table.py::name`` -> the patch function."""
    path, _, name = spec.partition("::")
    if not name:
        raise pytest.UsageError(f"--mutant {spec!r}: expected PATH::FUNCTION")
    module_spec = importlib.util.spec_from_file_location(f"_mutants_{Path(path).stem}", path)
    if module_spec is None or not Path(path).is_file():
        raise pytest.UsageError(f"--mutant {spec!r}: no such file {path}")
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    try:
        return getattr(module, name)
    except AttributeError:
        raise pytest.UsageError(f"--mutant {spec!r}: {path} defines no {name}") from None


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--mutant", metavar="PATH::FUNCTION", default=None,
                     help="apply a planted semantic change for the whole run (mutation self-check)")


_mp_key = pytest.StashKey[pytest.MonkeyPatch]()


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    spec = config.getoption("--mutant")
    if spec:
        mp = pytest.MonkeyPatch()
        load_patch(spec)(mp)
        config.stash[_mp_key] = mp


def pytest_unconfigure(config: pytest.Config) -> None:
    mp = config.stash.get(_mp_key, None)
    if mp is not None:
        mp.undo()


def pytest_report_header(config: pytest.Config) -> str | None:
    spec = config.getoption("--mutant")
    return f"MUTANT APPLIED: {spec}" if spec else None
