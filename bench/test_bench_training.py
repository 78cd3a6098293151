"""train.reaches_target: the time the full training run takes to reach its target test accuracy
(0.89 for the course network, 0.90 for its BatchNorm variant), with the recipe of the spec run
(:data:`tensorspec.course.training.COURSE_RECIPE`), on all 60,000 training images, the test set
evaluated after every epoch.  One round: training stops after the first epoch at or above the target
(the schedule still spans the recipe's epochs); the timed figure is that training plus its
evaluations.  ``extra_info`` records the epoch, the accuracy reached and the thread count
(``TENSORSPEC_BENCH_THREADS``, default 1: the spec run trains each network in a 1-thread process).

With benchmarking disabled the body trains one epoch on :data:`~tensorspec.benchtools.benchinfo.SMOKE_IMAGES`
images and does not ask for the target.
"""
from __future__ import annotations

import pytest

from tensorspec.benchtools import benchinfo
from tensorspec.course import training
from tensorspec.course.network import build

pytestmark = [pytest.mark.needs_data, pytest.mark.claim("train.reaches_target")]

RECIPE = training.COURSE_RECIPE


@pytest.fixture(scope="module")
def course_data(fashion_mnist_root):
    return training.course_inputs(fashion_mnist_root)


def time_to_target(network_name: str, data, target: float | None, images: int | None = None,
                   epochs: int | None = None) -> dict:
    """Train a fresh network with the recipe until the test accuracy reaches ``target`` (or for
    ``epochs`` epochs); what it reached, and when."""
    x, y, x_test, y_test = data
    if images is not None:
        x, y = x[:images], y[:images]
    network = build(network_name, seed=RECIPE.seed)
    reached = {"epoch": None, "test_accuracy": None}

    def stop(result: training.EpochResult) -> bool:
        reached.update(epoch=result.epoch, test_accuracy=result.test_accuracy)
        return target is not None and result.test_accuracy >= target

    training.train(network, x, y, epochs=RECIPE.epochs, stop_after=epochs, batch_size=RECIPE.batch_size,
                   lr=RECIPE.lr, seed=RECIPE.seed, schedule=RECIPE.schedule, weight_decay=RECIPE.weight_decay,
                   test=(x_test, y_test), until=stop)
    return reached


@pytest.mark.parametrize("network", ["plain", "batchnorm"])
def test_time_to_target_accuracy(benchmark, course_data, network):
    target = training.TARGET_ACCURACY[network]
    benchmark.group = f"{benchinfo.TIME_TO_TARGET} {network}"
    if benchinfo.smoke(benchmark):
        reached = benchmark(time_to_target, network, course_data, None, benchinfo.SMOKE_IMAGES, 1)
        assert reached["epoch"] == 1
    else:
        reached = benchmark.pedantic(time_to_target, args=(network, course_data, target),
                                     rounds=1, iterations=1, warmup_rounds=0)
        assert reached["test_accuracy"] >= target, (
            f"{network}: test accuracy {reached['test_accuracy']:.4f} after {reached['epoch']} epochs, "
            f"but should reach {target} [{RECIPE.describe()}]")
    benchinfo.record(benchmark, "cpu", network=network, target=target, recipe=RECIPE.describe(),
                     batch_size=RECIPE.batch_size, **reached)
