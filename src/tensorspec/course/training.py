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
    Normalize(mean, std), applied to the whole tensor at once."""
    x = images.unsqueeze(1).to(torch.float32).div(255)
    if mean is not None:
        x = x.sub(mean).div(std)
    return x


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
def predict(network: nn.Module, images: torch.Tensor, batch_size: int = 2000) -> torch.Tensor:
    """Logits for all images, in eval mode and without a graph (lesson 28: ``get_all_preds``).
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
             batch_size: int = 2000) -> Evaluation:
    """Accuracy of ``network`` on (images, labels), e.g. the 10,000 test images."""
    predictions = predict(network, images, batch_size).argmax(dim=1)
    correct = int(predictions.eq(labels.to(predictions.device)).sum().item())
    return Evaluation(correct / len(labels), correct, predictions, labels)


def train(network: nn.Module, images: torch.Tensor, labels: torch.Tensor, *, epochs: int,
          batch_size: int, lr: float, seed: int, cosine: bool = False, stop_after: int | None = None,
          test: tuple[torch.Tensor, torch.Tensor] | None = None, manager=None,
          progress: Callable[[str], None] | None = None) -> list[EpochResult]:
    """Train with Adam(lr) for ``epochs`` epochs, batches shuffled by a generator seeded with ``seed``;
    with ``cosine`` the learning rate falls from lr to 0 along a cosine over all the steps;
    ``stop_after`` ends the run after that many epochs (the schedule still spans ``epochs``).

    After each epoch the test set (when given) is evaluated; a ``RunManager`` (when given, between its
    ``begin_run`` and ``end_run``) records every epoch; ``progress`` receives one line per epoch.
    """
    optimizer = torch.optim.Adam(network.parameters(), lr=lr)
    generator = torch.Generator().manual_seed(seed)
    scheduler = None
    if cosine:
        steps = epochs * -(-len(images) // batch_size)
        scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=steps)
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
