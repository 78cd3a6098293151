"""train.reaches_target: the time the full training run takes to reach its target test accuracy
(0.89 for the course network, 0.90 for its BatchNorm variant), with the recipe of the spec run
(:data:`tensorspec.course.training.COURSE_RECIPE`), on all 60,000 training images, the test set
evaluated after every epoch.  One round: training stops after the first epoch at or above the target
(the schedule still spans the recipe's epochs); the timed figure is that training plus its
evaluations.  ``extra_info`` records the epoch, the accuracy reached and the thread count
(``TENSORSPEC_BENCH_THREADS``, default 1: the spec run trains each network in a 1-thread process).

train.batchnorm_helps, data.normalize_helps: the runs of spec/test_training_run.py, each timed as one
round (training plus the per-epoch evaluations): the course network and its BatchNorm variant for
all the recipe's epochs on normalized inputs, and the course network for the first epoch of the same
schedule on unnormalized inputs (ToTensor alone).  ``extra_info`` records the test accuracy and the
training loss after every epoch.

With benchmarking disabled each body trains one epoch on :data:`~tensorspec.benchtools.benchinfo.SMOKE_IMAGES`
images and does not ask for the target.
"""
from __future__ import annotations

import pytest

from tensorspec.benchtools import benchinfo
from tensorspec.course import training
from tensorspec.course.network import build

pytestmark = pytest.mark.needs_data

RECIPE = training.COURSE_RECIPE


@pytest.fixture(scope="module")
def course_data(fashion_mnist_root):
    return training.course_inputs(fashion_mnist_root)


@pytest.fixture(scope="module")
def unnormalized_data(fashion_mnist_root):
    return training.course_inputs(fashion_mnist_root, normalize=False)


def train_recipe(network_name: str, data, images: int | None = None, epochs: int | None = None,
                 until=None) -> list[training.EpochResult]:
    """Train a fresh network with the recipe (on the first ``images`` training images; for ``epochs``
    epochs of its schedule, or until ``until`` says so), the test set evaluated after every epoch."""
    x, y, x_test, y_test = data
    if images is not None:
        x, y = x[:images], y[:images]
    network = build(network_name, seed=RECIPE.seed)
    return training.train(network, x, y, epochs=RECIPE.epochs, stop_after=epochs, batch_size=RECIPE.batch_size,
                          lr=RECIPE.lr, seed=RECIPE.seed, schedule=RECIPE.schedule,
                          weight_decay=RECIPE.weight_decay, test=(x_test, y_test), until=until)


def time_to_target(network_name: str, data, target: float | None, images: int | None = None,
                   epochs: int | None = None) -> dict:
    """Train a fresh network with the recipe until the test accuracy reaches ``target`` (or for
    ``epochs`` epochs); what it reached, and when."""
    last = train_recipe(network_name, data, images, epochs,
                        until=lambda result: target is not None and result.test_accuracy >= target)[-1]
    return {"epoch": last.epoch, "test_accuracy": last.test_accuracy}


@pytest.mark.claim("train.reaches_target")
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


# The runs of spec/test_training_run.py: (network, normalized inputs, epochs trained; None: all).
FULL_RUNS = [
    pytest.param("plain", True, None, id="plain",
                 marks=pytest.mark.claim("train.batchnorm_helps", "data.normalize_helps")),
    pytest.param("batchnorm", True, None, id="batchnorm", marks=pytest.mark.claim("train.batchnorm_helps")),
    pytest.param("plain", False, 1, id="plain-unnormalized", marks=pytest.mark.claim("data.normalize_helps")),
]


@pytest.mark.parametrize("network, normalize, epochs", FULL_RUNS)
def test_full_run(benchmark, request, network, normalize, epochs):
    data = request.getfixturevalue("course_data" if normalize else "unnormalized_data")
    benchmark.group = f"{benchinfo.FULL_RUN} {network}{'' if normalize else ' unnormalized'}"
    if benchinfo.smoke(benchmark):
        results = benchmark(train_recipe, network, data, benchinfo.SMOKE_IMAGES, 1)
    else:
        results = benchmark.pedantic(train_recipe, args=(network, data, None, epochs),
                                     rounds=1, iterations=1, warmup_rounds=0)
        assert len(results) == (epochs or RECIPE.epochs), f"{network}: trained {len(results)} epochs"
    benchinfo.record(benchmark, "cpu", network=network, normalize=normalize, recipe=RECIPE.describe(),
                     batch_size=RECIPE.batch_size, epochs=len(results),
                     test_accuracy=[r.test_accuracy for r in results], loss=[r.loss for r in results])
