"""device.gpu_speeds_training (DL35) and device.gpu_not_always_faster (MF), CPU vs GPU.

* gpu-training: training the course network on the first images of Fashion-MNIST (3000 by default, at
  least one batch), the data loaded the course's way (a DataLoader with per-sample transforms) and
  each batch moved to the device the network is on.
* gpu-ops: single element-wise additions and matrix products over sizes, from tiny (where the CPU
  wins) to large, the operands already on the device.

GPU work is warmed up first and synchronized inside the timed function.  The single ops run with 1
and 2 CPU intra-op threads (``threads``), the training with ``TENSORSPEC_BENCH_THREADS`` (default 1);
bench/conftest.py sets and records them.
"""
from __future__ import annotations

import pytest
import torch
import torch.utils.data

from tensorspec.benchtools import benchinfo

from tensorspec.course import network

from tensorspec.course import training
from tensorspec.course import fashion_mnist as fm
from tensorspec.testing.devices import DEVICES, synchronize
from tensorspec.course.transforms import Compose, Normalize, ToTensor

SEED = 35


@pytest.fixture(scope="module")
def transformed_train_set(fashion_mnist_root) -> fm.FashionMNIST:
    mean, std = fm.mean_std("train", fashion_mnist_root)
    return fm.FashionMNIST(fashion_mnist_root, train=True, transform=Compose([ToTensor(), Normalize(mean, std)]))


def make_trainer(device: str, dataset, batch_size: int):
    """A function training a fresh course network on ``device`` for one pass over ``dataset``."""
    net = network.build("plain", seed=SEED).to(device)
    optimizer = torch.optim.SGD(net.parameters(), lr=0.01)

    def one_pass() -> float:
        loss = None
        for images, labels in torch.utils.data.DataLoader(dataset, batch_size=batch_size):
            loss, _ = training.train_step(net, optimizer, images.to(device), labels.to(device))
        synchronize(device)
        return float(loss.detach())

    return one_pass


@pytest.mark.needs_data
@pytest.mark.claim("device.gpu_speeds_training", "decided_by_the_benchmark")
@pytest.mark.parametrize("batch_size", [100, 1000, 10000], ids=lambda b: f"batch{b}")
@pytest.mark.parametrize("device", DEVICES)
def test_training(benchmark, transformed_train_set, device, batch_size):
    images = max(batch_size, benchinfo.train_images())
    if benchinfo.smoke(benchmark):
        images = min(batch_size, benchinfo.SMOKE_IMAGES)
    images = min(images, len(transformed_train_set))
    run = make_trainer(device, torch.utils.data.Subset(transformed_train_set, range(images)), batch_size)
    make_trainer(device, torch.utils.data.Subset(transformed_train_set, range(2)), 2)()  # warm-up: CUDA, cuDNN
    benchmark.group = f"{benchinfo.TRAINING} batch_size={batch_size}"
    loss = benchmark.pedantic(run, rounds=benchinfo.rounds(), iterations=1, warmup_rounds=0)
    assert loss == loss, "the training loss is NaN"
    benchinfo.record(benchmark, device, batch_size=batch_size, steps=-(-images // batch_size), images=images)
    benchinfo.record_rate(benchmark, images)
    if "images_per_second" in benchmark.extra_info:
        benchmark.extra_info["epoch_seconds_estimate"] = round(60000 / benchmark.extra_info["images_per_second"], 1)


def elementwise_add(n: int, device: str):
    a, b = torch.rand(n, device=device), torch.rand(n, device=device)
    return lambda: a + b


def matmul(n: int, device: str):
    a, b = torch.rand(n, n, device=device), torch.rand(n, n, device=device)
    return lambda: a @ b


OPS = [*[("add", n, elementwise_add) for n in (16, 4096, 2**20, 2**22)],
       *[("matmul", n, matmul) for n in (8, 64, 256, 1024)]]


@pytest.mark.claim("device.gpu_not_always_faster", "decided_by_the_benchmark")
@pytest.mark.benchmark(max_time=0.5)
@pytest.mark.parametrize("op,size,make", [pytest.param(*o, id=f"{o[0]}{o[1]}") for o in OPS])
@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("threads", benchinfo.MICRO_THREADS, ids=lambda t: f"threads{t}")
def test_single_op(benchmark, threads, device, op, size, make):
    compute = make(size, device)

    def timed():
        out = compute()
        synchronize(device)
        return out

    timed()  # warm-up (first kernel launch, cuBLAS handle)
    benchmark.group = f"{benchinfo.OPS} {op} size={size} threads={threads}"
    out = benchmark(timed)
    assert out.device.type == device
    elements = size if op == "add" else size * size
    benchinfo.record(benchmark, device, op=op, size=size, elements=elements,
                     flops=size if op == "add" else 2 * size**3)
