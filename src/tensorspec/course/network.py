"""The course network (Deeplizard lessons 17-25, 38, 39), exactly as the course builds it.

* :class:`Network` -- the object-oriented form: ``conv1`` 1->6 (k5), ``conv2`` 6->12 (k5), ``fc1``
  192->120, ``fc2`` 120->60, ``out`` 60->10; ReLU after every layer but ``out`` and a 2x2 max-pool
  (stride 2) after each conv.  ``Network()`` takes no arguments.
* :func:`sequential_network` -- the same function as an ``nn.Sequential`` (lesson 38).
* :func:`batchnorm_network` -- the lesson-39 variant: ``BatchNorm2d(6)`` after the first pool and
  ``BatchNorm1d(120)`` after ``fc1``'s ReLU.
* :func:`copy_into_sequential` -- give a sequential network the weights of a :class:`Network`.

Input: a batch ``[B, 1, 28, 28]`` of Fashion-MNIST images; output: ``[B, 10]`` logits.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

IN_CHANNELS = 1
NUM_CLASSES = 10
FLAT_FEATURES = 12 * 4 * 4  # conv2's 12 channels of 4x4 after the second pool: 28 -> 24 -> 12 -> 8 -> 4

class Network(nn.Module):
    """The course CNN: layers are attributes (lesson 17), the forward pass uses ``nn.functional``
    for the weightless operations (lesson 22)."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels=IN_CHANNELS, out_channels=6, kernel_size=5)
        self.conv2 = nn.Conv2d(in_channels=6, out_channels=12, kernel_size=5)
        self.fc1 = nn.Linear(in_features=FLAT_FEATURES, out_features=120)
        self.fc2 = nn.Linear(in_features=120, out_features=60)
        self.out = nn.Linear(in_features=60, out_features=NUM_CLASSES)

    def forward(self, t: torch.Tensor) -> torch.Tensor:
        return self.trace(t)[-1][1]

    def trace(self, t: torch.Tensor) -> list[tuple[str, torch.Tensor]]:
        """Run the forward pass and return every intermediate ``(step name, tensor)``, input first
        (conv1, relu, max_pool2d, conv2, ..., out)."""
        steps = [("input", t)]

        def step(name: str, value: torch.Tensor) -> torch.Tensor:
            steps.append((name, value))
            return value

        t = step("relu", F.relu(step("conv1", self.conv1(t))))
        t = step("max_pool2d", F.max_pool2d(t, kernel_size=2, stride=2))
        t = step("relu", F.relu(step("conv2", self.conv2(t))))
        t = step("max_pool2d", F.max_pool2d(t, kernel_size=2, stride=2))
        t = step("reshape", t.reshape(-1, FLAT_FEATURES))
        t = step("relu", F.relu(step("fc1", self.fc1(t))))
        t = step("relu", F.relu(step("fc2", self.fc2(t))))
        step("out", self.out(t))
        return steps


def _course_layers(batchnorm: bool) -> list[nn.Module]:
    """The layers of lesson 38's ``nn.Sequential``, in order; with ``batchnorm``, lesson 39's
    ``BatchNorm2d(6)`` after the first pool and ``BatchNorm1d(120)`` after ``fc1``'s ReLU.  Batch norm
    layers draw no random numbers, so both variants initialize alike under one seed."""
    return [
        nn.Conv2d(in_channels=IN_CHANNELS, out_channels=6, kernel_size=5),
        nn.ReLU(),
        nn.MaxPool2d(kernel_size=2, stride=2),
        *([nn.BatchNorm2d(6)] if batchnorm else []),
        nn.Conv2d(in_channels=6, out_channels=12, kernel_size=5),
        nn.ReLU(),
        nn.MaxPool2d(kernel_size=2, stride=2),
        nn.Flatten(start_dim=1),
        nn.Linear(in_features=FLAT_FEATURES, out_features=120),
        nn.ReLU(),
        *([nn.BatchNorm1d(120)] if batchnorm else []),
        nn.Linear(in_features=120, out_features=60),
        nn.ReLU(),
        nn.Linear(in_features=60, out_features=NUM_CLASSES),
    ]


def sequential_network() -> nn.Sequential:
    """The course network as ``nn.Sequential`` (lesson 38); the same function as :class:`Network`."""
    return nn.Sequential(*_course_layers(batchnorm=False))


# Index of each Network layer inside sequential_network().
SEQUENTIAL_INDEX = {"conv1": 0, "conv2": 3, "fc1": 7, "fc2": 9, "out": 11}


def batchnorm_network() -> nn.Sequential:
    """The lesson-39 network: the sequential form with ``BatchNorm2d(6)`` after the first pool and
    ``BatchNorm1d(120)`` after ``fc1``'s ReLU."""
    return nn.Sequential(*_course_layers(batchnorm=True))


NETWORKS = {"plain": Network, "sequential": sequential_network, "batchnorm": batchnorm_network}
"""Constructors by name (the ``network`` hyperparameter of a run)."""


def build(name: str, seed: int | None = None) -> nn.Module:
    """A fresh network by name (see :data:`NETWORKS`), initialized under ``torch.manual_seed(seed)``
    when a seed is given (lesson 38); the global RNG state is left as it was."""
    if seed is None:
        return NETWORKS[name]()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return NETWORKS[name]()


def copy_into_sequential(network: Network, sequential: nn.Sequential) -> nn.Sequential:
    """Copy the weights of ``network`` into ``sequential`` (from :func:`sequential_network`)."""
    with torch.no_grad():
        for name, index in SEQUENTIAL_INDEX.items():
            src, dst = getattr(network, name), sequential[index]
            dst.weight.copy_(src.weight)
            dst.bias.copy_(src.bias)
    return sequential


def parameter_count(module: nn.Module) -> int:
    """Number of learnable scalars."""
    return sum(p.numel() for p in module.parameters() if p.requires_grad)
