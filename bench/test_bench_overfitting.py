"""misc.overfitting (CH1.2): the toy problem of its spec test (:func:`tensorspec.course.toy_problems.overfit_noisy_sine`:
a 1-64-64-1 tanh MLP, 300 full-batch Adam steps on 10 noisy points of a sine, seed 0), timed.
``extra_info`` records the training and held-out MSE it reaches: deterministic on the CPU (one
thread, as :func:`~tensorspec.course.toy_problems.fit` trains), so they do not depend on the
machine's load; the time does.
"""
from __future__ import annotations

import pytest

from tensorspec.benchtools import benchinfo
from tensorspec.course import toy_problems as T

SEED = 0


@pytest.mark.claim("misc.overfitting")
def test_overfitting(benchmark):
    benchmark.group = benchinfo.OVERFITTING
    p, model = benchmark(T.overfit_noisy_sine, "cpu", SEED)
    train, held_out = T.training_and_held_out_mse(model, p)
    benchinfo.record(benchmark, "cpu", seed=SEED, steps=300, training_points=len(p.x),
                     held_out_points=len(p.x_test), training_mse=train, held_out_mse=held_out)
