"""Downloading the files from the mirrors, so that a failed or interrupted download never leaves a
half-written file: each streams into a temporary file that is verified and then moved into place."""
from __future__ import annotations

import functools
import hashlib
import os
import socket
import tempfile
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Callable, Iterable, Mapping

from tensorspec.course.fashion_mnist.errors import PUT_FILES, CacheNotWritableError, DownloadError
from tensorspec.course.fashion_mnist.files import ENV_VAR, MD5S, MIRRORS

DEFAULT_TIMEOUT = 10.0  # seconds per connection attempt / read; a dead network fails in seconds


def download(dest: Path, mirrors: Iterable[str] = MIRRORS, timeout: float = DEFAULT_TIMEOUT, *,
             files: Mapping[str, str] | None = None,
             opener: Callable[..., object] | None = None) -> None:
    """Download ``files`` (name -> MD5; default: all four) into ``dest``.

    Each file streams into a temporary file in ``dest``, is checked against its MD5 and is then
    ``os.replace``-d into place; on any failure or interrupt the temporary file is removed, so ``dest``
    never holds a half-written file.  Tries each mirror in turn; raises :class:`DownloadError` naming
    every URL tried and why, or :class:`CacheNotWritableError`.
    """
    dest = Path(dest)
    files = dict(MD5S if files is None else files)
    mirrors = list(mirrors)
    opener = opener or urllib.request.urlopen
    created = [d for d in (dest, *dest.parents) if not d.exists()]  # removed again if nothing arrives
    _writable_dir(dest)
    try:
        _download_all(dest, files, mirrors, timeout, opener)
    except BaseException:
        for d in created:  # innermost first; only the folders this call made, only if still empty
            try:
                d.rmdir()
            except OSError:
                break
        raise


def _writable_dir(dest: Path) -> None:
    try:
        dest.mkdir(parents=True, exist_ok=True)
        if not os.access(dest, os.W_OK | os.X_OK):
            raise PermissionError(f"no write permission on {dest}")
        probe = tempfile.NamedTemporaryFile(dir=dest, prefix=".write-test-", delete=True)
        probe.close()
    except OSError as exc:
        raise CacheNotWritableError(
            f"cannot download Fashion-MNIST into {dest}: the folder cannot be created or written "
            f"({exc.__class__.__name__}: {exc}). Fix: set {ENV_VAR} (or --data-dir) or XDG_CACHE_HOME "
            f"to a writable folder, or put the four files there yourself.") from exc


def _download_all(dest: Path, files: Mapping[str, str], mirrors: list[str], timeout: float, opener) -> None:
    for name, md5 in files.items():
        errors = []
        for mirror in mirrors:
            url = urllib.parse.urljoin(mirror if mirror.endswith("/") else mirror + "/", name)
            try:
                _fetch(url, dest / name, md5, timeout, opener)
                break
            except (OSError, ValueError, urllib.error.URLError) as exc:  # http.client errors are OSError too
                errors.append(f"  - {url}: {exc.__class__.__name__}: {exc}")
        else:
            raise DownloadError(
                f"could not download {name} into {dest}; tried:\n" + "\n".join(errors or ["  (no mirrors)"])
                + f"\nFix: check the network access to the mirror, or {PUT_FILES}.")


def _fetch(url: str, target: Path, md5: str, timeout: float, opener) -> None:
    parsed = urllib.parse.urlsplit(url)
    if parsed.hostname and opener is urllib.request.urlopen:
        _resolve_within(parsed.hostname, parsed.port or (443 if parsed.scheme == "https" else 80), timeout)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    try:
        h, received = hashlib.md5(), 0
        with os.fdopen(fd, "wb") as out, opener(url, timeout=timeout) as response:
            length = getattr(response, "headers", {}).get("Content-Length")
            for chunk in iter(functools.partial(response.read, 1 << 16), b""):
                out.write(chunk)
                h.update(chunk)
                received += len(chunk)
        if length is not None and received != int(length):
            raise OSError(f"transfer cut short: received {received} of {length} bytes")
        if md5 and h.hexdigest() != md5:
            raise ValueError(f"downloaded file has MD5 {h.hexdigest()}, expected {md5} (damaged or truncated)")
        os.replace(tmp, target)
    except BaseException:  # failure or interrupt (KeyboardInterrupt too): nothing half-written stays
        Path(tmp).unlink(missing_ok=True)
        raise


def _resolve_within(host: str, port: int, timeout: float) -> None:
    """DNS resolution is not covered by socket timeouts: bound it, so a dead network fails fast."""
    result: list = []
    t = threading.Thread(target=lambda: result.append(_try(socket.getaddrinfo, host, port)), daemon=True)
    t.start()
    t.join(timeout)
    if not result:
        raise OSError(f"resolving {host} took more than {timeout:g} s")
    if isinstance(result[0], BaseException):
        raise result[0]


def _try(fn, *args):
    try:
        return fn(*args)
    except BaseException as exc:  # noqa: BLE001 - handed to the waiting thread
        return exc
