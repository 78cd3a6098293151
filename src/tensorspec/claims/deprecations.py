"""Deprecations met on a claim's code paths: a ``FutureWarning`` or ``DeprecationWarning`` that torch,
NumPy or TensorFlow raised while a claim's test ran (``SummaryWriter.add_graph`` calling a deprecated
``torch.jit.trace``, say) is recorded on that claim and shown in the summary and the report:
``deprecated in torch 2.14.1: torch.jit.trace is deprecated …``."""
from __future__ import annotations

import re
import warnings

from tensorspec.claims import versions

CATEGORIES = (DeprecationWarning, FutureWarning)
# where the warning is attributed decides whose deprecation it is; the test machinery's own are not the course's
_LIBRARY = re.compile(r"[/\\](torch|numpy|tensorflow|tensorboard|keras)[/\\]")
_MACHINERY = re.compile(r"[/\\](_pytest|pluggy|hypothesis|xdist|pytest_benchmark|pytest_randomly)[/\\]")


def describe(message: warnings.WarningMessage) -> str | None:
    """``deprecated in torch 2.14.1: <first line of the message>`` or None when it is not a deprecation
    raised on a library's code path."""
    if not issubclass(message.category, CATEGORIES) or _MACHINERY.search(message.filename or ""):
        return None
    lib = _LIBRARY.search(message.filename or "")
    package = {"keras": "tensorflow", "tensorboard": "tensorflow"}.get(lib.group(1), lib.group(1)) if lib else None
    where = f"{package} {versions.installed(package)}" if package and versions.installed(package) else \
        (package or "the course's code")
    text = str(message.message).strip().splitlines()[0] if str(message.message).strip() else message.category.__name__
    return f"deprecated in {where}: {message.category.__name__}: {text}"
