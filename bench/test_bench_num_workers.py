"""data.num_workers_speed (DL34): one full pass of a DataLoader over the 60,000 Fashion-MNIST training
images with the course's per-sample transforms (ToTensor, Normalize), over the course's grid of
num_workers x batch_size.  Each round starts its workers afresh, as a course epoch does."""
from __future__ import annotations

import pytest
import torch
import torch.utils.data

from tensorspec.benchtools import benchinfo
from tensorspec.course import fashion_mnist as fm
from tensorspec.course.transforms import Compose, Normalize, ToTensor

pytestmark = [
    pytest.mark.needs_data, pytest.mark.claim("data.num_workers_speed"),
    pytest.mark.claim("device.gpu_speeds_training"),  # the loader alone: what a GPU cannot shorten
    # More workers than cores is part of the course's grid; torch warns about it on small machines.
    pytest.mark.filterwarnings("ignore:This DataLoader will create:UserWarning"),
]


@pytest.fixture(scope="module")
def transformed_train_set(fashion_mnist_root) -> fm.FashionMNIST:
    """The training set as the course loads it: normalized by its own mean and std, per sample."""
    mean, std = fm.mean_std("train", fashion_mnist_root)
    return fm.FashionMNIST(fashion_mnist_root, train=True, transform=Compose([ToTensor(), Normalize(mean, std)]))


def one_pass(dataset, batch_size: int, num_workers: int) -> int:
    """Iterate every batch once; the number of images delivered."""
    loader = torch.utils.data.DataLoader(dataset, batch_size=batch_size, num_workers=num_workers)
    return sum(len(labels) for _, labels in loader)


@pytest.mark.parametrize("batch_size", [100, 1000, 10000], ids=lambda b: f"batch{b}")
@pytest.mark.parametrize("num_workers", [0, 1, 2, 4], ids=lambda w: f"workers{w}")
def test_one_pass_over_the_training_set(benchmark, transformed_train_set, num_workers, batch_size):
    dataset = transformed_train_set
    if benchinfo.smoke(benchmark):
        dataset = torch.utils.data.Subset(dataset, range(benchinfo.SMOKE_IMAGES))
    benchmark.group = f"{benchinfo.NUM_WORKERS} batch_size={batch_size}"
    delivered = benchmark.pedantic(one_pass, args=(dataset, batch_size, num_workers),
                                   rounds=benchinfo.rounds(), iterations=1, warmup_rounds=0)
    assert delivered == len(dataset), f"one pass delivered {delivered} of {len(dataset)} images"
    benchinfo.record(benchmark, "cpu", num_workers=num_workers, batch_size=batch_size, images=delivered)
    benchinfo.record_rate(benchmark, delivered)
