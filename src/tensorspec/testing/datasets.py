"""Small synthetic datasets and loaders for the data claims (``spec/test_data.py``,
``spec/test_data_workers.py``): every sample is identifiable, so order and membership can be checked."""
from __future__ import annotations

import torch
import torch.utils.data

from tensorspec.course import fashion_mnist as fm


def indexed_dataset(n: int, transform=None, target_transform=None, seed: int = 0) -> fm.FashionMNIST:
    """N random 28x28 images whose label is their index 0..N-1 (so samples are identifiable)."""
    g = torch.Generator().manual_seed(seed)
    images = torch.randint(0, 256, (n, 28, 28), dtype=torch.uint8, generator=g)
    images[:, 0, 0] = torch.arange(n) % 256  # the top-left pixel names the sample, for transforms
    return fm.FashionMNIST.from_tensors(images, torch.arange(n), transform, target_transform)


def loader(dataset, **kwargs) -> torch.utils.data.DataLoader:
    """``torch.utils.data.DataLoader(dataset, **kwargs)``, looked up at call time (mutants patch it)."""
    return torch.utils.data.DataLoader(dataset, **kwargs)


def epoch_labels(dl) -> list[int]:
    """The labels of one epoch, in delivery order."""
    return [int(y) for _, labels in dl for y in labels]


def seeded(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)
