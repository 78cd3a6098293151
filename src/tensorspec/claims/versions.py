"""Which releases are installed, and which of a claim's version ranges they fall in.

A claim's truth can differ between releases.  The catalog states the truth of the newest releases in
``truth`` and, for each range where it differs, a ``[[claim.differs]]`` table::

    [[claim.differs]]
    name = "abs_bool_raises"           # the switch a test reads: differs("abs_bool_raises")
    when = ["torch<2.5"]               # requirements on torch / numpy / tensorflow / python; all must hold
    truth = "torch.abs on a bool tensor raises RuntimeError ..."
    verdict = "refuted"                # optional: the verdict in that range

The version boundary is written there once.  A test asks ``differs(name)`` and asserts the behaviour
of the range the installed versions fall in; it never names a version itself.
"""
from __future__ import annotations

import platform
from functools import lru_cache
from importlib import metadata

from packaging.requirements import InvalidRequirement, Requirement
from packaging.version import InvalidVersion, Version

#: the packages a ``when`` requirement may name, and the distributions that provide them
PACKAGES = {"torch": ("torch",), "numpy": ("numpy",), "tensorflow": ("tensorflow", "tensorflow-cpu"),
            "python": ()}


@lru_cache(maxsize=None)
def installed(package: str) -> Version | None:
    """The installed version of ``package`` (local tags such as ``+cpu`` kept), or None."""
    if package == "python":
        return Version(platform.python_version())
    if package == "torch":  # the imported module is the truth (an env can hold a stale dist-info)
        import torch

        return Version(torch.__version__)
    if package == "numpy":
        import numpy

        return Version(numpy.__version__)
    for dist in PACKAGES[package]:
        try:
            return Version(metadata.version(dist))
        except (metadata.PackageNotFoundError, InvalidVersion):
            continue
    return None


def parse_when(when: list[str] | str) -> tuple[Requirement, ...]:
    """``["torch<2.5", "numpy>=2"]`` -> requirements; ValueError naming what is wrong."""
    items = [when] if isinstance(when, str) else list(when)
    if not items:
        raise ValueError("'when' names no requirement")
    reqs = []
    for text in items:
        try:
            req = Requirement(text)
        except InvalidRequirement as exc:
            raise ValueError(f"{text!r} is not a requirement like 'torch<2.5': {exc}") from None
        if req.name not in PACKAGES:
            raise ValueError(f"{text!r}: the package must be one of {', '.join(PACKAGES)}")
        if not req.specifier:
            raise ValueError(f"{text!r} names no version range")
        reqs.append(req)
    return tuple(reqs)


def satisfied(reqs: tuple[Requirement, ...]) -> bool:
    """Do the installed versions meet every requirement?  A package that is absent meets none."""
    for req in reqs:
        version = installed(req.name)
        if version is None or not req.specifier.contains(version, prereleases=True):
            return False
    return True


def describe(reqs: tuple[Requirement, ...]) -> str:
    """Words for a range: ``torch<2.5`` -> "before torch 2.5", ``torch>=2.5`` -> "since torch 2.5",
    ``torch>=2.1,<2.1.2`` -> "from torch 2.1 to before 2.1.2"."""
    words = []
    for req in reqs:
        specs = list(req.specifier)
        if len(specs) == 1 and specs[0].operator == "<":
            words.append(f"before {req.name} {specs[0].version}")
        elif len(specs) == 1 and specs[0].operator == ">=":
            words.append(f"since {req.name} {specs[0].version}")
        elif sorted(s.operator for s in specs) == ["<", ">="]:
            low, high = (next(s.version for s in specs if s.operator == op) for op in (">=", "<"))
            words.append(f"from {req.name} {low} to before {high}")
        else:
            words.append(f"{req.name} {','.join(sorted(str(s) for s in specs))}")
    return ", ".join(words)
