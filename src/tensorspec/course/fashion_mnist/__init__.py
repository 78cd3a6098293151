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

One module per job; this package re-exports their public names:

- :mod:`.files`: what the files are (names, MD5s, sizes, classes, mirrors, ``ENV_VAR``);
- :mod:`.errors`: the errors, each with its remedy;
- :mod:`.checksums`: the MD5 check, once per process per file;
- :mod:`.downloading`: fetching from the mirrors without leaving a half-written file;
- :mod:`.locating`: the folder that holds the files (argument, environment variable, cache);
- :mod:`.decoding`: the IDX reader (and writer, for test data);
- :mod:`.loading`: a split's tensors, decoded once per process;
- :mod:`.stats`: the pixels' mean and std;
- :mod:`.dataset`: the ``Dataset``.

The modules call each other's functions through the module (``downloading.download(...)``), so that a
patch of a module's function reaches every caller inside the package.
"""
from __future__ import annotations

from tensorspec.course.fashion_mnist.checksums import check_md5, md5_of
from tensorspec.course.fashion_mnist.dataset import FashionMNIST, to_unit_float
from tensorspec.course.fashion_mnist.decoding import decode, read_idx, write_idx
from tensorspec.course.fashion_mnist.downloading import DEFAULT_TIMEOUT, download
from tensorspec.course.fashion_mnist.errors import (CacheNotWritableError, DataCorruptError, DataNotFoundError,
                                                    DownloadError)
from tensorspec.course.fashion_mnist.files import (CLASSES, ENV_VAR, FILES, IMAGE_SHAPE, MD5S, MIRRORS, SIZES,
                                                   TORCHVISION_SUBDIR)
from tensorspec.course.fashion_mnist.loading import load
from tensorspec.course.fashion_mnist.locating import default_cache_dir, locate
from tensorspec.course.fashion_mnist.stats import mean_std, pixel_mean_std

__all__ = [
    "CLASSES", "FILES", "MD5S", "SIZES", "IMAGE_SHAPE", "ENV_VAR", "TORCHVISION_SUBDIR", "MIRRORS",
    "DEFAULT_TIMEOUT", "DataNotFoundError", "DownloadError", "CacheNotWritableError", "DataCorruptError",
    "md5_of", "check_md5", "download", "default_cache_dir", "locate", "read_idx", "write_idx", "decode",
    "load", "mean_std", "pixel_mean_std", "to_unit_float", "FashionMNIST",
]
