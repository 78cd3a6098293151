"""The claim context of a run: the loaded catalog, and what a test may ask of it.

The claims plugin sets the catalog when pytest is configured.  Tests ask ``differs(name)`` to learn
which release range's truth applies to the installed versions (the boundary is in the catalog only).
"""
from __future__ import annotations

from tensorspec.claims.catalog import Catalog

_catalog: Catalog | None = None


def set_catalog(catalog: Catalog | None) -> None:
    global _catalog
    _catalog = catalog


def catalog() -> Catalog:
    if _catalog is None:
        raise RuntimeError("no claim catalog is loaded: run under pytest with the tensorspec claims plugin")
    return _catalog


def differs(name: str) -> bool:
    """True when the installed versions fall in the range of the ``[[claim.differs]]`` named ``name``,
    so the test must assert that range's behaviour.  An unknown name is a KeyError with suggestions."""
    return catalog().difference(name)[1].applies
