"""Decoding the four real Fashion-MNIST files (issue 4: "all 70,000 images well under a second").
A benchmark, not a timed assertion: the figure lands in the saved run with the others."""
from __future__ import annotations

from pathlib import Path

import pytest

from tensorspec.course import fashion_mnist as fm

pytestmark = [pytest.mark.needs_data, pytest.mark.claim("data.fashion_mnist")]


@pytest.mark.benchmark(group="decode", max_time=2.0)
def test_decode_all_70000_images(benchmark, fashion_mnist_root: Path):
    paths = {split: [fashion_mnist_root / name for name in fm.FILES[split]] for split in fm.FILES}
    sizes = benchmark(lambda: [len(fm.decode(*paths[split])[0]) for split in fm.FILES])
    benchmark.extra_info.update({"images": sum(sizes), "files": "train + t10k, images + labels"})
    assert sizes == [60_000, 10_000]
