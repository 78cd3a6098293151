"""Mutants of the experiments claims: RunBuilder, the hyperparameter loop, RunManager and TensorBoard;
each plants the opposite of one statement."""
from __future__ import annotations

import collections
import csv
import itertools
import json

from tensorspec.harness.mutation import mutant, wrap


def _summary_writer():
    from torch.utils.tensorboard import SummaryWriter

    return SummaryWriter


def _run_manager():
    from tensorspec.course.runs import RunManager

    return RunManager


# ---- experiments.tensorboard ----------------------------------------------------------------------

@mutant("experiments.tensorboard", "scalars_read_back")
def scalars_not_written(mp):
    """SummaryWriter.add_scalar writes nothing."""
    mp.setattr(_summary_writer(), "add_scalar", lambda self, *a, **k: None)


@mutant("experiments.tensorboard", "test_accuracy_read_back")
def tensorboard_skips_test_accuracy(mp):
    """SummaryWriter.add_scalar skips the Test Accuracy tag."""
    @wrap(mp, _summary_writer(), "add_scalar")
    def add_scalar(orig, self, tag, *args, **kwargs):
        return None if tag == "Test Accuracy" else orig(self, tag, *args, **kwargs)


@mutant("experiments.tensorboard", "histograms_read_back")
def gradient_histograms_not_written(mp):
    """SummaryWriter.add_histogram skips the gradients' histograms."""
    @wrap(mp, _summary_writer(), "add_histogram")
    def add_histogram(orig, self, tag, *args, **kwargs):
        return None if tag.endswith(".grad") else orig(self, tag, *args, **kwargs)


@mutant("experiments.tensorboard", "image_grid_read_back")
def image_grid_not_written(mp):
    """SummaryWriter.add_image writes nothing."""
    mp.setattr(_summary_writer(), "add_image", lambda self, *a, **k: None)


@mutant("experiments.tensorboard", "graph_read_back")
def graph_not_written(mp):
    """SummaryWriter.add_graph writes nothing."""
    mp.setattr(_summary_writer(), "add_graph", lambda self, *a, **k: None)


@mutant("experiments.tensorboard", "add_histogram_works")
def add_histogram_refused_by_numpy(mp):
    """SummaryWriter.add_histogram raises the TypeError of torch 1.13 with NumPy 1.26."""
    def add_histogram(self, *args, **kwargs):
        raise TypeError("No loop matching the specified signature and casting was found for ufunc greater")
    mp.setattr(_summary_writer(), "add_histogram", add_histogram)


@mutant("experiments.tensorboard", "import_imports_tensorflow")
def tensorflow_counts_as_not_installed(mp):
    """The spec's view of the machine says TensorFlow is absent (so the import should not load it)."""
    import importlib.util

    @wrap(mp, importlib.util, "find_spec")
    def find_spec(orig, name, *args, **kwargs):
        return None if name == "tensorflow" else orig(name, *args, **kwargs)


# ---- experiments.hyperparameter_loop --------------------------------------------------------------

@mutant("experiments.hyperparameter_loop", "every_combination_once_in_product_order")
def product_skips_the_last_combination(mp):
    """itertools.product drops the last combination."""
    @wrap(mp, itertools, "product")
    def product(orig, *iterables):
        return iter(list(orig(*iterables))[:-1])


@mutant("experiments.hyperparameter_loop", "same_order_as_run_builder")
def run_builder_drops_the_last_run(mp):
    """RunBuilder.get_runs leaves out the last combination."""
    from tensorspec.course.runs import RunBuilder

    real = RunBuilder.get_runs
    mp.setattr(RunBuilder, "get_runs", staticmethod(lambda params: real(params)[:-1]))


# ---- experiments.run_builder ----------------------------------------------------------------------

@mutant("experiments.run_builder", "product_of_the_value_lists")
def run_builder_reverses_the_order(mp):
    """Runs come out in reverse product order."""
    from tensorspec.course.runs import RunBuilder

    real = RunBuilder.get_runs
    mp.setattr(RunBuilder, "get_runs", staticmethod(lambda params: real(params)[::-1]))


@mutant("experiments.run_builder", "runs_are_namedtuples_named_by_the_keys")
def runs_are_named_params(mp):
    """RunBuilder's namedtuple type is named Params, not Run."""
    from tensorspec.course import runs

    mp.setattr(runs, "namedtuple", lambda name, fields: collections.namedtuple("Params", fields))


@mutant("experiments.run_builder", "str_form")
def runs_print_as_plain_tuples(mp):
    """str(run) is the plain tuple's, e.g. '(0.01, 1000)'."""
    from tensorspec.course import runs

    def namedtuple(name, fields):
        base = collections.namedtuple(name, fields)
        return type(name, (base,), {"__slots__": (), "__repr__": tuple.__repr__})
    mp.setattr(runs, "namedtuple", namedtuple)


# ---- experiments.run_manager ----------------------------------------------------------------------

def _wrap_end_epoch(mp, change):
    """RunManager.end_epoch's row changed in place by ``change(manager, row)``."""
    @wrap(mp, _run_manager(), "end_epoch")
    def end_epoch(orig, self, *args, **kwargs):
        row = orig(self, *args, **kwargs)
        change(self, row)
        return row


@mutant("experiments.run_manager", "one_row_per_epoch")
def rows_lose_the_hyperparameters(mp):
    """RunManager's rows leave out the run's hyperparameters."""
    def change(manager, row):
        for key in manager.run_params._fields:
            row.pop(key, None)
    _wrap_end_epoch(mp, change)


@mutant("experiments.run_manager", "loss_is_the_mean_per_sample")
def loss_not_weighted_by_batch_size(mp):
    """RunManager adds batch means as if they were sums."""
    def track_loss(self, loss, batch_size):
        self.epoch_loss += loss.item()
        self.epoch_samples += batch_size

    mp.setattr(_run_manager(), "track_loss", track_loss)


@mutant("experiments.run_manager", "loss_is_the_mean_per_sample")
def run_manager_counts_every_batch_as_full(mp):
    """RunManager divides by batches x the largest batch size, as if a short last batch were full."""
    @wrap(mp, _run_manager(), "track_loss")
    def track_loss(orig, self, loss, batch_size):
        sizes = self.__dict__.setdefault("_sizes", [])
        if self.epoch_samples == 0:
            sizes.clear()
        sizes.append(batch_size)
        orig(self, loss, batch_size)
        self.epoch_samples = len(sizes) * max(sizes)


@mutant("experiments.run_manager", "accuracy_over_the_same_count")
def accuracy_over_one_sample_more(mp):
    """RunManager's accuracy divides the number correct by one more than the samples tracked."""
    def change(manager, row):
        row["accuracy"] = manager.epoch_num_correct / (manager.epoch_samples + 1)
    _wrap_end_epoch(mp, change)


@mutant("experiments.run_manager", "optional_test_accuracy")
def rows_drop_test_accuracy(mp):
    """RunManager's rows leave out test_accuracy."""
    _wrap_end_epoch(mp, lambda manager, row: row.pop("test_accuracy", None))


@mutant("experiments.run_manager", "durations")
def run_duration_zero(mp):
    """RunManager records run_duration 0."""
    _wrap_end_epoch(mp, lambda manager, row: row.__setitem__("run_duration", 0.0))


@mutant("experiments.run_manager", "saved_as_csv_and_json")
def json_rows_reversed(mp):
    """RunManager.save writes the JSON rows in reverse order."""
    @wrap(mp, _run_manager(), "save")
    def save(orig, self, name):
        csv_path, json_path = orig(self, name)
        json_path.write_text(json.dumps(self.run_data[::-1], indent=4), encoding="utf-8")
        return csv_path, json_path


@mutant("experiments.run_manager", "saved_as_csv_and_json")
def csv_columns_sorted(mp):
    """RunManager.save writes the CSV columns in alphabetical order."""
    @wrap(mp, _run_manager(), "save")
    def save(orig, self, name):
        csv_path, json_path = orig(self, name)
        with open(csv_path, "w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=sorted(self.run_data[0]))
            writer.writeheader()
            writer.writerows(self.run_data)
        return csv_path, json_path
