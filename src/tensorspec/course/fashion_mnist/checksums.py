"""A file's MD5 against the official one, computed once per process per file."""
from __future__ import annotations

import functools
import hashlib
import threading
from pathlib import Path

from tensorspec.course.fashion_mnist.errors import DataCorruptError
from tensorspec.course.fashion_mnist.files import MD5S

_verified: dict[tuple[str, int, int], str] = {}  # (path, size, mtime_ns) -> md5 already computed
_verified_lock = threading.Lock()


def md5_of(path: Path) -> str:
    """MD5 of a file, computed once per process per (path, size, mtime)."""
    st = Path(path).stat()
    key = (str(Path(path).resolve()), st.st_size, st.st_mtime_ns)
    with _verified_lock:
        if key in _verified:
            return _verified[key]
    digest = _hash_file(Path(path))
    with _verified_lock:
        _verified[key] = digest
    return digest


def _hash_file(path: Path) -> str:
    h = hashlib.md5()
    with open(path, "rb") as f:
        for chunk in iter(functools.partial(f.read, 1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def check_md5(path: Path, expected: str | None = None) -> None:
    """Raise :class:`DataCorruptError` unless ``path`` has its official MD5 (or ``expected``)."""
    path = Path(path)
    expected = expected or MD5S.get(path.name)
    if not expected:
        return
    actual = md5_of(path)
    if actual != expected:
        raise DataCorruptError(path, f"wrong MD5 {actual}, expected {expected} (a damaged, partial or "
                                     f"different file)")
