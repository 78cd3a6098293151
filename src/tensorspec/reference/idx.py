"""An IDX reader independent of :mod:`tensorspec.course.fashion_mnist`: the oracle for the real files.

The IDX format (LeCun's MNIST files, and Fashion-MNIST's): a 4-byte magic number ``0x00 0x00 TYPE
NDIM`` (``TYPE`` 0x08 for unsigned bytes), then ``NDIM`` big-endian uint32 sizes, then the data in C
order; the distributed files are gzipped.  tensorspec's reader inflates with ``zlib`` and parses the
header with NumPy; this one uses the ``gzip`` module and ``struct``, so that a fault in one is not
repeated in the other.  Used by ``spec/test_data.py``.
"""
from __future__ import annotations

import functools
import gzip
import struct
from pathlib import Path

import numpy as np

#: the two files of each split, as the official distribution names them
FILES: dict[str, tuple[str, str]] = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}


@functools.lru_cache(maxsize=4)
def read(path: Path) -> np.ndarray:
    """A gzipped unsigned-byte IDX file as a writable uint8 array of the header's shape."""
    raw = gzip.decompress(Path(path).read_bytes())
    zero, dtype, ndim = struct.unpack(">HBB", raw[:4])
    if (zero, dtype) != (0, 8):
        raise ValueError(f"{path}: not an unsigned-byte IDX file (magic {raw[:4].hex()})")
    shape = struct.unpack(f">{ndim}I", raw[4:4 + 4 * ndim])
    return np.frombuffer(bytearray(raw), np.uint8, offset=4 + 4 * ndim).reshape(shape)


def split(root: Path, name: str) -> tuple[np.ndarray, np.ndarray]:
    """(images uint8 [N,28,28], labels uint8 [N]) of the split ``name`` (``"train"``/``"test"``) in ``root``."""
    images, labels = (read(Path(root) / file) for file in FILES[name])
    return images, labels


def pixel_counts(images: np.ndarray) -> np.ndarray:
    """How many pixels take each value 0..255 (NumPy bincounts over chunks of a million bytes: one
    bincount of all 47 million would first widen them to a 376 MB intp array)."""
    flat, chunk = np.asarray(images, np.uint8).reshape(-1), 1 << 20
    return sum((np.bincount(flat[i:i + chunk], minlength=256) for i in range(0, flat.size, chunk)),
               np.zeros(256, np.int64))
