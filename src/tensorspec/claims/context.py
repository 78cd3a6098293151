"""The claim context of a run: the loaded catalog, the running test's claims, and what a test may ask.

The claims plugin sets the catalog when pytest is configured, and the running test's claim IDs during
its setup, call and teardown (Hypothesis runs its examples inside the call, so they see them too).
Tests ask ``differs(name)`` to learn which release range's truth applies to the installed versions
(the boundary is in the catalog only); ``repro`` and ``claim_fact`` read ``current_claims()`` instead
of repeating the IDs of the test's ``@pytest.mark.claim``.
"""
from __future__ import annotations

import os

from tensorspec.claims.catalog import Catalog

#: ``TENSORSPEC_ASSUME_DIFFERS="name=true,other=false"`` forces what ``differs(name)`` answers, whatever
#: is installed: ``tensorspec bisect`` runs a claim's tests once per answer to see which behaviour holds.
ASSUME_ENV = "TENSORSPEC_ASSUME_DIFFERS"

_catalog: Catalog | None = None
_current: tuple[str, ...] = ()


def set_catalog(catalog: Catalog | None) -> None:
    global _catalog
    _catalog = catalog


def loaded_catalog() -> Catalog | None:
    """The catalog ``differs()`` reads, or None before the plugin set one (the global-state guard
    compares it before and after every test)."""
    return _catalog


def catalog() -> Catalog:
    if _catalog is None:
        raise RuntimeError("no claim catalog is loaded: run under pytest with the tensorspec claims plugin")
    return _catalog


def set_current_claims(claim_ids) -> None:
    """The claim IDs of the test now running (empty between tests)."""
    global _current
    _current = tuple(claim_ids)


def current_claims() -> tuple[str, ...]:
    """The claim IDs of the running test's ``@pytest.mark.claim`` markers, in order (empty outside)."""
    return _current


def differs(name: str) -> bool:
    """True when the installed versions fall in the range of the ``[[claim.differs]]`` named ``name``,
    so the test must assert that range's behaviour.  An unknown name is a KeyError with suggestions.
    ``TENSORSPEC_ASSUME_DIFFERS`` (``name=true|false``, comma-separated) overrides the answer."""
    difference = catalog().difference(name)[1]
    forced = assumed().get(name)
    return difference.applies if forced is None else forced


def assumed() -> dict[str, bool]:
    """The answers ``TENSORSPEC_ASSUME_DIFFERS`` forces: ``{"name": True, ...}``."""
    out = {}
    for item in filter(None, (s.strip() for s in os.environ.get(ASSUME_ENV, "").split(","))):
        name, sep, value = item.partition("=")
        if not sep or value.strip().lower() not in ("true", "false", "1", "0"):
            raise ValueError(f"{ASSUME_ENV}: {item!r} is not name=true or name=false")
        out[name.strip()] = value.strip().lower() in ("true", "1")
    return out
