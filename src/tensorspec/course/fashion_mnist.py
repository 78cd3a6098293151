"""Fashion-MNIST without torchvision: find, verify, download and decode the four IDX files.

Where the files are looked for, in order (the first source that is set is the only one used):

1. the ``root`` argument (the pytest option ``--data-dir``),
2. the environment variable ``TENSORSPEC_DATA_DIR``,
3. the per-user cache ``$XDG_CACHE_HOME/tensorspec/fashion-mnist`` (``~/.cache/...``).

In each, both a flat folder holding the four ``.gz`` files and torchvision's layout
``<root>/FashionMNIST/raw/`` are accepted.  Files are checked against their official MD5 (once per
process per file).  When files are missing and downloading is allowed, they are fetched from the
official mirror into the folder of the first source, each to a temporary file that is verified and
then moved into place, so that a failed or interrupted download never leaves a half-written file.

Every failure is a :class:`DataNotFoundError` (nothing usable found: says where it looked and how to
fix it) or a :class:`DataCorruptError` (a file is there but wrong: names the file and the remedy).

Decoding is zlib (gzip container) + ``np.frombuffer``: all 70,000 images decode in a fraction of a second, once
per process (an LRU cache keyed by the files' identity).
"""
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
import zlib
from pathlib import Path
from typing import Callable, Iterable, Mapping

import numpy as np
import torch
from torch.utils.data import Dataset

CLASSES: tuple[str, ...] = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)
FILES: dict[str, tuple[str, str]] = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}
MD5S: dict[str, str] = {
    "train-images-idx3-ubyte.gz": "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
    "train-labels-idx1-ubyte.gz": "25c81989df183df01b3e8a0aad5dffbe",
    "t10k-images-idx3-ubyte.gz": "bef4ecab320f06d8554ea6380940ec79",
    "t10k-labels-idx1-ubyte.gz": "bb300cfdad3c16e7a12a480ee83cd310",
}
SIZES: dict[str, int] = {"train": 60_000, "test": 10_000}
IMAGE_SHAPE = (28, 28)
ENV_VAR = "TENSORSPEC_DATA_DIR"
TORCHVISION_SUBDIR = Path("FashionMNIST", "raw")
MIRRORS: tuple[str, ...] = (
    "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",  # the official one (Zalando)
    "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",
)
DEFAULT_TIMEOUT = 10.0  # seconds per connection attempt / read; a dead network fails in seconds

_PUT_FILES = (f"set {ENV_VAR} (or pass --data-dir to pytest) to a folder holding the four files "
              f"{', '.join(MD5S)} (flat, or in torchvision's FashionMNIST/raw/ layout)")
_FIX = _PUT_FILES + ", or allow downloading (download=True; pytest --download-data)"


class DataNotFoundError(FileNotFoundError):
    """The Fashion-MNIST files are not where they were looked for (and were not downloaded)."""


class DownloadError(DataNotFoundError):
    """Every mirror failed for a file: the message lists each URL and why."""


class CacheNotWritableError(DataNotFoundError):
    """The folder to download into cannot be created or written."""


class DataCorruptError(ValueError):
    """A file is present but is not what it should be (MD5, gzip, IDX header, sizes, labels)."""

    def __init__(self, path: Path | str, problem: str, remedy: str | None = None):
        self.path = Path(path)
        self.problem = problem
        remedy = remedy or (f"delete {self.path} and download it again (download=True; pytest "
                            f"--download-data), or replace it with the official file from {MIRRORS[0]}")
        super().__init__(f"{self.path}: {problem}. Remedy: {remedy}")


# ---- where ---------------------------------------------------------------------------------------

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
           verify: bool = True, mirrors: Iterable[str] = MIRRORS, timeout: float = DEFAULT_TIMEOUT) -> Path:
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
                f"Fix: {_FIX}.")
        _download(folder, mirrors=mirrors, timeout=timeout, files={n: MD5S.get(n, "") for n in missing})
        complete = folder
    if verify:
        for n in names:
            check_md5(complete / n)
    return complete


# ---- verify --------------------------------------------------------------------------------------

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


# ---- download ------------------------------------------------------------------------------------

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
                + f"\nFix: check the network access to the mirror, or {_PUT_FILES}.")


def _download(*args, **kwargs) -> None:
    """:func:`download`, for :func:`locate` whose ``download`` argument hides the function."""
    download(*args, **kwargs)


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


# ---- decode --------------------------------------------------------------------------------------

_IDX_UBYTE = 0x08


def read_idx(path: Path, ndim: int | None = None) -> np.ndarray:
    """Decode a gzipped IDX file of unsigned bytes into an array (validated header and size)."""
    path = Path(path)
    try:
        packed = path.read_bytes()
    except FileNotFoundError:
        raise DataNotFoundError(f"{path}: no such file. Fix: {_FIX}.") from None
    inflate = zlib.decompressobj(wbits=31)  # gzip container; one member, as the official files are
    try:
        raw = inflate.decompress(packed)
    except zlib.error as exc:  # bad gzip header, damaged deflate data, CRC or length mismatch
        raise DataCorruptError(path, f"not valid gzip data (zlib.error: {exc})") from None
    if not inflate.eof:
        raise DataCorruptError(path, f"truncated gzip data: the compressed stream ends early "
                                     f"({len(packed)} bytes on disk)")
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0:
        raise DataCorruptError(path, f"not an IDX file: wrong magic number {raw[:4].hex() or 'empty'} "
                                     f"(expected 0000 08 0{ndim or 'n'})")
    if raw[2] != _IDX_UBYTE:
        raise DataCorruptError(path, f"wrong IDX magic: element type 0x{raw[2]:02x}, expected 0x08 (unsigned byte)")
    if ndim is not None and raw[3] != ndim:
        raise DataCorruptError(path, f"wrong IDX magic: {raw[3]} dimensions, expected {ndim}")
    n = raw[3]
    header = 4 + 4 * n
    if len(raw) < header:
        raise DataCorruptError(path, f"IDX header cut short: {len(raw)} bytes, expected at least {header}")
    shape = tuple(int(d) for d in np.frombuffer(raw, dtype=">u4", count=n, offset=4))
    size = int(np.prod(shape, dtype=np.int64))
    if len(raw) - header != size:
        raise DataCorruptError(path, f"IDX size mismatch: header says {shape} = {size} bytes of data, "
                                     f"the file holds {len(raw) - header}")
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(shape)


def write_idx(path: Path, array, compresslevel: int = 6) -> Path:
    """Write a uint8 array as a gzipped IDX file (the inverse of :func:`read_idx`; for test data)."""
    import gzip

    a = np.ascontiguousarray(array, dtype=np.uint8)
    header = bytes([0, 0, _IDX_UBYTE, a.ndim]) + np.asarray(a.shape, dtype=">u4").tobytes()
    Path(path).write_bytes(gzip.compress(header + a.tobytes(), compresslevel=compresslevel, mtime=0))
    return Path(path)


def decode(images_path: Path, labels_path: Path) -> tuple[torch.Tensor, torch.Tensor]:
    """(images uint8 [N,28,28], labels int64 [N]) from an images and a labels IDX file, validated."""
    images = read_idx(images_path, ndim=3)
    labels = read_idx(labels_path, ndim=1)
    if images.shape[1:] != IMAGE_SHAPE:
        raise DataCorruptError(images_path, f"images are {images.shape[1]}x{images.shape[2]}, expected 28x28")
    if len(images) != len(labels):
        raise DataCorruptError(
            images_path, f"image/label count mismatch: {len(images)} images but {len(labels)} labels in {labels_path}",
            remedy="the two files do not belong together; delete both and download them again (download=True)")
    if labels.size and labels.max() >= len(CLASSES):
        raise DataCorruptError(labels_path, f"label {int(labels.max())} out of range 0..{len(CLASSES) - 1}")
    # copies: writable tensors independent of the decompressed bytes
    return torch.from_numpy(images.copy()), torch.from_numpy(labels.astype(np.int64))


@functools.lru_cache(maxsize=8)
def _decode_cached(images_path: str, labels_path: str, _identity: tuple) -> tuple[torch.Tensor, torch.Tensor]:
    return decode(Path(images_path), Path(labels_path))


def _identity(*paths: Path) -> tuple:
    return tuple((st.st_size, st.st_mtime_ns) for st in (p.stat() for p in paths))


def load(split: str = "train", root=None, download: bool = False, *, verify: bool = True
         ) -> tuple[torch.Tensor, torch.Tensor]:
    """(images uint8 [N,28,28], labels int64 [N]) of a split (``"train"`` or ``"test"``).

    Decoded once per process: the tensors are shared between callers, do not modify them in place
    (clone first).  ``verify=False`` skips the MD5 check (for synthetic files in tests).
    """
    if split not in FILES:
        raise ValueError(f"split={split!r}, but should be one of {sorted(FILES)}")
    names = FILES[split]
    folder = locate(root, download, files=names, verify=verify)
    paths = [(folder / n).resolve() for n in names]
    return _decode_cached(str(paths[0]), str(paths[1]), _identity(*paths))


def mean_std(split: str = "train", root=None, *, correction: int = 0) -> tuple[float, float]:
    """Mean and standard deviation of the split's pixels scaled to [0, 1] (what ToTensor gives).

    ``correction=0`` (default): the population std, dividing by N, so that ``Normalize(mean, std)``
    gives the data population std 1; ``correction=1``: the sample std (N - 1), what ``torch.std``
    computes by default.  For N = 47 million pixels the two differ by a factor 1 + 1.1e-8.
    """
    images, _ = load(split, root)
    return pixel_mean_std(images, correction=correction)


def pixel_mean_std(images: torch.Tensor, *, correction: int = 0) -> tuple[float, float]:
    """Mean and std of uint8 pixels scaled to [0, 1], exactly in float64 from the 256-bin histogram."""
    counts = torch.bincount(images.reshape(-1), minlength=256).double()
    values = torch.arange(256, dtype=torch.float64) / 255
    n = counts.sum()
    mean = (counts * values).sum() / n
    var = (counts * (values - mean) ** 2).sum() / (n - correction)
    return float(mean), float(var.sqrt())


# ---- the Dataset ---------------------------------------------------------------------------------

def to_unit_float(image: torch.Tensor) -> torch.Tensor:
    """uint8 [28,28] -> float32 [1,28,28] in [0,1]: what ToTensor gives, without a transform."""
    return image.unsqueeze(0).to(torch.float32).div(255)


class FashionMNIST(Dataset):
    """Fashion-MNIST as a map-style Dataset for ``torch.utils.data.DataLoader``.

    A sample is ``(image, label)``: without a ``transform`` the image is float32 [1,28,28] in [0,1]
    (what torchvision's ``ToTensor`` gives) and the label a Python ``int``.  A ``transform`` receives
    the raw uint8 [28,28] tensor (where torchvision hands a PIL image), so
    ``Compose([ToTensor(), Normalize(mean, std)])`` works as in torchvision; ``target_transform``
    receives the ``int`` label.  ``.data`` (uint8 [N,28,28]), ``.targets`` (int64 [N]) and
    ``.classes`` as in torchvision.  Transforms run per sample, as the sample is fetched.
    """

    classes = list(CLASSES)

    def __init__(self, root=None, train: bool = True, transform=None, target_transform=None,
                 download: bool = False, *, verify: bool = True):
        self.root = root
        self.train = train
        self.transform = transform
        self.target_transform = target_transform
        self.data, self.targets = load("train" if train else "test", root, download, verify=verify)

    @classmethod
    def from_tensors(cls, data: torch.Tensor, targets: torch.Tensor, transform=None,
                     target_transform=None, train: bool = True) -> "FashionMNIST":
        """A dataset over given uint8 [N,28,28] images and int64 [N] labels (no files)."""
        if data.dtype != torch.uint8 or data.dim() != 3 or targets.dim() != 1 or len(data) != len(targets):
            raise ValueError(f"from_tensors needs uint8 [N,H,W] images and [N] labels, got "
                             f"{data.dtype} {tuple(data.shape)} and {tuple(targets.shape)}")
        self = cls.__new__(cls)
        self.root, self.train = None, train
        self.transform, self.target_transform = transform, target_transform
        self.data, self.targets = data, targets.to(torch.int64)
        return self

    def __len__(self) -> int:
        return len(self.data)

    def __getitem__(self, index: int):
        image, label = self.data[index], int(self.targets[index])
        image = to_unit_float(image) if self.transform is None else self.transform(image)
        if self.target_transform is not None:
            label = self.target_transform(label)
        return image, label

    @property
    def class_to_idx(self) -> dict[str, int]:
        return {c: i for i, c in enumerate(self.classes)}

    def __repr__(self) -> str:
        split = "train" if self.train else "test"
        return (f"FashionMNIST(split={split!r}, samples={len(self)}, transform={self.transform!r}, "
                f"target_transform={self.target_transform!r})")
