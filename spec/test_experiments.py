"""Group ``experiments``: hyperparameter loops, RunBuilder, RunManager and TensorBoard (lessons 30-33).

A small synthetic experiment (the course network, 64 random images, 2 runs x 2 epochs) is recorded by
:class:`~tensorspec.course.runs.RunManager`; its CSV, JSON and TensorBoard events are read back.  The full
Fashion-MNIST run records the same artifacts (``test_training_run.py``).
"""
from __future__ import annotations

import csv
import importlib.util
import itertools
import json
import keyword
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import torch
from hypothesis import given, strategies as st

from tensorspec.claims.context import differs
from tensorspec.course import training
from tensorspec.testing.assertions import assert_equal, repro
from tensorspec.course.network import Network
from tensorspec.course.runs import RunBuilder, RunManager, make_grid

EPOCHS = 2
PARAMS = {"lr": [0.01, 0.001], "batch_size": [16]}


def combinations(params: dict) -> list[tuple]:
    """Reference: every combination of the value lists, first key slowest, by plain recursion."""
    values = list(params.values())
    if not values:
        return [()]
    return [(v, *rest) for v in values[0] for rest in combinations(dict(list(params.items())[1:]))]


names = st.text("abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=8).filter(
    lambda s: not keyword.iskeyword(s) and not s.startswith("_"))


@given(params=st.dictionaries(names, st.lists(st.integers(-5, 5) | st.booleans(), max_size=3), min_size=1, max_size=3))
@pytest.mark.claim("experiments.run_builder", "product_of_the_value_lists", "runs_are_namedtuples_named_by_the_keys")
def test_run_builder_is_the_product_as_namedtuples(params):
    """get_runs(params): one Run per combination, in product order, fields named by the keys."""
    with repro(f"RunBuilder.get_runs({params!r})"):
        runs = RunBuilder.get_runs(params)
        assert_equal([tuple(r) for r in runs], combinations(params), expr="product of the value lists", name="runs")
        for run in runs:
            assert_equal(type(run).__name__, "Run", expr="namedtuple('Run', keys)", name="type name")
            assert_equal(run._fields, tuple(params), expr="the keys, in order", name="fields")
            assert_equal({k: getattr(run, k) for k in params}, run._asdict(), expr="run.<key>", name="by name")


@pytest.mark.claim("experiments.run_builder", "str_form")
def test_run_builder_course_example():
    """The lesson's example: two learning rates x two batch sizes, printed as the course shows."""
    runs = RunBuilder.get_runs({"lr": [0.01, 0.001], "batch_size": [1000, 10000]})
    assert_equal([str(r) for r in runs], ["Run(lr=0.01, batch_size=1000)", "Run(lr=0.01, batch_size=10000)",
                  "Run(lr=0.001, batch_size=1000)", "Run(lr=0.001, batch_size=10000)"], expr="str(run)", name="runs")
    assert_equal(runs[0].lr, 0.01, expr="attribute access", name="runs[0].lr")


@given(lrs=st.lists(st.sampled_from([0.1, 0.01, 0.001]), unique=True, max_size=3),
       batch_sizes=st.lists(st.integers(1, 1000), unique=True, max_size=3),
       shuffles=st.lists(st.booleans(), unique=True, max_size=2))
@pytest.mark.claim("experiments.hyperparameter_loop", "every_combination_once_in_product_order",
                   "same_order_as_run_builder")
def test_nested_loops_run_every_combination_once(lrs, batch_sizes, shuffles):
    """Lesson 31's nested for loops visit every (lr, batch_size, shuffle) once, in the order of
    itertools.product and of RunBuilder."""
    visited = []
    for lr in lrs:
        for batch_size in batch_sizes:
            for shuffle in shuffles:
                visited.append((lr, batch_size, shuffle))
    expr = f"nested loops over {lrs}, {batch_sizes}, {shuffles}"
    assert_equal(len(visited), len(lrs) * len(batch_sizes) * len(shuffles), expr=expr, name="count")
    assert_equal(len(set(visited)), len(visited), expr=expr, name="distinct")
    assert_equal(visited, list(itertools.product(lrs, batch_sizes, shuffles)), expr=expr, name="vs product")
    runs = RunBuilder.get_runs({"lr": lrs, "batch_size": batch_sizes, "shuffle": shuffles})
    assert_equal(visited, [tuple(r) for r in runs], expr=expr, name="vs RunBuilder")


# ---- a small recorded experiment --------------------------------------------------------------------

@dataclass
class Experiment:
    manager: RunManager
    expected: list[dict]  # per epoch, computed beside the manager: loss, accuracy, correct
    csv_path: Path
    json_path: Path
    first_images: torch.Tensor


@pytest.mark.claim("experiments.tensorboard", "add_histogram_works")
def test_add_histogram_works_with_the_installed_numpy(tmp_path):
    """SummaryWriter.add_histogram, which RunManager calls for every parameter and gradient, writes a
    histogram; in the catalog's range add_histogram_fails_with_numpy it raises TypeError instead."""
    from torch.utils.tensorboard import SummaryWriter

    with SummaryWriter(str(tmp_path)) as writer:
        if differs("add_histogram_fails_with_numpy"):
            with pytest.raises(TypeError, match="ufunc greater"):
                writer.add_histogram("x", torch.rand(10), 0)
        else:
            writer.add_histogram("x", torch.rand(10), 0)


@pytest.fixture(scope="module")
def experiment(tmp_path_factory) -> Experiment:
    if differs("add_histogram_fails_with_numpy"):
        pytest.skip("SummaryWriter.add_histogram raises TypeError with the installed torch and numpy "
                    "(catalog: add_histogram_fails_with_numpy), so RunManager cannot record a run")
    g = torch.Generator().manual_seed(0)
    images, labels = torch.rand(64, 1, 28, 28, generator=g), torch.randint(0, 10, (64,), generator=g)
    manager = RunManager(tmp_path_factory.mktemp("experiment"))
    expected = []
    for run in RunBuilder.get_runs(PARAMS):
        torch.manual_seed(0)
        network = Network()
        optimizer = torch.optim.Adam(network.parameters(), lr=run.lr)
        manager.begin_run(run, network, images[:run.batch_size])
        for epoch in range(EPOCHS):
            manager.begin_epoch()
            sums = {"loss": 0.0, "correct": 0}

            def track(loss, preds, y, sums=sums):
                sums["loss"] += loss.item() * len(y)
                sums["correct"] += int((preds.argmax(dim=1) == y).sum())
                manager.track(loss, preds, y)

            training.train_epoch(network, optimizer, images, labels, run.batch_size, g, on_batch=track)
            manager.end_epoch()
            expected.append({"loss": sums["loss"] / 64, "accuracy": sums["correct"] / 64, "correct": sums["correct"]})
        manager.end_run()
    csv_path, json_path = manager.save("results")
    return Experiment(manager, expected, csv_path, json_path, images)


@pytest.mark.claim("experiments.run_manager", "one_row_per_epoch", "loss_is_the_mean_per_sample",
                   "accuracy_over_the_same_count", "durations")
def test_run_manager_records_every_epoch_of_every_run(experiment):
    """One row per (run, epoch) with loss, accuracy, durations and the run's hyperparameters."""
    rows = experiment.manager.run_data
    runs = RunBuilder.get_runs(PARAMS)
    assert_equal([(r["run"], r["epoch"]) for r in rows],
                 [(i + 1, e + 1) for i in range(len(runs)) for e in range(EPOCHS)], expr="run_data", name="rows")
    for row, want in zip(rows, experiment.expected):
        run = runs[row["run"] - 1]
        assert_equal({k: row[k] for k in run._fields}, run._asdict(), expr=f"row {row['run']}.{row['epoch']}",
                     name="hyperparameters")
        assert row["loss"] == pytest.approx(want["loss"], rel=1e-6), f"loss={row['loss']}, but should be {want['loss']}"
        assert_equal(row["accuracy"], want["accuracy"], expr="correct / samples", name="accuracy")
        assert 0 < row["epoch_duration"] <= row["run_duration"], row


@pytest.mark.claim("experiments.run_manager", "loss_is_the_mean_per_sample", "accuracy_over_the_same_count")
@given(batches=st.lists(st.tuples(st.integers(1, 8), st.floats(0, 5), st.data()), min_size=1, max_size=5))
def test_run_manager_divides_by_the_samples_seen(tmp_path_factory, batches):
    """loss = sum(batch mean loss x batch size) / the samples tracked in the epoch (with drop_last fewer
    than the dataset holds), accuracy = number correct / the same count."""
    manager = RunManager(tmp_path_factory.mktemp("divisor"), tensorboard=False)
    run = RunBuilder.get_runs({"lr": [0.01]})[0]
    manager.begin_run(run, Network())
    manager.begin_epoch()
    seen = correct = 0
    total = 0.0
    for size, loss, data in batches:
        labels = torch.zeros(size, dtype=torch.int64)
        right = data.draw(st.integers(0, size), label="correct in batch")
        preds = torch.zeros(size, 10)
        preds[right:, 1] = 1.0  # rows from `right` on predict class 1, the others class 0 = the label
        manager.track(torch.tensor(loss), preds, labels)
        seen, correct, total = seen + size, correct + right, total + loss * size
    row = manager.end_epoch()
    assert row["loss"] == pytest.approx(total / seen, rel=1e-6), f"loss={row['loss']}, but should be {total / seen}"
    assert_equal(row["accuracy"], correct / seen, expr=f"{correct} correct / {seen} samples tracked", name="accuracy")


@pytest.mark.claim("experiments.run_manager", "optional_test_accuracy")
@pytest.mark.claim("experiments.tensorboard", "test_accuracy_read_back")
def test_test_accuracy_is_optional(tmp_path):
    """end_epoch(test_accuracy=a) adds test_accuracy = a to the row and a Test Accuracy scalar at that
    epoch; an epoch without one has neither."""
    if differs("add_histogram_fails_with_numpy"):
        pytest.skip("SummaryWriter.add_histogram raises TypeError with the installed torch and numpy "
                    "(catalog: add_histogram_fails_with_numpy), so RunManager cannot end an epoch")
    manager = RunManager(tmp_path)
    manager.begin_run(RunBuilder.get_runs({"lr": [0.01]})[0], Network())
    rows = []
    for test_accuracy in (0.25, None, 0.75):
        manager.begin_epoch()
        manager.track(torch.tensor(1.0), torch.zeros(2, 10), torch.zeros(2, dtype=torch.int64))
        rows.append(manager.end_epoch(test_accuracy=test_accuracy) if test_accuracy is not None else manager.end_epoch())
    manager.end_run()
    assert_equal([r.get("test_accuracy", "absent") for r in rows], [0.25, "absent", 0.75],
                 expr="end_epoch(test_accuracy=0.25), end_epoch(), end_epoch(test_accuracy=0.75)", name="test_accuracy")
    pytest.importorskip("tensorboard", reason="tensorboard not installed")
    events = _events(manager.tb_dirs[0]).Scalars("Test Accuracy")
    assert_equal([(e.step, e.value) for e in events], [(1, 0.25), (3, 0.75)], expr=str(manager.tb_dirs[0]),
                 name="Test Accuracy scalars")


@pytest.mark.claim("experiments.run_manager", "saved_as_csv_and_json")
def test_run_manager_saves_csv_and_json(experiment):
    """save(name) writes the same rows to name.csv and name.json."""
    rows = experiment.manager.run_data
    assert_equal(json.loads(experiment.json_path.read_text()), [dict(r) for r in rows], expr=str(experiment.json_path),
                 name="JSON")
    with open(experiment.csv_path, newline="") as f:
        read = list(csv.DictReader(f))
    assert_equal(list(read[0]), list(rows[0]), expr=str(experiment.csv_path), name="CSV columns")
    assert_equal([{k: str(v) for k, v in r.items()} for r in rows], read, expr=str(experiment.csv_path),
                 name="CSV rows")


def _events(path: Path):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    acc = EventAccumulator(str(path), size_guidance={"scalars": 0, "histograms": 0, "images": 0, "tensors": 0})
    acc.Reload()
    return acc


IMPORT_THEN_WRITE = """
import json, sys, time
start = time.perf_counter()
from torch.utils.tensorboard import SummaryWriter
seconds = time.perf_counter() - start
imported = sorted(sys.modules)
writer = SummaryWriter(sys.argv[1])
writer.add_scalar("Loss", 1.0, 1)
writer.close()
print(json.dumps(["tensorflow" in imported, seconds, [m for m in set(sys.modules) - set(imported) if "tensorflow" in m]]))
"""


@pytest.mark.claim("experiments.tensorboard", "import_imports_tensorflow")
def test_importing_summary_writer_imports_tensorflow(tmp_path, claim_fact):
    """`from torch.utils.tensorboard import SummaryWriter` itself imports TensorFlow where it is installed
    (seconds); writing afterwards imports nothing more of it."""
    pytest.importorskip("tensorboard", reason="tensorboard not installed")
    installed = importlib.util.find_spec("tensorflow") is not None
    out = subprocess.run([sys.executable, "-c", IMPORT_THEN_WRITE, str(tmp_path)], capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    imported, seconds, on_write = json.loads(out.stdout.strip().splitlines()[-1])
    claim_fact("import of torch.utils.tensorboard (TensorFlow installed)",
               f"{seconds:.1f} s ({installed})")
    if differs("summary_writer_imports_tensorflow_when_writing"):
        assert_equal(imported, False, expr="from torch.utils.tensorboard import SummaryWriter",
                     name="'tensorflow' in sys.modules after the import")
        assert_equal("tensorflow" in on_write, installed, expr="SummaryWriter(...).add_scalar(...)",
                     name="TensorFlow imported by writing")
        return
    assert_equal(imported, installed, expr="from torch.utils.tensorboard import SummaryWriter",
                 name="'tensorflow' in sys.modules after the import")
    assert_equal(on_write, [], expr="SummaryWriter(...).add_scalar(...)", name="TensorFlow modules imported by writing")


@pytest.mark.claim("experiments.tensorboard", "scalars_read_back", "histograms_read_back", "image_grid_read_back",
                   "graph_read_back")
def test_tensorboard_events_read_back(experiment):
    """Per run: Loss / Number Correct / Accuracy scalars per epoch, a histogram of every parameter and
    its gradient, the image grid of the first batch and the network's graph, read back with
    EventAccumulator."""
    pytest.importorskip("tensorboard", reason="tensorboard not installed")
    manager = experiment.manager
    network_names = [name for name, _ in Network().named_parameters()]
    assert_equal(len(manager.tb_dirs), len(RunBuilder.get_runs(PARAMS)), expr="one per run", name="run folders")
    for i, path in enumerate(manager.tb_dirs):
        acc = _events(path)
        tags = acc.Tags()
        want = experiment.expected[i * EPOCHS:(i + 1) * EPOCHS]
        for tag, key in (("Loss", "loss"), ("Accuracy", "accuracy"), ("Number Correct", "correct")):
            events = acc.Scalars(tag)
            assert_equal([e.step for e in events], list(range(1, EPOCHS + 1)), expr=str(path), name=f"{tag} steps")
            assert [e.value for e in events] == pytest.approx([w[key] for w in want], rel=1e-5), tag
        expected_hist = sorted(network_names + [f"{n}.grad" for n in network_names])
        assert_equal(sorted(tags["histograms"]), expected_hist, expr=str(path), name="histograms")
        assert_equal([h.step for h in acc.Histograms("conv1.weight")], [1, 2], expr="per epoch", name="histogram steps")
        image = acc.Images("images")[0]
        grid = make_grid(experiment.first_images[:PARAMS["batch_size"][0]])
        assert_equal((image.height, image.width), tuple(grid.shape[1:]), expr="make_grid(first batch)",
                     name="image size")
        graph = acc.Graph()
        assert len(graph.node) > 10, f"graph has {len(graph.node)} nodes"
        ops = " ".join(node.name for node in graph.node)
        assert "conv1" in ops and "out" in ops, ops[:300]
