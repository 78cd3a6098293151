"""Small synthetic learning problems and a plain training loop, for the claims about regression,
classification and overfitting (CH1.2).

Every problem draws its data from a local ``torch.Generator`` (never the global seed) on the CPU and
moves it to the requested device, so a seed gives the same data everywhere.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable

import torch


@dataclass
class Problem:
    x: torch.Tensor
    y: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor


def _split(x: torch.Tensor, y: torch.Tensor, n_train: int, device) -> Problem:
    return Problem(x[:n_train].to(device), y[:n_train].to(device), x[n_train:].to(device), y[n_train:].to(device))


def linear_relation(g: torch.Generator, weight: float, bias: float, noise: float, n: int = 200,
                    device="cpu") -> Problem:
    """y = weight * x + bias + noise * N(0, 1), x uniform in [-1, 1]; shapes (n, 1)."""
    x = torch.rand(n, 1, generator=g) * 2 - 1
    y = weight * x + bias + noise * torch.randn(n, 1, generator=g)
    return _split(x, y, n // 2, device)


def two_blobs(g: torch.Generator, separation: float, n: int = 200, device="cpu") -> Problem:
    """Two Gaussian clouds in the plane, centres ±separation/2 apart along a random direction;
    labels 0/1 as floats of shape (n, 1)."""
    direction = torch.nn.functional.normalize(torch.randn(2, generator=g), dim=0)
    labels = torch.randint(0, 2, (n, 1), generator=g).float()
    x = torch.randn(n, 2, generator=g) + (labels - 0.5) * separation * direction
    return _split(x, labels, n // 2, device)


def noisy_sine(g: torch.Generator, n_train: int, n_test: int, noise: float, device="cpu") -> Problem:
    """y = sin(3x) + noise * N(0, 1), x uniform in [-1, 1]; shapes (n, 1)."""
    n = n_train + n_test
    x = torch.rand(n, 1, generator=g) * 2 - 1
    y = torch.sin(3 * x) + noise * torch.randn(n, 1, generator=g)
    return _split(x, y, n_train, device)


def seeded_init(model: torch.nn.Module, g: torch.Generator, scale: float = 0.5) -> torch.nn.Module:
    """Set every parameter from ``g`` (N(0, scale²)), leaving the global RNG alone."""
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.randn(p.shape, generator=g) * scale)
    return model


@contextmanager
def one_thread():
    """Run tiny models on one intra-op thread (restored afterwards): on a loaded machine, threads
    waiting for each other make tiny steps many times slower; results agree up to rounding."""
    saved = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(saved)


def fit(model: torch.nn.Module, loss_fn: Callable, x: torch.Tensor, y: torch.Tensor, *, steps: int,
        lr: float, optimizer=None) -> list[float]:
    """Full-batch training: ``steps`` optimizer steps (SGD unless another optimizer class is given)
    on loss_fn(model(x), y); returns the losses."""
    opt = (optimizer or torch.optim.SGD)(model.parameters(), lr=lr)
    losses = []
    with one_thread():
        for _ in range(steps):
            opt.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            opt.step()
            losses.append(loss.detach())
    return torch.stack(losses).tolist()


def overfit_noisy_sine(device="cpu", seed: int = 0) -> tuple[Problem, torch.nn.Module]:
    """misc.overfitting's problem: a 1-64-64-1 tanh MLP trained by Adam (lr 0.02, 300 full-batch steps)
    on 10 points of sin(3x) + N(0, 0.3²), 200 more held out, data and initial weights drawn from
    ``torch.Generator().manual_seed(seed)``; the problem and the trained model."""
    g = torch.Generator().manual_seed(seed)
    p = noisy_sine(g, n_train=10, n_test=200, noise=0.3, device=device)
    model = seeded_init(torch.nn.Sequential(torch.nn.Linear(1, 64), torch.nn.Tanh(), torch.nn.Linear(64, 64),
                                            torch.nn.Tanh(), torch.nn.Linear(64, 1)), g).to(device)
    fit(model, torch.nn.functional.mse_loss, p.x, p.y, steps=300, lr=0.02, optimizer=torch.optim.Adam)
    return p, model


@torch.no_grad()
def training_and_held_out_mse(model: torch.nn.Module, p: Problem) -> tuple[float, float]:
    mse = torch.nn.functional.mse_loss
    return mse(model(p.x), p.y).item(), mse(model(p.x_test), p.y_test).item()
