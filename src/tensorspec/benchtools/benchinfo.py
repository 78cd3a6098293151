"""What the benchmark suite (``bench/``) and ``tensorspec-charts`` share: the benchmark groups, what
each benchmark records about where it ran, and how big the heavy workloads are.

Workload sizes can be changed through environment variables (defaults keep ``pytest bench`` to a
few minutes on a 2-core machine):

* ``TENSORSPEC_BENCH_ROUNDS`` (default 1): timed rounds of the heavy benchmarks (a full DataLoader
  pass; the training steps).  The light ones (tensor creation, single ops) calibrate themselves.
* ``TENSORSPEC_BENCH_TRAIN_IMAGES`` (default 3000): images per round of the training benchmark (at
  least one batch; 60000 for a full epoch).

With benchmarking disabled (``--benchmark-disable``, or under pytest-xdist) every benchmark body runs
once on a small slice of the data (:data:`SMOKE_IMAGES` images), so CI can check that they work.
"""
from __future__ import annotations

import os
import platform

# torch is imported inside the functions that need it: tensorspec-charts reads the group names below
# and should start without loading torch.

# Benchmark groups (the prefix of ``benchmark.group``), as tensorspec-charts reads them back.
NUM_WORKERS = "num_workers"
TRAINING = "gpu-training"
OPS = "gpu-ops"
ONE_LOAD = "creation-one-load"
ROUND_TRIPS = "creation-round-trips"

SMOKE_IMAGES = 1000


def env_int(name: str, default: int) -> int:
    """A positive integer from the environment, with a clear error for anything else."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise ValueError(f"${name}={raw!r}: expected a positive integer")
    return int(raw)


def rounds() -> int:
    return env_int("TENSORSPEC_BENCH_ROUNDS", 1)


def train_images() -> int:
    return env_int("TENSORSPEC_BENCH_TRAIN_IMAGES", 3000)


def cpu_name() -> str:
    return f"{platform.processor() or platform.machine()}, {os.cpu_count()} logical cores"


def device_name(device) -> str:
    """The GPU's name for a CUDA device (a string or torch.device), the processor for the CPU."""
    import torch

    device = torch.device(device)
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    return cpu_name()


def gpu_names() -> list[str]:
    import torch

    if not torch.cuda.is_available():
        return []
    return [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())]


def machine_info() -> dict:
    """What a saved run needs beyond pytest-benchmark's own machine info (GPU name included)."""
    import torch

    names = gpu_names()
    return {
        "gpu": names[0] if names else None,
        "gpus": names,
        "torch": str(torch.__version__),
        "torch_cuda": torch.version.cuda,
        "cpu_count": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
    }


def record(benchmark, device: str, **extra) -> None:
    """Fill ``benchmark.extra_info`` with where it ran and the benchmark's own parameters."""
    import torch

    benchmark.extra_info.update({
        "device": str(device),
        "device_name": device_name(device),
        "torch": str(torch.__version__),
        "threads": torch.get_num_threads(),
        **extra,
    })


def record_rate(benchmark, items: int, name: str = "images_per_second") -> None:
    """``items`` per second of the best (fastest) round, only when the benchmark was timed."""
    stats = getattr(benchmark, "stats", None)
    if stats is not None and stats.stats.min > 0:
        benchmark.extra_info[name] = round(items / stats.stats.min, 1)


def smoke(benchmark) -> bool:
    """True when benchmarking is off (the body runs once, on a small workload)."""
    return not benchmark.enabled
