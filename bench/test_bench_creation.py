"""creation.as_tensor_round_trips (DL9): torch.Tensor, torch.tensor, torch.as_tensor and
torch.from_numpy on a float32 ndarray, for one load and for many ndarray -> tensor -> ndarray round
trips, over sizes, with 1 and 2 intra-op threads (``threads``: set and recorded by bench/conftest.py).
(float32 is the default dtype, so torch.Tensor may share too.)"""
from __future__ import annotations

import numpy as np
import pytest
import torch

from tensorspec.benchtools import benchinfo

# The timings are the claim's context statements (no test may name those); the benchmark times the round
# trips whose one-buffer statement the spec checks.
pytestmark = [pytest.mark.claim("creation.as_tensor_round_trips", "round_trips_keep_one_buffer"),
              pytest.mark.benchmark(max_time=0.5)]

FUNCTIONS = ["Tensor", "tensor", "as_tensor", "from_numpy"]
SIZES = [10**2, 10**4, 10**6]
TRIPS = 100


def one_load(name: str, array: np.ndarray):
    return lambda: getattr(torch, name)(array)


def round_trips(name: str, array: np.ndarray):
    def trips():
        x = array
        for _ in range(TRIPS):
            x = getattr(torch, name)(x).numpy()
        return x
    return trips


@pytest.mark.parametrize("size", SIZES, ids=lambda n: f"size{n}")
@pytest.mark.parametrize("function", FUNCTIONS)
@pytest.mark.parametrize("mode", [benchinfo.ONE_LOAD, benchinfo.ROUND_TRIPS])
@pytest.mark.parametrize("threads", benchinfo.MICRO_THREADS, ids=lambda t: f"threads{t}")
def test_create(benchmark, threads, mode, function, size):
    array = np.random.default_rng(size).random(size, dtype=np.float32)
    make = one_load if mode == benchinfo.ONE_LOAD else round_trips
    benchmark.group = f"{mode} size={size} threads={threads}"
    out = benchmark(make(function, array))
    assert np.array_equal(np.asarray(out), array), f"torch.{function} changed the values"
    benchinfo.record(benchmark, "cpu", function=f"torch.{function}", size=size, dtype="float32",
                     trips=TRIPS if mode == benchinfo.ROUND_TRIPS else 1,
                     shares=bool(np.shares_memory(np.asarray(out), array)))
