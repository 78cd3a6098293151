"""Groups ``train``, ``experiments``, ``data``: the full training run on Fashion-MNIST.

One session-scoped fixture trains, seeded, on all 60,000 training images (held as one tensor, batched
by index slicing with a seeded permutation), evaluating on the 10,000 test images after every epoch:

* the course network and its BatchNorm variant, inputs normalized by the training set's mean and std,
  with the same hyperparameters (``train.reaches_target``, ``train.batchnorm_helps``);
* the course network on unnormalized inputs for one epoch of the same schedule, compared with the
  first epoch of the normalized run (``data.normalize_helps``).

A RunManager records every epoch (CSV, JSON, TensorBoard) and each full run's confusion matrix is
plotted to a PNG, all under the folder the claims summary names (``artifacts``).  A line per epoch goes
to the terminal while it trains.  Needs the data (``needs_data``); about 2.5 minutes on 2 idle cores
(2 x 9 epochs + 1, each epoch about 5.5 s of training plus a test evaluation).
"""
from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import torch
from torch.utils.data import DataLoader, RandomSampler, Subset

from tensorspec.course import fashion_mnist

from tensorspec.course import training
from tensorspec.testing.assertions import assert_equal, assert_values
from tensorspec.course.network import build
from tensorspec.course.runs import RunBuilder, RunManager
from tensorspec.course.transforms import Compose, Normalize, ToTensor

pytestmark = [pytest.mark.slow, pytest.mark.needs_data]

# The recipe: chosen to reach the targets within 60 s of training on a 2-core CPU (see the catalog).
SEED = 50  # the course's torch.manual_seed(50)
LR, BATCH_SIZE, EPOCHS = 0.005, 128, 9  # Adam, learning rate falling along a cosine to 0
# Fixed (the numbers depend on it slightly), so that they do not depend on the machine's core count;
# TENSORSPEC_TRAIN_THREADS overrides it (e.g. on a busy machine, where 2 threads spin-wait).
THREADS = int(os.environ.get("TENSORSPEC_TRAIN_THREADS", "2"))
TARGET = {"plain": 0.89, "batchnorm": 0.90}
BUDGET_S = 60.0


@dataclass
class Outcome:
    """One run: its hyperparameters, per-epoch results and the final evaluation."""
    run: tuple
    epochs: list[training.EpochResult]
    cpu_seconds: float
    final: training.Evaluation
    confusion: torch.Tensor | None = None

    @property
    def train_seconds(self) -> float:
        return sum(e.seconds for e in self.epochs)


@dataclass
class CourseRuns:
    plain: Outcome
    batchnorm: Outcome
    unnormalized: Outcome  # one epoch, on inputs in [0, 1]
    artifacts: Path
    manager: RunManager
    results: tuple[Path, Path]  # CSV, JSON
    load_before: float  # 1-minute load average before training


def progress_line(config: pytest.Config):
    """Write a line to the terminal even while pytest captures output (not shown under xdist)."""
    capman = config.pluginmanager.getplugin("capturemanager")

    def say(line: str) -> None:
        if capman is None:
            print(f"[training] {line}", file=sys.stderr, flush=True)
            return
        with capman.global_and_fixture_disabled():
            print(f"\n[training] {line}", file=sys.stderr, flush=True)

    return say


@pytest.fixture(scope="session")
def course_runs(fashion_mnist_root, tmp_path_factory, pytestconfig) -> CourseRuns:
    images, labels = fashion_mnist.load("train", fashion_mnist_root)
    test_images, test_labels = fashion_mnist.load("test", fashion_mnist_root)
    mean, std = fashion_mnist.pixel_mean_std(images)
    inputs = {True: (training.to_inputs(images, mean, std), training.to_inputs(test_images, mean, std)),
              False: (training.to_inputs(images), training.to_inputs(test_images))}
    artifacts = tmp_path_factory.mktemp("artifacts")
    say = progress_line(pytestconfig)
    manager = RunManager(artifacts, progress=say)
    runs = RunBuilder.get_runs({"network": ["plain", "batchnorm"], "normalize": [True], "lr": [LR],
                                "batch_size": [BATCH_SIZE], "epochs": [EPOCHS], "trained": [EPOCHS]})
    runs += RunBuilder.get_runs({"network": ["plain"], "normalize": [False], "lr": [LR],
                                 "batch_size": [BATCH_SIZE], "epochs": [EPOCHS], "trained": [1]})
    load_before = os.getloadavg()[0]
    say(f"training {len(runs)} runs on {THREADS} threads (load average {load_before:.1f}); artifacts in {artifacts}")
    outcomes = []
    for run in runs:
        x, x_test = inputs[run.normalize]
        network = build(run.network, seed=SEED)
        manager.begin_run(run, network, x[:64])
        cpu = time.process_time()
        with training.num_threads(THREADS):
            epochs = training.train(network, x, labels, epochs=run.epochs, stop_after=run.trained,
                                    batch_size=run.batch_size, lr=run.lr, seed=SEED, cosine=True,
                                    test=(x_test, test_labels), manager=manager)
            final = training.evaluate(network, x_test, test_labels)
        outcome = Outcome(run, epochs, time.process_time() - cpu, final)
        if run.trained == run.epochs:
            outcome.confusion = training.confusion_matrix(test_labels, final.predictions)
            training.plot_confusion_matrix(outcome.confusion, fashion_mnist.CLASSES,
                                           artifacts / f"confusion-matrix-{run.network}.png",
                                           title=f"{run.network} network: test accuracy {final.accuracy:.4f}")
        manager.end_run()
        outcomes.append(outcome)
    results = manager.save("results")
    return CourseRuns(*outcomes, artifacts=artifacts, manager=manager, results=results, load_before=load_before)


def record_run(claim_fact, outcome: Outcome) -> None:
    name = outcome.run.network
    claim_fact(f"{name} test accuracy", round(outcome.final.accuracy, 4))
    claim_fact(f"{name} training seconds", round(outcome.train_seconds, 1))


@pytest.mark.parametrize("network", ["plain", "batchnorm"])
@pytest.mark.claim("train.reaches_target")
def test_full_run_reaches_the_target_accuracy(course_runs, network, claim_fact):
    """Seeded, 9 epochs on all 60,000 images: >= 0.89 test accuracy (course network), >= 0.90 (BatchNorm)."""
    outcome = getattr(course_runs, network)
    record_run(claim_fact, outcome)
    claim_fact("artifacts", str(course_runs.artifacts))
    assert_equal("samples per epoch", [e.samples for e in outcome.epochs], [60_000] * EPOCHS, expr="all training images")
    assert_equal("test images", len(outcome.final.labels), 10_000, expr="the whole test set")
    accuracy = outcome.final.accuracy
    assert accuracy >= TARGET[network], (
        f"test accuracy={accuracy:.4f}, but should be >= {TARGET[network]} [{outcome.run}; "
        f"per epoch: {[e.test_accuracy for e in outcome.epochs]}]")


@pytest.mark.claim("train.reaches_target")
def test_full_runs_fit_the_time_budget(course_runs, claim_fact):
    """Each full run trains within 60 s (wall clock; asserted only when the machine was otherwise idle:
    a 1-minute load average at most half the core count before training)."""
    cores = os.cpu_count() or 1
    claim_fact("load average before training", round(course_runs.load_before, 2))
    for outcome in (course_runs.plain, course_runs.batchnorm):
        claim_fact(f"{outcome.run.network} CPU seconds", round(outcome.cpu_seconds, 1))
    if course_runs.load_before > cores / 2:
        pytest.skip(f"machine busy (load average {course_runs.load_before:.1f} on {cores} cores): "
                    f"the {BUDGET_S:.0f} s training budget is not measurable")
    for outcome in (course_runs.plain, course_runs.batchnorm):
        assert outcome.train_seconds <= BUDGET_S, (
            f"{outcome.run.network}: training took {outcome.train_seconds:.1f} s, but should be <= {BUDGET_S} s")


@pytest.mark.claim("train.batchnorm_helps")
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


@pytest.mark.claim("data.normalize_helps")
def test_normalized_inputs_train_better(course_runs, claim_fact):
    """The course network's first epoch (same seed, schedule, batches) on normalized vs [0, 1] inputs."""
    normalized, raw = course_runs.plain.epochs[0], course_runs.unnormalized.epochs[0]
    for name, e in (("normalized", normalized), ("unnormalized", raw)):
        claim_fact(f"{name} epoch-1 test accuracy", round(e.test_accuracy, 4))
        claim_fact(f"{name} epoch-1 training loss", round(e.loss, 4))
    assert normalized.test_accuracy > raw.test_accuracy, (
        f"epoch-1 test accuracy: normalized {normalized.test_accuracy:.4f}, unnormalized {raw.test_accuracy:.4f}")
    assert normalized.loss < raw.loss, f"epoch-1 training loss: normalized {normalized.loss:.4f}, unnormalized {raw.loss:.4f}"


@pytest.mark.claim("train.confusion_matrix")
def test_confusion_matrix_of_the_full_run(course_runs, claim_fact):
    """The 10,000 test predictions: the matrix sums to 10,000, its trace is the number correct, row i
    sums to the count of label i; it is plotted to a PNG (the most confused pair is recorded)."""
    outcome = course_runs.plain
    cm = outcome.confusion
    labels = outcome.final.labels
    assert_equal("cm.sum()", int(cm.sum()), 10_000, expr="all test images")
    assert_equal("cm.trace()", int(cm.trace()), outcome.final.correct, expr="correct predictions")
    assert_equal("row sums", cm.sum(dim=1).tolist(), torch.bincount(labels, minlength=10).tolist(), expr="label counts")
    off = cm.clone().fill_diagonal_(0)
    true, predicted = divmod(int(off.argmax()), 10)
    classes = fashion_mnist.CLASSES
    claim_fact("most confused (true -> predicted)",
               f"{classes[true]} -> {classes[predicted]}: {int(off.max())}")
    png = course_runs.artifacts / "confusion-matrix-plain.png"
    assert_equal("PNG", png.read_bytes()[:8], b"\x89PNG\r\n\x1a\n", expr=str(png))


@pytest.mark.claim("experiments.run_manager", "experiments.tensorboard")
def test_full_run_artifacts(course_runs):
    """results.csv / results.json hold every epoch of the three runs; each run has TensorBoard events
    whose Test Accuracy scalars are the per-epoch evaluations."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    rows = course_runs.manager.run_data
    assert_equal("rows", len(rows), 2 * EPOCHS + 1, expr="two full runs and one epoch")
    csv_path, json_path = course_runs.results
    assert csv_path.exists() and json_path.exists(), (csv_path, json_path)
    runs = (course_runs.plain, course_runs.batchnorm, course_runs.unnormalized)
    for path, outcome in zip(course_runs.manager.tb_dirs, runs, strict=True):
        acc = EventAccumulator(str(path), size_guidance={"scalars": 0})
        acc.Reload()
        values = [e.value for e in acc.Scalars("Test Accuracy")]
        assert values == pytest.approx([e.test_accuracy for e in outcome.epochs]), str(path)


@pytest.mark.claim("train.epoch")
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
    assert_equal("batches", len(mine), len(loaded), expr=f"{n} samples, batch size {BATCH_SIZE}")
    for (xa, ya), (xb, yb) in zip(mine, loaded):
        assert_values(ya, yb, "labels", exact=True)
        assert_values(xa, xb, "images (one tensor vs per-sample transforms)")

