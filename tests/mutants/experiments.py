"""Mutants of the experiments claims: RunBuilder, the hyperparameter loop, RunManager and TensorBoard."""
from __future__ import annotations

import itertools

import pytest

from tensorspec.harness.mutation import Mutant

E = "spec/test_experiments.py"
_product = itertools.product


def run_builder_reverses_the_order(mp: pytest.MonkeyPatch):
    from tensorspec.course.runs import RunBuilder

    real = RunBuilder.get_runs
    mp.setattr(RunBuilder, "get_runs", staticmethod(lambda params: real(params)[::-1]))


def product_skips_the_last_combination(mp: pytest.MonkeyPatch):
    mp.setattr(itertools, "product", lambda *iterables: iter(list(_product(*iterables))[:-1]))


def loss_not_weighted_by_batch_size(mp: pytest.MonkeyPatch):
    from tensorspec.course.runs import RunManager

    def track_loss(self, loss, batch_size):
        self.epoch_loss += loss.item()
        self.epoch_samples += batch_size

    mp.setattr(RunManager, "track_loss", track_loss)


def scalars_not_written(mp: pytest.MonkeyPatch):
    from torch.utils.tensorboard import SummaryWriter

    mp.setattr(SummaryWriter, "add_scalar", lambda self, *a, **k: None)


MUTANTS = [
    Mutant("run_builder_reverses_the_order", "experiments.run_builder", E, "runs come out in reverse product order"),
    Mutant("product_skips_the_last_combination", "experiments.hyperparameter_loop", E, "itertools.product drops a combination"),
    Mutant("loss_not_weighted_by_batch_size", "experiments.run_manager", E, "RunManager adds batch means as if sums"),
    Mutant("scalars_not_written", "experiments.tensorboard", E, "SummaryWriter.add_scalar writes nothing"),
]
