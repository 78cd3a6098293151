"""A split's tensors: located, verified and decoded once per process (an LRU cache keyed by the
files' identity, so a rewritten file is decoded again)."""
from __future__ import annotations

import functools
from pathlib import Path

import torch

from tensorspec.course.fashion_mnist import decoding, locating
from tensorspec.course.fashion_mnist.files import FILES


def load(split: str = "train", root=None, download: bool = False, *, verify: bool = True
         ) -> tuple[torch.Tensor, torch.Tensor]:
    """(images uint8 [N,28,28], labels int64 [N]) of a split (``"train"`` or ``"test"``).

    Decoded once per process: the tensors are shared between callers, do not modify them in place
    (clone first).  ``verify=False`` skips the MD5 check (for synthetic files in tests).
    """
    if split not in FILES:
        raise ValueError(f"split={split!r}, but should be one of {sorted(FILES)}")
    names = FILES[split]
    folder = locating.locate(root, download, files=names, verify=verify)
    paths = [(folder / n).resolve() for n in names]
    return _decode_cached(str(paths[0]), str(paths[1]), _identity(*paths))


@functools.lru_cache(maxsize=8)
def _decode_cached(images_path: str, labels_path: str, identity: tuple) -> tuple[torch.Tensor, torch.Tensor]:
    """decode(), cached by the paths and ``identity`` (the files' sizes and mtimes): a rewritten file is
    decoded again."""
    return decoding.decode(Path(images_path), Path(labels_path))


def _identity(*paths: Path) -> tuple:
    return tuple((st.st_size, st.st_mtime_ns) for st in (p.stat() for p in paths))
