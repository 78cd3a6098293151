"""pytest plugin: the folder the training runs leave their artifacts in, for the user to keep.

The full training run writes results.csv/results.json, a confusion-matrix PNG per network and
TensorBoard logs.  They go to ``ARTIFACTS/run-YYYYmmdd-HHMMSS/`` (``ARTIFACTS/latest`` points at the
newest; the newest ``KEEP`` runs are kept), where ARTIFACTS is, in order:

1. ``pytest --artifacts-dir PATH``;
2. ``$TENSORSPEC_ARTIFACTS_DIR``;
3. under CI (``$CI`` set and true), pytest's temporary folder: a CI run leaves nothing behind;
4. the per-user cache, ``$XDG_CACHE_HOME/tensorspec/artifacts`` (by default ``~/.cache/...``).

The terminal summary names the folder when a test used it.
"""
from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from tensorspec.harness.ci import under_ci

ENV_VAR = "TENSORSPEC_ARTIFACTS_DIR"
KEEP = 5
_USED = pytest.StashKey[Path]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("tensorspec-artifacts", "tensorspec training artifacts")
    group.addoption("--artifacts-dir", metavar="PATH", default=None,
                    help=f"keep the training artifacts (results, confusion matrices, TensorBoard logs) under "
                         f"PATH/run-<time>/ (default: ${ENV_VAR}, else {default_dir()}; pytest's temp under CI)")


def default_dir() -> Path:
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache, "tensorspec", "artifacts")


def base_dir(config: pytest.Config, tmp_path_factory: pytest.TempPathFactory) -> Path:
    chosen = config.getoption("artifacts_dir") or os.environ.get(ENV_VAR)
    if chosen:
        return Path(chosen).expanduser()
    if under_ci():
        return tmp_path_factory.getbasetemp() / "artifacts"
    return default_dir()


def new_run(base: Path, keep: int = KEEP) -> Path:
    """A fresh ``run-<time>`` folder under ``base``, ``base/latest`` pointing at it; older runs beyond
    the newest ``keep`` are removed."""
    base.mkdir(parents=True, exist_ok=True)
    now = time.time()
    run = base / f"run-{time.strftime('%Y%m%d-%H%M%S', time.localtime(now))}"
    if run.exists():  # a second run within the second: name it to the microsecond
        run = base / f"{run.name}.{int(now % 1 * 1e6):06d}"
    run.mkdir()
    latest = base / "latest"
    try:
        if latest.is_symlink() or latest.exists():
            latest.unlink()
        latest.symlink_to(run.name)
    except OSError:  # a file system without symbolic links: the summary names the folder anyway
        pass
    runs = sorted((p for p in base.glob("run-*") if p.is_dir()), key=lambda p: p.stat().st_mtime)
    for old in runs[:-keep]:
        shutil.rmtree(old, ignore_errors=True)
    return run


def run_folder(config: pytest.Config) -> Path:
    """This run's artifacts folder, made on the first call (by the fixture, or by a plugin that starts
    the training before the tests run) and the same for every later one."""
    run = config.stash.get(_USED, None)
    if run is not None:
        return run
    base = base_dir(config, config._tmp_path_factory)  # pytest's tmp_path_factory, set at configure time
    try:
        run = new_run(base)
    except OSError as exc:
        raise pytest.UsageError(f"cannot create the artifacts folder under {base}: {exc} (choose one with "
                                "--artifacts-dir)") from None
    config.stash[_USED] = run
    return run


@pytest.fixture(scope="session")
def artifacts_dir(pytestconfig: pytest.Config) -> Path:
    """This run's artifacts folder (named in the terminal summary)."""
    return run_folder(pytestconfig)


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    run = config.stash.get(_USED, None)
    if run is not None:
        terminalreporter.write_line(f"ARTIFACTS training results, confusion matrices and TensorBoard logs in {run} "
                                    f"(tensorboard --logdir {run})")
