"""The mean and standard deviation of the pixels scaled to [0, 1], what ``Normalize`` is given."""
from __future__ import annotations

import torch

from tensorspec.course.fashion_mnist import loading


def mean_std(split: str = "train", root=None, *, correction: int = 0) -> tuple[float, float]:
    """Mean and standard deviation of the split's pixels scaled to [0, 1] (what ToTensor gives).

    ``correction=0`` (default): the population std, dividing by N, so that ``Normalize(mean, std)``
    gives the data population std 1; ``correction=1``: the sample std (N - 1), what ``torch.std``
    computes by default.  For N = 47 million pixels the two differ by a factor 1 + 1.1e-8.
    """
    images, _ = loading.load(split, root)
    return pixel_mean_std(images, correction=correction)


def pixel_mean_std(images: torch.Tensor, *, correction: int = 0) -> tuple[float, float]:
    """Mean and std of uint8 pixels scaled to [0, 1], exactly in float64 from the 256-bin histogram."""
    counts = torch.bincount(images.reshape(-1), minlength=256).double()
    values = torch.arange(256, dtype=torch.float64) / 255
    n = counts.sum()
    mean = (counts * values).sum() / n
    var = (counts * (values - mean) ** 2).sum() / (n - correction)
    return float(mean), float(var.sqrt())
