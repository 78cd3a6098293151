"""What the benchmark suite (``bench/``) and ``tensorspec-charts`` share: the benchmark groups, what
each benchmark records about where it ran, and how big the heavy workloads are.

Workload sizes can be changed through environment variables (defaults keep ``pytest bench`` to a
few minutes on a 2-core machine):

* ``TENSORSPEC_BENCH_ROUNDS`` (default 1): timed rounds of the heavy benchmarks (a full DataLoader
  pass; the training steps).  The light ones (tensor creation, single ops) calibrate themselves.
* ``TENSORSPEC_BENCH_TRAIN_IMAGES`` (default 3000): images per round of the training benchmark (at
  least one batch; 60000 for a full epoch).
* ``TENSORSPEC_BENCH_THREADS`` (default 1): intra-op threads (``torch.set_num_threads``) of every
  benchmark that is not parametrized by ``threads``; the micro benchmarks (tensor creation, single
  ops) run with each of :data:`MICRO_THREADS`.  Every benchmark records its thread count, the
  ``OMP_WAIT_POLICY`` and the load average when it started (``extra_info``); the saved machine info
  has the same at the start of the session.

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

TIME_TO_TARGET = "time-to-target"
FULL_RUN = "full-run"
OVERFITTING = "overfitting"

SMOKE_IMAGES = 1000
MICRO_THREADS = (1, 2)
"""Thread counts of the micro benchmarks (``threads`` parameter)."""


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


def threads() -> int:
    """Intra-op threads of the benchmarks not parametrized by ``threads``."""
    return env_int("TENSORSPEC_BENCH_THREADS", 1)


def cpu_model() -> str:
    """The processor's model name (``/proc/cpuinfo`` on Linux), else what ``platform`` knows."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def cpu_name() -> str:
    return f"{cpu_model()}, {os.cpu_count()} logical cores"


def conditions() -> dict:
    """What else ran the machine when a figure was taken: ``OMP_WAIT_POLICY`` (how idle OpenMP threads
    wait: unset means libgomp's spin-then-sleep) and the 1/5/15-minute load averages."""
    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    return {"omp_wait_policy": os.environ.get("OMP_WAIT_POLICY", "unset"),
            "load_average": [round(x, 2) for x in load]}


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

    import numpy

    names = gpu_names()
    return {
        "gpu": names[0] if names else None,
        "gpus": names,
        "cpu": cpu_model(),
        "torch": str(torch.__version__),
        "torch_cuda": torch.version.cuda,
        "numpy": numpy.__version__,
        "cpu_count": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),  # the default; each benchmark records its own
        "bench_threads": threads(),
        "micro_threads": list(MICRO_THREADS),
        **conditions(),
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
