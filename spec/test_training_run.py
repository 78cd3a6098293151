"""Groups ``train``, ``experiments``, ``data``: the full training run on Fashion-MNIST.

The fixture ``course_runs`` (plugin :mod:`tensorspec.harness.training_run`) trains, seeded, on all
60,000 training images (held as one tensor, batched by index slicing with a seeded permutation),
evaluating on the 10,000 test images after every epoch, with the recipe
:data:`tensorspec.course.training.COURSE_RECIPE` (the catalog's train.reaches_target states it):

* the course network and its BatchNorm variant, inputs normalized by the training set's mean and std
  (``train.reaches_target``, ``train.batchnorm_helps``);
* the course network on unnormalized inputs for one epoch of the same schedule, compared with the
  first epoch of the normalized run (``data.normalize_helps``).

The runs start in worker processes as soon as collection has selected these tests, and train while
the other tests run.  A RunManager per run records every epoch (CSV, JSON, TensorBoard) and each full
run's confusion matrix is plotted to a PNG, all under the artifacts folder the summary names
(``--artifacts-dir``).  Timings are facts in the claims report, never asserted (their benchmark:
bench/test_bench_training.py).  Needs the data (``needs_data``).
"""
from __future__ import annotations

import pytest
import torch
from torch.utils.data import DataLoader, RandomSampler, Subset

from tensorspec.course import fashion_mnist
from tensorspec.course import training
from tensorspec.course.transforms import Compose, Normalize, ToTensor
from tensorspec.harness.training_run import RECIPE, Outcome
from tensorspec.testing.assertions import assert_equal, assert_values

pytestmark = [pytest.mark.slow, pytest.mark.needs_data]

SEED, BATCH_SIZE, EPOCHS = RECIPE.seed, RECIPE.batch_size, RECIPE.epochs
TARGET = training.TARGET_ACCURACY


def record_run(claim_fact, outcome: Outcome) -> None:
    name = outcome.run["network"]
    claim_fact(f"{name} test accuracy", round(outcome.final.accuracy, 4))
    claim_fact(f"{name} margin over the target", round(outcome.final.accuracy - TARGET[name], 4))
    threads = f"{outcome.threads} thread{'s' if outcome.threads > 1 else ''}"
    claim_fact(f"{name} training seconds ({threads})", round(outcome.train_seconds, 1))
    claim_fact(f"{name} CPU seconds", round(outcome.cpu_seconds, 1))


@pytest.mark.parametrize("network", ["plain", "batchnorm"])
@pytest.mark.claim("train.reaches_target", "reaches_the_targets")
def test_full_run_reaches_the_target_accuracy(course_runs, network, claim_fact):
    """Seeded, the recipe's epochs on all 60,000 images: >= 0.89 test accuracy (course network), >= 0.90
    (BatchNorm).  The training time is a fact of the report, not a condition."""
    outcome = getattr(course_runs, network)
    record_run(claim_fact, outcome)
    claim_fact("artifacts", str(course_runs.artifacts))
    claim_fact("recipe", RECIPE.describe())
    claim_fact("load average before training", round(course_runs.load_before, 2))
    claim_fact(f"all runs, wall seconds ({course_runs.processes} processes)", round(course_runs.wall_seconds, 1))
    assert_equal([e.samples for e in outcome.epochs], [60_000] * EPOCHS, expr="all training images",
                 name="samples per epoch")
    assert_equal(len(outcome.final.labels), 10_000, expr="the whole test set", name="test images")
    accuracy = outcome.final.accuracy
    assert accuracy >= TARGET[network], (
        f"test accuracy={accuracy:.4f}, but should be >= {TARGET[network]} [{outcome.run}; "
        f"per epoch: {[e.test_accuracy for e in outcome.epochs]}]")


@pytest.mark.claim("train.batchnorm_helps", "ahead_first_and_last")
def test_batchnorm_trains_better(course_runs, claim_fact):
    """Same seed and recipe: the BatchNorm network's test accuracy is higher after the first epoch
    and at the end, and its final training loss is lower."""
    plain, bn = course_runs.plain, course_runs.batchnorm
    for name, outcome in (("plain", plain), ("batchnorm", bn)):
        claim_fact(f"{name} test accuracy per epoch",
                   [round(e.test_accuracy, 4) for e in outcome.epochs])
    first = (bn.epochs[0].test_accuracy, plain.epochs[0].test_accuracy)
    assert first[0] > first[1], f"epoch 1 test accuracy: batchnorm {first[0]:.4f}, plain {first[1]:.4f}"
    final = (bn.final.accuracy, plain.final.accuracy)
    assert final[0] > final[1], f"final test accuracy: batchnorm {final[0]:.4f}, plain {final[1]:.4f}"
    loss = (bn.epochs[-1].loss, plain.epochs[-1].loss)
    assert loss[0] < loss[1], f"last-epoch training loss: batchnorm {loss[0]:.4f}, plain {loss[1]:.4f}"


@pytest.mark.claim("data.normalize_helps", "first_epoch")
def test_normalized_inputs_train_better(course_runs, claim_fact):
    """The course network's first epoch (same seed, schedule, batches) on normalized vs [0, 1] inputs."""
    normalized, raw = course_runs.plain.epochs[0], course_runs.unnormalized.epochs[0]
    for name, e in (("normalized", normalized), ("unnormalized", raw)):
        claim_fact(f"{name} epoch-1 test accuracy", round(e.test_accuracy, 4))
        claim_fact(f"{name} epoch-1 training loss", round(e.loss, 4))
    assert normalized.test_accuracy > raw.test_accuracy, (
        f"epoch-1 test accuracy: normalized {normalized.test_accuracy:.4f}, unnormalized {raw.test_accuracy:.4f}")
    assert normalized.loss < raw.loss, f"epoch-1 training loss: normalized {normalized.loss:.4f}, unnormalized {raw.loss:.4f}"


@pytest.mark.claim("train.confusion_matrix", "counts_pairs", "plot")
def test_confusion_matrix_of_the_full_run(course_runs, claim_fact):
    """The 10,000 test predictions: the matrix sums to 10,000, its trace is the number correct, row i
    sums to the count of label i; it is plotted to a PNG (the most confused pair is recorded)."""
    outcome = course_runs.plain
    cm = outcome.confusion
    labels = outcome.final.labels
    assert_equal(int(cm.sum()), 10_000, expr="all test images", name="cm.sum()")
    assert_equal(int(cm.trace()), outcome.final.correct, expr="correct predictions", name="cm.trace()")
    assert_equal(cm.sum(dim=1).tolist(), torch.bincount(labels, minlength=10).tolist(), expr="label counts",
                 name="row sums")
    off = cm.clone().fill_diagonal_(0)
    true, predicted = divmod(int(off.argmax()), 10)
    classes = fashion_mnist.CLASSES
    claim_fact("most confused (true -> predicted)",
               f"{classes[true]} -> {classes[predicted]}: {int(off.max())}")
    png = course_runs.artifacts / "confusion-matrix-plain.png"
    assert_equal(png.read_bytes()[:8], b"\x89PNG\r\n\x1a\n", expr=str(png), name="PNG")


@pytest.mark.claim("experiments.run_manager", "one_row_per_epoch", "saved_as_csv_and_json")
@pytest.mark.claim("experiments.tensorboard", "test_accuracy_read_back")
def test_full_run_artifacts(course_runs):
    """results.csv / results.json hold every epoch of the three runs; each run has TensorBoard events
    whose Test Accuracy scalars are the per-epoch evaluations."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    rows = course_runs.manager.run_data
    assert_equal(len(rows), 2 * EPOCHS + 1, expr="two full runs and one epoch", name="rows")
    csv_path, json_path = course_runs.results
    assert csv_path.exists() and json_path.exists(), (csv_path, json_path)
    runs = (course_runs.plain, course_runs.batchnorm, course_runs.unnormalized)
    for path, outcome in zip(course_runs.manager.tb_dirs, runs, strict=True):
        acc = EventAccumulator(str(path), size_guidance={"scalars": 0})
        acc.Reload()
        values = [e.value for e in acc.Scalars("Test Accuracy")]
        assert values == pytest.approx([e.test_accuracy for e in outcome.epochs]), str(path)


@pytest.mark.claim("train.epoch", "same_batches_as_a_dataloader")
def test_dataloader_gives_the_same_batches(fashion_mnist_root):
    """The FashionMNIST Dataset through a DataLoader (per sample, ToTensor + Normalize) gives the
    batches that index slicing of the one-tensor data gives, for the same generator state."""
    images, labels = fashion_mnist.load("train", fashion_mnist_root)
    n, mean, std = 512, *fashion_mnist.pixel_mean_std(images)
    dataset = fashion_mnist.FashionMNIST(fashion_mnist_root, train=True,
                                         transform=Compose([ToTensor(), Normalize(mean, std)]))
    subset = Subset(dataset, range(n))
    loader_generator = torch.Generator()
    loader = DataLoader(subset, batch_size=BATCH_SIZE, sampler=RandomSampler(subset, generator=loader_generator))
    ours = torch.Generator().manual_seed(SEED)
    loader_generator.set_state(ours.get_state())
    mine = list(training.batches(training.to_inputs(images[:n], mean, std), labels[:n], BATCH_SIZE, ours))
    loaded = list(loader)
    assert_equal(len(mine), len(loaded), expr=f"{n} samples, batch size {BATCH_SIZE}", name="batches")
    for (xa, ya), (xb, yb) in zip(mine, loaded):
        assert_values(ya, yb, expr="labels", exact=True)
        assert_values(xa, xb, expr="images (one tensor vs per-sample transforms)")

