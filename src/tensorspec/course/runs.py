"""Experiments as the course runs them (lessons 30-33): RunBuilder, RunManager and TensorBoard.

* :class:`RunBuilder` -- ``get_runs({"lr": [.01, .001], "batch_size": [100, 1000]})`` is the
  Cartesian product of the value lists, each run a namedtuple ``Run`` whose fields are the keys.
* :class:`RunManager` -- records every epoch of every run: loss, accuracy (and test accuracy when
  given), epoch and run durations and the run's hyperparameters; ``save(name)`` writes them as
  ``name.csv`` and ``name.json``.  Per run it writes TensorBoard events (scalars ``Loss``,
  ``Number Correct``, ``Accuracy`` [, ``Test Accuracy``]; a histogram of every parameter and its
  gradient per epoch; an image grid of the first batch; the network's graph) under
  ``log_dir/tensorboard/<run>``.
* :func:`make_grid` -- an image grid like torchvision's ``make_grid`` (torchvision is not used).

Unlike the course, nothing is written to a global ``./runs`` folder: every path is under the
``log_dir`` the manager is given.
"""
from __future__ import annotations

import csv
import json
import math
import re
import time
import warnings
from collections import OrderedDict, namedtuple
from itertools import product
from pathlib import Path
from typing import Callable

import torch
from torch import nn


class RunBuilder:
    """Hyperparameter combinations as namedtuples (lesson 32)."""

    @staticmethod
    def get_runs(params: dict) -> list:
        Run = namedtuple("Run", params.keys())
        return [Run(*values) for values in product(*params.values())]


def make_grid(images: torch.Tensor, nrow: int = 8, padding: int = 2, pad_value: float = 0.0,
              normalize: bool = True) -> torch.Tensor:
    """Tile a batch [B, C, H, W] into one image [C, rows*(H+p)+p, ncols*(W+p)+p], row-major with
    ``min(nrow, B)`` columns, as torchvision's ``make_grid``; ``normalize`` rescales the batch to
    [0, 1] by its min and max first (so normalized inputs display)."""
    images = images.detach().cpu().to(torch.float32)
    if normalize and images.numel():
        lo, hi = images.min(), images.max()
        images = (images - lo) / (hi - lo).clamp_min(1e-12)
    b, c, h, w = images.shape
    ncols = min(nrow, b)
    nrows = math.ceil(b / ncols)
    grid = torch.full((c, nrows * (h + padding) + padding, ncols * (w + padding) + padding), pad_value)
    for k in range(b):
        r, col = divmod(k, ncols)
        top, left = r * (h + padding) + padding, col * (w + padding) + padding
        grid[:, top:top + h, left:left + w] = images[k]
    return grid


def _run_name(run) -> str:
    """A folder name for a run: ``Run(lr=0.01, batch_size=100)`` -> ``lr=0.01,batch_size=100``."""
    return re.sub(r"[^A-Za-z0-9_.=,-]", "", ",".join(f"{k}={v}" for k, v in run._asdict().items()))


class RunManager:
    """Records the epochs of every run (lesson 33) and writes them for TensorBoard (lesson 30).

    Usage, as in the course::

        m = RunManager(log_dir)
        for run in RunBuilder.get_runs(params):
            network = ...; m.begin_run(run, network, first_images)
            for epoch in range(epochs):
                m.begin_epoch()
                for images, labels in batches:
                    preds = network(images); loss = F.cross_entropy(preds, labels); ...
                    m.track(loss, preds, labels)
                m.end_epoch()
            m.end_run()
        m.save("results")
    """

    def __init__(self, log_dir: str | Path, progress: Callable[[str], None] | None = None,
                 tensorboard: bool = True, graph: bool = True):
        self.log_dir = Path(log_dir)
        self.progress = progress
        self.tensorboard = tensorboard
        self.graph = graph
        self.run_data: list[OrderedDict] = []
        self.run_count = 0
        self.run_params = None
        self.network: nn.Module | None = None
        self.tb = None
        self.tb_dirs: list[Path] = []
        self.epoch_count = 0
        self._reset_epoch()

    def _reset_epoch(self) -> None:
        self.epoch_loss = 0.0
        self.epoch_num_correct = 0
        self.epoch_samples = 0
        self.epoch_start_time = time.perf_counter()

    # -- runs ---------------------------------------------------------------------------------
    def begin_run(self, run, network: nn.Module, images: torch.Tensor | None = None) -> None:
        """Start a run; ``images`` (a first batch) goes to TensorBoard as a grid and traces the graph."""
        self.run_start_time = time.perf_counter()
        self.run_params = run
        self.run_count += 1
        self.network = network
        self.epoch_count = 0
        if self.tensorboard:
            from torch.utils.tensorboard import SummaryWriter

            path = self.log_dir / "tensorboard" / f"{self.run_count:02d}-{_run_name(run)}"
            self.tb = SummaryWriter(log_dir=str(path))
            self.tb_dirs.append(path)
            if images is not None:
                self.tb.add_image("images", make_grid(images), 0)
                if self.graph:
                    was_training = network.training
                    network.eval()  # trace without touching BatchNorm running stats
                    try:
                        with warnings.catch_warnings():  # add_graph traces with torch.jit (deprecated)
                            warnings.simplefilter("ignore", DeprecationWarning)
                            self.tb.add_graph(network, images)
                    finally:
                        network.train(was_training)

    def end_run(self) -> None:
        if self.tb is not None:
            self.tb.close()
            self.tb = None
        self.epoch_count = 0

    # -- epochs -------------------------------------------------------------------------------
    def begin_epoch(self) -> None:
        self.epoch_count += 1
        self._reset_epoch()

    def track_loss(self, loss: torch.Tensor, batch_size: int) -> None:
        self.epoch_loss += loss.item() * batch_size
        self.epoch_samples += batch_size

    def track_num_correct(self, preds: torch.Tensor, labels: torch.Tensor) -> None:
        self.epoch_num_correct += preds.argmax(dim=1).eq(labels).sum().item()

    def track(self, loss: torch.Tensor, preds: torch.Tensor, labels: torch.Tensor) -> None:
        """Both of the above for one batch (the ``on_batch`` hook of ``training.train_epoch``)."""
        self.track_loss(loss, len(labels))
        self.track_num_correct(preds, labels)

    def end_epoch(self, test_accuracy: float | None = None) -> OrderedDict:
        """Close the epoch: one row of results (and TensorBoard scalars and histograms)."""
        epoch_duration = time.perf_counter() - self.epoch_start_time
        run_duration = time.perf_counter() - self.run_start_time
        n = max(self.epoch_samples, 1)
        loss, accuracy = self.epoch_loss / n, self.epoch_num_correct / n
        if self.tb is not None:
            self.tb.add_scalar("Loss", loss, self.epoch_count)
            self.tb.add_scalar("Number Correct", self.epoch_num_correct, self.epoch_count)
            self.tb.add_scalar("Accuracy", accuracy, self.epoch_count)
            if test_accuracy is not None:
                self.tb.add_scalar("Test Accuracy", test_accuracy, self.epoch_count)
            for name, param in self.network.named_parameters():
                self.tb.add_histogram(name, param, self.epoch_count)
                if param.grad is not None:
                    self.tb.add_histogram(f"{name}.grad", param.grad, self.epoch_count)
            self.tb.flush()
        results = OrderedDict(run=self.run_count, epoch=self.epoch_count, loss=loss, accuracy=accuracy)
        if test_accuracy is not None:
            results["test_accuracy"] = test_accuracy
        results["epoch_duration"] = epoch_duration
        results["run_duration"] = run_duration
        results.update(self.run_params._asdict())
        self.run_data.append(results)
        if self.progress is not None:
            self.progress(self.describe(results))
        return results

    def describe(self, row: dict) -> str:
        test = f", test accuracy {row['test_accuracy']:.4f}" if "test_accuracy" in row else ""
        return (f"run {row['run']} {self.run_params} epoch {row['epoch']}: loss {row['loss']:.4f}, "
                f"accuracy {row['accuracy']:.4f}{test} ({row['epoch_duration']:.1f} s)")

    # -- saving -------------------------------------------------------------------------------
    def save(self, name: str) -> tuple[Path, Path]:
        """Write the rows as ``log_dir/name.csv`` and ``log_dir/name.json``; returns both paths."""
        self.log_dir.mkdir(parents=True, exist_ok=True)
        columns = list(dict.fromkeys(k for row in self.run_data for k in row))
        csv_path, json_path = self.log_dir / f"{name}.csv", self.log_dir / f"{name}.json"
        with open(csv_path, "w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=columns)
            writer.writeheader()
            writer.writerows(self.run_data)
        json_path.write_text(json.dumps(self.run_data, ensure_ascii=False, indent=4), encoding="utf-8")
        return csv_path, json_path
