"""Where the files are: the one folder to look in (the ``root`` argument, else ``$TENSORSPEC_DATA_DIR``,
else the per-user cache), flat or in torchvision's layout; missing files downloaded on request."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable

from tensorspec.course.fashion_mnist import checksums, downloading
from tensorspec.course.fashion_mnist.errors import FIX, DataNotFoundError
from tensorspec.course.fashion_mnist.files import ENV_VAR, MD5S, MIRRORS, TORCHVISION_SUBDIR


def default_cache_dir() -> Path:
    """The per-user cache folder: ``$XDG_CACHE_HOME/tensorspec/fashion-mnist`` or ``~/.cache/...``."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base).expanduser() / "tensorspec" / "fashion-mnist"


def _source(root) -> tuple[Path, str]:
    """The one folder to look in, and where it came from (for messages)."""
    if root is not None:
        return Path(root).expanduser(), "the root argument (--data-dir)"
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser(), f"${ENV_VAR}"
    return default_cache_dir(), "the per-user cache (no root given and $" + ENV_VAR + " unset)"


def _candidates(base: Path) -> list[Path]:
    """The flat folder, then torchvision's layout under it (``base`` may itself be ``.../raw``)."""
    return [base, base / TORCHVISION_SUBDIR]


def locate(root=None, download: bool = False, *, files: Iterable[str] | None = None,
           verify: bool = True, mirrors: Iterable[str] = MIRRORS,
           timeout: float = downloading.DEFAULT_TIMEOUT) -> Path:
    """The folder holding the Fashion-MNIST files (all four, or ``files``), MD5-checked.

    Looks in ``root``, else ``$TENSORSPEC_DATA_DIR``, else :func:`default_cache_dir`, each flat or
    torchvision-style.  Missing files are downloaded into that folder when ``download`` is true.
    Raises :class:`DataNotFoundError` (with every place looked and how to fix it) or
    :class:`DataCorruptError`.
    """
    names = list(files) if files is not None else list(MD5S)
    base, origin = _source(root)
    found = [(folder, [n for n in names if (folder / n).is_file()]) for folder in _candidates(base)]
    complete = next((folder for folder, present in found if len(present) == len(names)), None)
    if complete is None:
        # the folder that holds some of the files (else the flat one) is the one to complete
        folder = max(found, key=lambda fp: len(fp[1]))[0] if any(p for _, p in found) else base
        missing = [n for n in names if not (folder / n).is_file()]
        if not download:
            looked = "\n".join(f"  - {f}" + (f" (has {', '.join(p)})" if p else " (none of them)")
                               for f, p in found)
            raise DataNotFoundError(
                f"Fashion-MNIST: missing {', '.join(missing)}; looked in {origin}:\n{looked}\n"
                f"Fix: {FIX}.")
        downloading.download(folder, mirrors=mirrors, timeout=timeout,
                             files={n: MD5S.get(n, "") for n in missing})
        complete = folder
    if verify:
        for n in names:
            checksums.check_md5(complete / n)
    return complete
