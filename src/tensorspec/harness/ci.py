"""Whether this is a CI run: ``$CI`` set and true (not empty, ``0``, ``false``, ``no`` or ``off``)."""
from __future__ import annotations

import os

_FALSE = {"", "0", "false", "no", "off"}


def under_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in _FALSE
