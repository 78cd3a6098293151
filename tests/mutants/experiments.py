"""Mutants of the experiments claims: RunBuilder, the hyperparameter loop, RunManager and TensorBoard."""
from __future__ import annotations

import itertools

from tensorspec.harness.mutation import mutant, wrap


@mutant("experiments.run_builder")
def run_builder_reverses_the_order(mp):
    """Runs come out in reverse product order."""
    from tensorspec.course.runs import RunBuilder

    real = RunBuilder.get_runs
    mp.setattr(RunBuilder, "get_runs", staticmethod(lambda params: real(params)[::-1]))


@mutant("experiments.hyperparameter_loop")
def product_skips_the_last_combination(mp):
    """itertools.product drops the last combination."""
    @wrap(mp, itertools, "product")
    def product(orig, *iterables):
        return iter(list(orig(*iterables))[:-1])


@mutant("experiments.run_manager")
def loss_not_weighted_by_batch_size(mp):
    """RunManager adds batch means as if they were sums."""
    from tensorspec.course.runs import RunManager

    def track_loss(self, loss, batch_size):
        self.epoch_loss += loss.item()
        self.epoch_samples += batch_size

    mp.setattr(RunManager, "track_loss", track_loss)


@mutant("experiments.tensorboard")
def scalars_not_written(mp):
    """SummaryWriter.add_scalar writes nothing."""
    from torch.utils.tensorboard import SummaryWriter

    mp.setattr(SummaryWriter, "add_scalar", lambda self, *a, **k: None)
