"""Training and analysis of the course network (lessons 26-28, and the steps of CH 4.1).

The training step does what the notes list, in their order::

    preds = network(images)                 # call the model (forward)
    loss = F.cross_entropy(preds, labels)   # compute the loss
    optimizer.zero_grad()                   # zero the gradients
    loss.backward()                         # compute the gradients
    optimizer.step()                        # update the weights

Stable API (used by the benchmarks too): :func:`train_step` (one step), :func:`train_epoch` (every
batch once), :func:`train` (epochs, with optional test evaluation and a RunManager), :func:`evaluate`
(accuracy and predictions on a test set), :func:`confusion_matrix` and :func:`plot_confusion_matrix`.

Data are held as one tensor and batched by index slicing with a seeded permutation (:func:`batches`):
the batches of ``DataLoader(ds, batch_size, sampler=RandomSampler(ds, generator=g2))`` when ``g2``
starts the epoch in the state of :func:`batches`' generator, without the per-sample overhead.
:func:`synthetic_batch` and :func:`graph_nodes` are small helpers for tests and benchmarks.
"""
from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Sequence

import torch
import torch.nn.functional as F
from torch import nn

BatchHook = Callable[[torch.Tensor, torch.Tensor, torch.Tensor], None]
"""Called after every training step with ``(loss, preds, labels)`` (e.g. ``RunManager.track``)."""


@contextmanager
def num_threads(n: int | None):
    """Run the block with ``torch.set_num_threads(n)`` (no change when ``n`` is None); restores it."""
    before = torch.get_num_threads()
    if n is not None:
        torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def to_inputs(images: torch.Tensor, mean: float | None = None, std: float | None = None) -> torch.Tensor:
    """uint8 images [N, 28, 28] -> float32 [N, 1, 28, 28]: ToTensor (divide by 255) and, when given,
    Normalize(mean, std).  The float32 operations run on the 256 possible pixel values once, and the
    images index that table: the same values as on every pixel, in a third of the time."""
    table = torch.arange(256, dtype=torch.float32).div(255)
    if mean is not None:
        table = table.sub(mean).div(std)
    return table.index_select(0, images.reshape(-1).long()).reshape(images.shape[0], 1, *images.shape[1:])


def batches(images: torch.Tensor, labels: torch.Tensor, batch_size: int,
            generator: torch.Generator | None = None, shuffle: bool = True
            ) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """Every sample once, in batches: the order is ``torch.randperm(N, generator=generator)`` (as
    ``RandomSampler`` draws it) when ``shuffle``, else the stored order.  The last batch may be short."""
    n = len(images)
    order = torch.randperm(n, generator=generator) if shuffle else None
    for start in range(0, n, batch_size):
        if order is None:
            yield images[start:start + batch_size], labels[start:start + batch_size]
        else:
            index = order[start:start + batch_size]
            yield images[index], labels[index]


def train_step(network: nn.Module, optimizer: torch.optim.Optimizer, images: torch.Tensor,
               labels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """One training step in the notes' order; returns ``(loss, preds)`` (loss still in the graph)."""
    preds = network(images)
    loss = F.cross_entropy(preds, labels)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss, preds


@dataclass
class EpochResult:
    """What one epoch did: mean loss and accuracy over the training samples as they were seen."""
    epoch: int
    loss: float
    correct: int
    samples: int
    batches: int
    seconds: float
    test_accuracy: float | None = None

    @property
    def accuracy(self) -> float:
        return self.correct / self.samples if self.samples else float("nan")


def train_epoch(network: nn.Module, optimizer: torch.optim.Optimizer, images: torch.Tensor,
                labels: torch.Tensor, batch_size: int, generator: torch.Generator | None = None, *,
                epoch: int = 1, on_batch: BatchHook | None = None,
                scheduler: torch.optim.lr_scheduler.LRScheduler | None = None) -> EpochResult:
    """Pass every batch forward and backward once, one optimizer step per batch (one epoch); a
    ``scheduler`` (when given) steps after every batch."""
    network.train()
    start = time.perf_counter()
    loss_sum, correct, samples, steps = 0.0, 0, 0, 0
    with torch.set_grad_enabled(True):
        for x, y in batches(images, labels, batch_size, generator):
            loss, preds = train_step(network, optimizer, x, y)
            if scheduler is not None:
                scheduler.step()
            loss_sum += loss.item() * len(y)
            correct += preds.argmax(dim=1).eq(y).sum().item()
            samples += len(y)
            steps += 1
            if on_batch is not None:
                on_batch(loss, preds, y)
    return EpochResult(epoch, loss_sum / max(samples, 1), correct, samples, steps, time.perf_counter() - start)


@torch.no_grad()
def predict(network: nn.Module, images: torch.Tensor, batch_size: int = 500) -> torch.Tensor:
    """Logits for all images, in eval mode and without a graph (lesson 28: ``get_all_preds``).
    Batches of 500 stay in the CPU's caches: half the time of 2,000 on one thread, the same logits.
    The network's train/eval mode is restored afterwards."""
    was_training = network.training
    network.eval()
    try:
        return torch.cat([network(images[i:i + batch_size]) for i in range(0, len(images), batch_size)])
    finally:
        network.train(was_training)


@dataclass
class Evaluation:
    accuracy: float
    correct: int
    predictions: torch.Tensor  # predicted classes, int64 [N]
    labels: torch.Tensor


def evaluate(network: nn.Module, images: torch.Tensor, labels: torch.Tensor,
             batch_size: int = 500) -> Evaluation:
    """Accuracy of ``network`` on (images, labels), e.g. the 10,000 test images."""
    predictions = predict(network, images, batch_size).argmax(dim=1)
    correct = int(predictions.eq(labels.to(predictions.device)).sum().item())
    return Evaluation(correct / len(labels), correct, predictions, labels)


SCHEDULES = ("constant", "cosine", "onecycle")
"""Learning-rate schedules :func:`train` knows (stepped after every batch)."""


def make_scheduler(optimizer: torch.optim.Optimizer, schedule: str, steps: int, lr: float
                   ) -> torch.optim.lr_scheduler.LRScheduler | None:
    """The per-batch scheduler for ``schedule`` over ``steps`` optimizer steps: ``constant`` (none),
    ``cosine`` (lr falling to 0 along a cosine), ``onecycle`` (``OneCycleLR``: warm-up over the first
    30% of the steps from lr/25 to ``lr``, then a cosine down to lr/10^4, Adam's beta1 cycled inversely)."""
    if schedule == "constant":
        return None
    if schedule == "cosine":
        return torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=steps)
    if schedule == "onecycle":
        return torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=lr, total_steps=steps)
    raise ValueError(f"schedule={schedule!r}: expected one of {SCHEDULES}")


def train(network: nn.Module, images: torch.Tensor, labels: torch.Tensor, *, epochs: int,
          batch_size: int, lr: float, seed: int, cosine: bool = False, schedule: str | None = None,
          weight_decay: float = 0.0, stop_after: int | None = None,
          test: tuple[torch.Tensor, torch.Tensor] | None = None, manager=None,
          progress: Callable[[str], None] | None = None,
          until: Callable[[EpochResult], bool] | None = None) -> list[EpochResult]:
    """Train with Adam(lr, weight_decay) for ``epochs`` epochs, batches shuffled by a generator seeded
    with ``seed``; the learning rate follows ``schedule`` (see :func:`make_scheduler`; ``cosine=True``
    is ``schedule="cosine"``, the default is constant) over all the steps of ``epochs`` epochs;
    ``stop_after`` ends the run after that many epochs (the schedule still spans ``epochs``), and so
    does ``until`` returning True for an epoch's result.

    After each epoch the test set (when given) is evaluated; a ``RunManager`` (when given, between its
    ``begin_run`` and ``end_run``) records every epoch; ``progress`` receives one line per epoch.
    """
    if schedule is None:
        schedule = "cosine" if cosine else "constant"
    optimizer = torch.optim.Adam(network.parameters(), lr=lr, weight_decay=weight_decay)
    generator = torch.Generator().manual_seed(seed)
    scheduler = make_scheduler(optimizer, schedule, epochs * -(-len(images) // batch_size), lr)
    results = []
    for epoch in range(1, (stop_after or epochs) + 1):
        if manager is not None:
            manager.begin_epoch()
        result = train_epoch(network, optimizer, images, labels, batch_size, generator, epoch=epoch,
                             on_batch=manager.track if manager is not None else None, scheduler=scheduler)
        if test is not None:
            result.test_accuracy = evaluate(network, *test).accuracy
        if manager is not None:
            manager.end_epoch(test_accuracy=result.test_accuracy)
        elif progress is not None:
            progress(describe(result))
        results.append(result)
        if until is not None and until(result):
            break
    return results


def describe(result: EpochResult) -> str:
    test = "" if result.test_accuracy is None else f", test accuracy {result.test_accuracy:.4f}"
    return (f"epoch {result.epoch}: loss {result.loss:.4f}, train accuracy {result.accuracy:.4f}"
            f"{test} ({result.seconds:.1f} s)")


# ---- analysis (lesson 28) ------------------------------------------------------------------------

def confusion_matrix(labels: torch.Tensor, predictions: torch.Tensor, num_classes: int = 10) -> torch.Tensor:
    """Stack (label, prediction) pairs and count each pair: ``cm[true, predicted]`` (int64)."""
    pairs = torch.stack((labels.cpu().to(torch.int64), predictions.cpu().to(torch.int64)), dim=1)
    cm = torch.zeros(num_classes, num_classes, dtype=torch.int64)
    for true, predicted in pairs.tolist():
        cm[true, predicted] += 1
    return cm


def plot_confusion_matrix(cm: torch.Tensor, classes: Sequence[str], path: str | Path,
                          title: str = "Confusion matrix") -> Path:
    """Plot the matrix (counts in the cells, true labels down, predictions across) to a PNG.

    Uses a ``matplotlib.figure.Figure`` with the Agg canvas: no pyplot, no global state touched."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    counts = cm.cpu().numpy()
    fig = Figure(figsize=(8, 7), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    image = ax.imshow(counts, interpolation="nearest", cmap="Blues")
    fig.colorbar(image, ax=ax)
    ticks = range(len(classes))
    ax.set_xticks(ticks, labels=classes, rotation=45, ha="right")
    ax.set_yticks(ticks, labels=classes)
    threshold = counts.max() / 2 if counts.size else 0
    for i in range(counts.shape[0]):
        for j in range(counts.shape[1]):
            ax.text(j, i, str(counts[i, j]), ha="center", va="center", fontsize=8,
                    color="white" if counts[i, j] > threshold else "black")
    ax.set_xlabel("Predicted label")
    ax.set_ylabel("True label")
    ax.set_title(title)
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path, format="png")
    return path


# ---- helpers for tests and benchmarks ------------------------------------------------------------

def synthetic_batch(n: int = 8, device: str | torch.device = "cpu", seed: int = 0
                    ) -> tuple[torch.Tensor, torch.Tensor]:
    """Random images float32 [n, 1, 28, 28] in [0, 1) and labels int64 [n] in 0..9, seeded."""
    g = torch.Generator().manual_seed(seed)
    images, labels = torch.rand(n, 1, 28, 28, generator=g), torch.randint(0, 10, (n,), generator=g)
    return images.to(device), labels.to(device)


def graph_nodes(root) -> list:
    """Every autograd node reachable from ``root`` (a ``grad_fn``) through ``next_functions``, once each."""
    seen, stack, nodes = set(), [root], []
    while stack:
        node = stack.pop()
        if node is None or node in seen:
            continue
        seen.add(node)
        nodes.append(node)
        stack.extend(next_fn for next_fn, _ in node.next_functions)
    return nodes


# ---- the full training run (spec/test_training_run.py, bench/test_bench_training.py) -------------

@dataclass(frozen=True)
class Recipe:
    """How the full run trains: Adam(lr, weight_decay), the lr following ``schedule`` over all steps
    (see :func:`make_scheduler`), ``epochs`` epochs of ``batch_size`` on all 60,000 training images
    normalized by the training set's mean and std; weights under ``torch.manual_seed(seed)`` and the
    batch order from a generator seeded ``seed``."""
    seed: int
    lr: float
    batch_size: int
    epochs: int
    schedule: str = "cosine"
    weight_decay: float = 0.0

    def describe(self) -> str:
        schedule = {"cosine": f"lr {self.lr:g} falling to 0 along a cosine",
                    "onecycle": f"OneCycle lr schedule peaking at {self.lr:g}",
                    "constant": f"lr {self.lr:g}"}[self.schedule]
        decay = f", weight decay {self.weight_decay:g}" if self.weight_decay else ""
        return (f"Adam ({schedule}{decay}), batch size {self.batch_size}, {self.epochs} epochs, "
                f"seed {self.seed}")


COURSE_RECIPE = Recipe(seed=50, lr=0.01, batch_size=256, epochs=10, schedule="onecycle")
"""The recipe of the full training run (the catalog's ``train.reaches_target`` states it)."""

TARGET_ACCURACY = {"plain": 0.89, "batchnorm": 0.90}
"""The test accuracy each network must reach with :data:`COURSE_RECIPE`."""


def course_inputs(root, normalize: bool = True) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """``(train images, train labels, test images, test labels)`` of Fashion-MNIST as float32 inputs,
    normalized by the training set's mean and std (or only divided by 255)."""
    from tensorspec.course import fashion_mnist

    images, labels = fashion_mnist.load("train", root)
    test_images, test_labels = fashion_mnist.load("test", root)
    mean, std = fashion_mnist.pixel_mean_std(images) if normalize else (None, None)
    return to_inputs(images, mean, std), labels, to_inputs(test_images, mean, std), test_labels


def full_runs(root: str, artifacts: str, runs: Sequence[dict], recipe: Recipe, *, threads: int | None,
              first_run: int = 1) -> list[dict]:
    """Train each run (a dict with ``network``, ``normalize`` and ``trained``: epochs to train of the
    recipe's schedule) in turn, with ``threads`` intra-op threads, and record it as the course does
    (a RunManager under ``artifacts``, runs numbered from ``first_run``; a confusion-matrix PNG for a
    run trained to the end).  Made to run in a worker process (everything it returns pickles);
    returns, per run, its epochs, final evaluation, rows, TensorBoard folder and timings."""
    import os

    from tensorspec.course import fashion_mnist
    from tensorspec.course.network import build
    from tensorspec.course.runs import RunBuilder, RunManager

    artifacts = Path(artifacts)
    inputs = {}
    outcomes = []
    with num_threads(threads):
        for number, params in enumerate(runs, start=first_run):
            normalize = params["normalize"]
            if normalize not in inputs:
                inputs[normalize] = course_inputs(Path(root), normalize)
            x, y, x_test, y_test = inputs[normalize]
            run = RunBuilder.get_runs({k: [v] for k, v in {**params, "lr": recipe.lr,
                                                            "batch_size": recipe.batch_size,
                                                            "epochs": recipe.epochs}.items()})[0]
            manager = RunManager(artifacts)
            manager.run_count = number - 1
            network = build(params["network"], seed=recipe.seed)
            manager.begin_run(run, network, x[:64])
            wall, cpu = time.perf_counter(), time.process_time()
            epochs = train(network, x, y, epochs=recipe.epochs, stop_after=params["trained"],
                           batch_size=recipe.batch_size, lr=recipe.lr, seed=recipe.seed,
                           schedule=recipe.schedule, weight_decay=recipe.weight_decay,
                           test=(x_test, y_test), manager=manager)
            final = evaluate(network, x_test, y_test)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            manager.end_run()
            confusion = None
            if params["trained"] == recipe.epochs:
                confusion = confusion_matrix(y_test, final.predictions)
                plot_confusion_matrix(confusion, fashion_mnist.CLASSES,
                                      artifacts / f"confusion-matrix-{params['network']}.png",
                                      title=f"{params['network']} network: test accuracy {final.accuracy:.4f}")
            outcomes.append({
                "params": dict(params), "run": run._asdict(), "epochs": epochs,
                "accuracy": final.accuracy, "correct": final.correct,
                "predictions": final.predictions.tolist(), "labels": y_test.tolist(),
                "confusion": None if confusion is None else confusion.tolist(),
                "rows": [dict(r) for r in manager.run_data], "tb_dirs": [str(p) for p in manager.tb_dirs],
                "wall_seconds": wall, "cpu_seconds": cpu, "threads": torch.get_num_threads(),
                "pid": os.getpid(),
            })
    return outcomes
