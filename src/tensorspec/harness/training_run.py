"""pytest plugin: the course's full training run, started as soon as collection has selected a test
that needs it, so that it trains while the rest of the spec runs.

Fixture ``course_runs`` (session scope): the three runs of :data:`RUNS` with the recipe
:data:`tensorspec.course.training.COURSE_RECIPE`, as a :class:`CourseRuns`.

* ``TENSORSPEC_TRAIN_PROCESSES`` (default 2): the runs go to that many spawned worker processes (the
  two networks side by side, the one-epoch run after whichever finishes first; on 2 cores, 3 workers
  and the tests cost more CPU in all than 2); 0 trains in this process when the fixture is first
  requested, as the mutation self-check needs (its planted changes are in this process).
* ``TENSORSPEC_TRAIN_THREADS`` (default 1): intra-op threads per run.  The accuracies depend slightly on
  the thread count (a few thousandths; the catalog records them for 1, 2 and 4), not on the process count.

With worker processes the runs start at the end of collection (when the data are already on disk:
a download waits for the fixture), and the fixture waits for them, printing each epoch as it
reports.  Meanwhile the tests run with the cores the workers leave (at least 1 intra-op thread),
for the whole session.  The workers write TensorBoard logs through tensorboard's own writer without importing
TensorFlow (about 3 s of CPU per worker; the event files are the same); the claim that
``torch.utils.tensorboard`` imports TensorFlow is checked in a fresh interpreter of its own.
An interrupted or failed session terminates the workers.  Needs the data (``needs_data``).
"""
from __future__ import annotations

import multiprocessing
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import torch

from tensorspec.course import fashion_mnist as fm
from tensorspec.course import training
from tensorspec.course.runs import RunManager
from tensorspec.harness import artifacts
from tensorspec.harness.datafixtures import download_allowed

RECIPE = training.COURSE_RECIPE
RUNS = ({"network": "plain", "normalize": True, "trained": RECIPE.epochs},
        {"network": "batchnorm", "normalize": True, "trained": RECIPE.epochs},
        {"network": "plain", "normalize": False, "trained": 1})
"""The course network and its BatchNorm variant on normalized inputs, then the course network on
inputs in [0, 1] for the first epoch of the same schedule."""

_STARTED = pytest.StashKey["Started"]()
_THREADS_BEFORE = pytest.StashKey[int]()


def processes() -> int:
    return int(os.environ.get("TENSORSPEC_TRAIN_PROCESSES", "2"))


def threads() -> int:
    return int(os.environ.get("TENSORSPEC_TRAIN_THREADS", "1"))


@dataclass
class Outcome:
    """One run: its hyperparameters, per-epoch results and the final evaluation."""
    run: dict
    epochs: list[training.EpochResult]
    cpu_seconds: float
    wall_seconds: float
    threads: int
    final: training.Evaluation
    confusion: torch.Tensor | None = None

    @property
    def train_seconds(self) -> float:
        return sum(e.seconds for e in self.epochs)

    @classmethod
    def of(cls, done: dict) -> "Outcome":
        predictions, labels = torch.tensor(done["predictions"]), torch.tensor(done["labels"])
        confusion = None if done["confusion"] is None else torch.tensor(done["confusion"])
        return cls(done["run"], done["epochs"], done["cpu_seconds"], done["wall_seconds"], done["threads"],
                   training.Evaluation(done["accuracy"], done["correct"], predictions, labels), confusion)


@dataclass
class CourseRuns:
    plain: Outcome
    batchnorm: Outcome
    unnormalized: Outcome  # one epoch, on inputs in [0, 1]
    artifacts: Path
    manager: RunManager  # every run's rows and TensorBoard folder, in run order
    results: tuple[Path, Path]  # CSV, JSON
    load_before: float  # 1-minute load average when the runs started
    wall_seconds: float  # the three runs, start of the workers to the last result
    processes: int  # worker processes (0: trained in the test process)


def _without_tensorflow() -> None:
    """Worker initializer: tensorboard falls back to its own writer (TensorFlow is not needed to write
    event files, and importing it costs seconds of CPU in every worker)."""
    sys.modules["tensorflow"] = None  # type: ignore[assignment]


@dataclass
class Started:
    """The runs handed to worker processes: one pending result per run, in :data:`RUNS` order."""
    pool: multiprocessing.pool.Pool
    pending: list
    artifacts: Path
    load_before: float
    start: float
    processes: int

    @classmethod
    def launch(cls, root: Path, artifacts_dir: Path, count: int) -> "Started":
        context = multiprocessing.get_context("spawn")  # a forked child would inherit this process's OpenMP pool
        pool = context.Pool(min(count, len(RUNS)), initializer=_without_tensorflow)
        load_before, start = os.getloadavg()[0], time.perf_counter()
        pending = [pool.apply_async(training.full_runs, (str(root), str(artifacts_dir), [run], RECIPE),
                                    dict(threads=threads(), first_run=number))
                   for number, run in enumerate(RUNS, start=1)]
        pool.close()
        return cls(pool, pending, artifacts_dir, load_before, start, count)

    def results(self, say) -> tuple[list[dict], float]:
        """Each run's outcome, waiting for it; then the pool is joined."""
        done = []
        for result in self.pending:
            (outcome,) = result.get()
            report(say, outcome)
            done.append(outcome)
        wall = time.perf_counter() - self.start
        self.pool.join()
        return done, wall

    def stop(self) -> None:
        self.pool.terminate()
        self.pool.join()


def report(say, outcome: dict) -> None:
    for row in outcome["rows"]:
        say(f"run {row['run']} {outcome['params']} epoch {row['epoch']}: test accuracy "
            f"{row['test_accuracy']:.4f} ({row['epoch_duration']:.1f} s)")


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


def _describe(count: int) -> str:
    where = f"{count} worker processes" if count else "this process"
    return f"{len(RUNS)} runs ({RECIPE.describe()}) in {where}, {threads()} thread(s) each"


@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    """Start the runs in worker processes now if a selected test needs them and the data are here."""
    config = session.config
    count = processes()
    if count == 0 or config.option.collectonly or hasattr(config, "workerinput"):
        return
    if not any("course_runs" in getattr(item, "fixturenames", ()) for item in session.items):
        return
    try:
        root = fm.locate(config.getoption("data_dir"), download=False)
    except (fm.DataNotFoundError, fm.DataCorruptError):
        return  # the fixtures say why (or download) when a test asks
    folder = artifacts.run_folder(config)
    started = Started.launch(root, folder, count)
    config.stash[_STARTED] = started
    # the workers hold the cores: more intra-op threads here would spin on them (set for the whole
    # session, so every test sees the same count; the thread count is pytest's again at the end)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    threads_here = max(1, cores - min(count, len(RUNS)))
    if threads_here < torch.get_num_threads():
        config.stash[_THREADS_BEFORE] = torch.get_num_threads()
        torch.set_num_threads(threads_here)
    progress_line(config)(f"started: {_describe(count)}, while the other tests run with "
                          f"{torch.get_num_threads()} thread(s) (load average {started.load_before:.1f}); "
                          f"artifacts in {folder}")


def pytest_sessionfinish(session: pytest.Session) -> None:
    started = session.config.stash.get(_STARTED, None)
    if started is not None:  # not waited for (interrupted, -x, deselected by a later plugin): no orphans
        started.stop()
    before = session.config.stash.get(_THREADS_BEFORE, None)
    if before is not None:
        torch.set_num_threads(before)


@pytest.fixture(scope="session")
def course_runs(fashion_mnist_root: Path, artifacts_dir: Path, pytestconfig: pytest.Config) -> CourseRuns:
    say = progress_line(pytestconfig)
    started = pytestconfig.stash.get(_STARTED, None)
    if started is None and processes():
        started = Started.launch(fashion_mnist_root, artifacts_dir, processes())
        say(f"started: {_describe(processes())} (load average {started.load_before:.1f}); "
            f"artifacts in {artifacts_dir}")
    if started is not None:
        try:
            done, wall = started.results(say)
        finally:
            started.stop()
            pytestconfig.stash[_STARTED] = None
        load_before, count = started.load_before, started.processes
    else:  # in this process: what the mutation self-check patches here is what trains
        say(f"{_describe(0)}; artifacts in {artifacts_dir}")
        load_before, start, done = os.getloadavg()[0], time.perf_counter(), []
        for number, run in enumerate(RUNS, start=1):
            (outcome,) = training.full_runs(str(fashion_mnist_root), str(artifacts_dir), [run], RECIPE,
                                            threads=threads(), first_run=number)
            report(say, outcome)
            done.append(outcome)
        wall, count = time.perf_counter() - start, 0
    manager = RunManager(artifacts_dir, tensorboard=False)
    manager.run_data = [row for outcome in done for row in outcome["rows"]]
    manager.tb_dirs = [Path(path) for outcome in done for path in outcome["tb_dirs"]]
    results = manager.save("results")
    return CourseRuns(*(Outcome.of(o) for o in done), artifacts=artifacts_dir, manager=manager, results=results,
                      load_before=load_before, wall_seconds=wall, processes=count)
