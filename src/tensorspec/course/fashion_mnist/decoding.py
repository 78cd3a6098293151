"""Decoding the gzipped IDX files: zlib (gzip container) + ``np.frombuffer``, every header and size
validated; all 70,000 images decode in a fraction of a second."""
from __future__ import annotations

import zlib
from pathlib import Path

import numpy as np
import torch

from tensorspec.course.fashion_mnist.errors import FIX, DataCorruptError, DataNotFoundError
from tensorspec.course.fashion_mnist.files import CLASSES, IMAGE_SHAPE

_IDX_UBYTE = 0x08


def read_idx(path: Path, ndim: int | None = None) -> np.ndarray:
    """Decode a gzipped IDX file of unsigned bytes into an array (validated header and size)."""
    path = Path(path)
    try:
        packed = path.read_bytes()
    except FileNotFoundError:
        raise DataNotFoundError(f"{path}: no such file. Fix: {FIX}.") from None
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
