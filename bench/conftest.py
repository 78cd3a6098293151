"""The benchmark suite: ``pytest bench`` (outside ``testpaths``, so a bare ``pytest`` never runs it).

* Every run is saved (pytest-benchmark's autosave) under ``.benchmarks/<machine>/``, unless
  ``--bench-no-autosave``.  ``tensorspec-charts`` draws PNG charts from the saved runs.
* ``pytest bench --benchmark-compare`` compares with the previous saved run; when there is none yet it
  says so plainly and runs (and saves) without comparing.  ``--benchmark-compare-fail=min:10%`` fails
  the run on a regression against it (it implies ``--benchmark-compare``).  A failing run is saved
  too, and becomes "the previous run": to gate against a fixed baseline, name it
  (``--benchmark-compare=0001``).
* ``pytest bench --benchmark-disable`` runs every benchmark body once on a small workload (for CI);
  under pytest-xdist benchmarks are disabled the same way.
* Every benchmark runs with a set number of intra-op threads: its ``threads`` parameter (the micro
  benchmarks: 1 and 2) or ``TENSORSPEC_BENCH_THREADS`` (default 1); ``extra_info`` records it with
  ``OMP_WAIT_POLICY`` and the load average when the benchmark started.  The saved machine info names
  the CPU, the GPU (``machine_info["tensorspec"]["gpu"]``), torch and NumPy, and the same conditions
  at the start of the session.  Workload sizes: see :mod:`tensorspec.benchtools.benchinfo`.
* A run's JSON holds each benchmark's statistics; every round's timing only with
  ``--benchmark-save-data``.
* ``python -m tensorspec.benchtools.measured RUN.json`` writes the catalog's ``measured`` texts from
  a saved run (the committed one: ``bench/baselines/``).
"""
from __future__ import annotations

import pytest
import torch
from pytest_benchmark.storage.file import FileStorage
from pytest_benchmark.utils import get_machine_id, get_tag, load_storage

from tensorspec.benchtools import benchinfo
from tensorspec.claims.markers import marked

_NOTE = pytest.StashKey[str]()
_START = pytest.StashKey[dict]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("tensorspec-bench", "tensorspec benchmarks").addoption(
        "--bench-no-autosave", action="store_true", default=False,
        help="do not save this run under .benchmarks/ (saved by default)")


class _Silent:
    """A logger for the storage lookup below; pytest-benchmark reports problems itself later."""

    def warning(self, *args, **kwargs):
        pass

    info = warning


def _benchmarks_off(config: pytest.Config) -> bool:
    disabled = config.getoption("benchmark_disable") and not config.getoption("benchmark_enable")
    return disabled or config.getoption("benchmark_skip") or config.getoption("dist", "no") != "no" \
        or hasattr(config, "workerinput")


def pytest_configure(config: pytest.Config) -> None:
    """Runs before pytest-benchmark reads its options (its pytest_configure is ``trylast``)."""
    config.stash[_START] = benchinfo.conditions()  # pytest-benchmark asks for machine info at the end
    if not config.getoption("bench_no_autosave") and not config.getoption("benchmark_autosave"):
        config.option.benchmark_autosave = get_tag(config.getoption("benchmark_project_name", None))
    if config.getoption("benchmark_compare_fail") and not config.getoption("benchmark_compare"):
        config.option.benchmark_compare = True  # a regression gate needs something to compare with
    compare = config.getoption("benchmark_compare")
    if not compare:
        return
    storage = load_storage(config.getoption("benchmark_storage"), logger=_Silent(),
                           default_machine_id=get_machine_id(), netrc=config.getoption("benchmark_netrc"))
    if not isinstance(storage, FileStorage):
        return  # elasticsearch: pytest-benchmark's own handling
    saved = [path for path, _ in (storage.load() if compare is True else storage.load(compare))]
    where = storage.path / get_machine_id()
    if saved:
        config.stash[_NOTE] = f"benchmarks: comparing with the saved run {where / saved[-1].name}"
    elif compare is True:
        config.option.benchmark_compare = []
        note = f"benchmarks: nothing to compare with -- no saved run in {where} yet."
        if config.getoption("benchmark_compare_fail"):
            config.option.benchmark_compare_fail = None
            note += " No regression gate this time (--benchmark-compare-fail needs a previous run)."
        if config.getoption("benchmark_autosave") and not _benchmarks_off(config):
            note += " This run is saved there; the next `pytest bench --benchmark-compare` compares with it."
        else:
            note += " Save a run first: `pytest bench` (timed, without --bench-no-autosave)."
        config.stash[_NOTE] = note
    else:
        names = sorted(p.name for p in storage.query()) or ["none"]
        raise pytest.UsageError(f"--benchmark-compare={compare}: no saved run in {where} matches it; "
                                f"saved runs: {', '.join(names)}")


def pytest_report_header(config: pytest.Config) -> str | None:
    return config.stash.get(_NOTE, None)


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    note = config.stash.get(_NOTE, None)
    if note:
        terminalreporter.write_line(note, yellow=True, bold=True)


def pytest_benchmark_update_machine_info(config: pytest.Config, machine_info: dict) -> None:
    machine_info["tensorspec"] = benchinfo.machine_info()
    start = config.stash.get(_START, None)
    if start is not None:  # the conditions when the session started, and when it ended
        machine_info["tensorspec"]["load_average_at_end"] = machine_info["tensorspec"].pop("load_average")
        machine_info["tensorspec"].update(start)


def pytest_benchmark_update_json(config: pytest.Config, benchmarks, output_json: dict) -> None:
    """Keep every round's timing out of the JSON unless ``--benchmark-save-data`` asks for it: the
    statistics are what the catalog and the comparisons read, and a micro benchmark's thousands of
    rounds would make a ``--benchmark-json`` file tens of megabytes."""
    if not config.getoption("benchmark_save_data"):
        for bench in output_json.get("benchmarks", []):
            bench.get("stats", {}).pop("data", None)


@pytest.fixture(autouse=True)
def bench_threads(request: pytest.FixtureRequest):
    """Run each benchmark with its thread count (``threads`` parameter, else the suite's) and record
    it, ``OMP_WAIT_POLICY``, the load average at its start and the claims its marker names (what
    ``tensorspec-measured`` reads); the thread count is restored after."""
    callspec = getattr(request.node, "callspec", None)
    threads = callspec.params.get("threads", benchinfo.threads()) if callspec else benchinfo.threads()
    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    if "benchmark" in request.fixturenames:
        conditions = benchinfo.conditions()
        request.getfixturevalue("benchmark").extra_info.update(
            threads=threads, omp_wait_policy=conditions["omp_wait_policy"],
            load_average_at_start=conditions["load_average"],
            claims=list(marked(m.args for m in request.node.iter_markers("claim"))[0]))
    try:
        yield threads
    finally:
        torch.set_num_threads(before)
