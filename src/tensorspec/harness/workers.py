"""pytest plugin: under pytest-xdist each worker takes its share of the cores.

Without it every worker would start one OpenMP thread per core, and spinning threads on oversubscribed
cores slow small operations many times over.
"""
from __future__ import annotations

import os

import pytest


def pytest_configure(config: pytest.Config) -> None:
    workers = getattr(config, "workerinput", {}).get("workercount")
    if workers:
        import torch

        torch.set_num_threads(max(1, (os.cpu_count() or 1) // int(workers)))
