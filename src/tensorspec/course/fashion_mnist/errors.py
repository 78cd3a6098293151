"""The errors of the data layer, each saying what is wrong and how to fix it.

Nothing usable found is a :class:`DataNotFoundError` (a failed download and an unwritable cache are
kinds of it: the pytest fixture turns all three into a skip); a file that is there but wrong is a
:class:`DataCorruptError`, naming the file and the remedy.
"""
from __future__ import annotations

from pathlib import Path

from tensorspec.course.fashion_mnist.files import ENV_VAR, MD5S, MIRRORS

PUT_FILES = (f"set {ENV_VAR} (or pass --data-dir to pytest) to a folder holding the four files "
             f"{', '.join(MD5S)} (flat, or in torchvision's FashionMNIST/raw/ layout)")
FIX = PUT_FILES + ", or allow downloading (download=True; pytest --download-data)"


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
