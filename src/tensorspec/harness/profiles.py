"""Hypothesis profiles: ``default`` (quick), ``ci`` (derandomized, chosen when ``CI`` is set) and
``thorough`` (many more examples).  Pick one with ``pytest --hypothesis-profile NAME``."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis.database import DirectoryBasedExampleDatabase

_COMMON = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True)
# Failing examples are remembered between runs, outside the source tree (tests write nowhere else).
_DB = DirectoryBasedExampleDatabase(Path(tempfile.gettempdir(), "tensorspec-hypothesis"))


def register() -> str:
    """Register the profiles and load the one the environment asks for; return its name."""
    settings.register_profile("default", max_examples=25, database=_DB, **_COMMON)
    settings.register_profile("ci", max_examples=25, derandomize=True, database=None, **_COMMON)
    settings.register_profile("thorough", max_examples=400, database=_DB, **_COMMON)
    name = os.environ.get("TENSORSPEC_HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "default")
    settings.load_profile(name)
    return name
