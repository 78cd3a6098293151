"""The pool: one parent imports everything once, maps statements to spec files, and forks a child per
planted change, ``jobs`` at a time; each child applies its change and runs its statement's tests."""
from __future__ import annotations

import gc
import json
import os
import signal
import sys
import tempfile
import time
import traceback
import warnings
from pathlib import Path
from typing import Callable

import pytest

from tensorspec.claims.markers import marked
from tensorspec.harness.mutation.plugin import PROFILE
from tensorspec.harness.mutation.registry import Mutant
from tensorspec.harness.mutation.results import ERROR, TIMED_OUT, Result, verdict
from tensorspec.testing.tensorflow_compat import load_triton_before_tensorflow

#: modules torch, TensorBoard and the tools import lazily on first use (measured: ~900 of them in a run of
#: the spec, ~1 s per child): imported once in the parent instead of in every child
LAZY = ("sympy", "torch.fx.experimental.symbolic_shapes", "torch.distributed.tensor", "torch._dynamo",
        "torch.testing._comparison", "torch.nn.utils", "torch.onnx", "torch.utils.data", "numpy.testing",
        "hypothesis.extra.numpy", "matplotlib.backends.backend_agg", "tensorboard.backend.event_processing",
        "tensorboard.plugins.hparams.summary_v2", "PIL.Image")


def _preload(root: Path) -> None:
    """Import, in the parent, what every child would otherwise import again (no torch op runs here:
    a fork after OpenMP or TensorFlow threads started could deadlock)."""
    import importlib.metadata

    import hypothesis  # noqa: F401
    import numpy  # noqa: F401
    import torch  # noqa: F401
    import torch.nn  # noqa: F401
    import torch.utils.data  # noqa: F401
    for ep in importlib.metadata.entry_points(group="pytest11"):
        try:
            ep.load()
        except Exception:  # a broken third-party plugin is pytest's business in the child
            pass
    load_triton_before_tensorflow()
    for optional in ("tensorflow", "torch.utils.tensorboard", "matplotlib.pyplot", *LAZY):
        try:
            importlib.import_module(optional)
        except Exception:  # absent: the tests that need it skip with the reason in the child
            pass
    try:  # the catalog, parsed once here (Catalog.load caches by file and modification time)
        from tensorspec.claims.catalog import Catalog

        Catalog.load(root / "spec" / "claims.toml")
    except Exception:  # the children report a broken catalog themselves
        pass
    try:  # Hypothesis scans every loaded module for constants once per process: here, not in each child
        from hypothesis.errors import HypothesisSideeffectWarning
        from hypothesis.internal.conjecture.providers import _get_local_constants

        with warnings.catch_warnings():  # outside pytest Hypothesis takes this for plugin start-up code
            warnings.simplefilter("ignore", HypothesisSideeffectWarning)
            _get_local_constants()
    except (ImportError, AttributeError):  # a Hypothesis without it, or renamed: each child scans
        pass
    gc.collect()
    gc.freeze()  # what the parent holds is never scanned (nor copied) by the children's collector


def _child_setup(log: Path, root: Path) -> None:
    os.setpgid(0, 0)  # its own process group: a timeout kills it with its DataLoader workers
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)
    os.chdir(root)
    # one thread each: two children share the cores, and spinning OpenMP threads would slow both
    os.environ["TENSORSPEC_TRAIN_THREADS"] = "1"
    os.environ["TENSORSPEC_TRAIN_PROCESSES"] = "0"  # train in this process, where the planted change is
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # with _PLUGINS
    import torch

    torch.set_num_threads(1)
    if "tensorflow" in sys.modules:
        tf = sys.modules["tensorflow"]
        try:
            tf.config.threading.set_intra_op_parallelism_threads(1)
            tf.config.threading.set_inter_op_parallelism_threads(1)
        except Exception:
            pass


def _fork(work: Callable[[], int], log: Path, root: Path) -> int:
    """Fork a child that runs ``work`` (its output into ``log``) and exits with its status."""
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid:
        return pid
    status = 70
    try:
        _child_setup(log, root)
        status = work()
    except BaseException:
        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(status)


# derandomized, no cache written, no gc sweeps over the parent's heap at exit, no warning that the
# preloaded plugins were imported before pytest could rewrite their asserts
_QUIET = ["-q", "-p", "no:cacheprovider", "-p", "no:randomly", "-p", "no:unraisableexception",
          "-p", "no:xdist", "-p", "no:benchmark", "-W", "ignore::pytest.PytestAssertRewriteWarning"]
# no plugin discovery through the installed packages' entry points (reading their metadata costs
# ~0.05 s per child): the spec needs Hypothesis's plugin only
_PLUGINS = ["-p", "_hypothesis_pytestplugin"]
# a child's failure needs no traceback (its verdict is read from the claims report; the tail shown for a
# survivor is a passing run's): formatting one costs a tenth of a second
_CHILD = ["--tb=line"]


class ClaimMap:
    """A collection-only plugin: for every claim and every ``claim:statement``, the spec files that
    test it (quick and slow)."""

    def __init__(self, out: Path):
        self.out = out

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        claims: dict[str, dict[str, list[str]]] = {}
        for item in items:
            kind = "slow" if item.get_closest_marker("slow") else "quick"
            path = item.path.relative_to(item.config.rootpath).as_posix()
            named, _ = marked(m.args for m in item.iter_markers("claim"))
            for key in [*named, *(f"{cid}:{sid}" for cid, sids in named.items() for sid in sids)]:
                files = claims.setdefault(key, {"quick": [], "slow": []})[kind]
                if path not in files:
                    files.append(path)
        self.out.write_text(json.dumps(claims))


def claim_map(root: Path, workdir: Path, spec: str = "spec") -> dict[str, dict[str, list[str]]]:
    """Collect ``spec`` once, in a child, and map each claim to its spec files.  (Not in this process:
    a child must import the spec modules after its change is planted, since a module may keep a
    reference to the function the change replaces.)"""
    out, log = workdir / "claims-map.json", workdir / "collect.log"
    args = [spec, "--collect-only", *_QUIET, *_PLUGINS, "--hypothesis-profile=ci", f"--basetemp={workdir / 'collect'}"]
    pid = _fork(lambda: pytest.main(args, plugins=[ClaimMap(out)]), log, root)
    _, status = os.waitpid(pid, 0)
    if not out.exists():
        tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
        raise RuntimeError(f"collecting {spec} to map claims to tests failed (status {status}):\n{tail}")
    return json.loads(out.read_text())


def _target(m: Mutant, claims: dict) -> tuple[list[str], list[str]]:
    """The paths to run and any extra options: a statement with quick tests is checked by them (``-m
    'not slow'``); only a statement tested by slow tests alone runs those."""
    files = claims.get(m.selector, {"quick": [], "slow": []})
    if files["quick"]:
        return files["quick"], ["-m", "not slow"]
    return files["slow"], []


def run_mutants(mutants: list[Mutant], root: str | os.PathLike, *, jobs: int = 2, timeout: float = 300.0,
                workdir: str | os.PathLike | None = None,
                progress: Callable[[Result], None] | None = None) -> list[Result]:
    """Run each mutant in its own forked process, ``jobs`` at a time; return the results in order."""
    root = Path(root).resolve()
    workdir = Path(workdir or tempfile.mkdtemp(prefix="tensorspec-mutants-"))
    workdir.mkdir(parents=True, exist_ok=True)
    _preload(root)
    claims = claim_map(root, workdir)
    plans = {m.name: _target(m, claims) for m in mutants}
    # the mutants that train (a claim tested only by slow tests) first, while the quick ones fill in
    queue = sorted(mutants, key=lambda m: not (plans[m.name][0] and not plans[m.name][1]))
    running: dict[int, tuple[Mutant, float, Path]] = {}
    results: dict[str, Result] = {}

    def finish(m: Mutant, start: float, d: Path, outcome: str, reason: str) -> None:
        log = d / "pytest.log"
        tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
        r = Result(m.name, m.claim, m.description, outcome, reason, tail, round(time.monotonic() - start, 1),
                   plans[m.name][0], m.statement)
        results[m.name] = r
        if progress:
            progress(r)

    try:
        while queue or running:
            while queue and len(running) < jobs:
                m = queue.pop(0)
                paths, extra = plans[m.name]
                d = workdir / m.name
                d.mkdir(exist_ok=True)
                if not paths:
                    finish(m, time.monotonic(), d, ERROR, f"no spec test is tied to {m.selector}")
                    continue
                args = [*paths, *extra, "-p", "tensorspec.harness.mutation.plugin", f"--mutant={m.name}",
                        f"--claim={m.selector}", "-x", *_QUIET, *_PLUGINS, *_CHILD, f"--hypothesis-profile={PROFILE}",
                        f"--claims-report={d / 'claims.json'}", f"--basetemp={d / 'tmp'}"]
                pid = _fork(lambda args=args: int(pytest.main(args)), d / "pytest.log", root)
                running[pid] = (m, time.monotonic(), d)
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid in running:
                m, start, d = running.pop(pid)
                finish(m, start, d, *verdict(m, d / "claims.json", os.waitstatus_to_exitcode(status)))
                continue
            for pid, (m, start, d) in list(running.items()):
                if time.monotonic() - start > timeout:
                    os.killpg(pid, signal.SIGKILL)
                    os.waitpid(pid, 0)
                    del running[pid]
                    finish(m, start, d, TIMED_OUT,
                           f"timed out after {timeout:.0f} s (killed); give it longer with --mutant-timeout "
                           "(python -m tensorspec.harness.mutation: --timeout)")
            time.sleep(0.005)  # a finished child is replaced within 5 ms (the loop itself costs microseconds)
    finally:
        for pid in running:  # interrupted: leave no child behind
            try:
                os.killpg(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
    return [results[m.name] for m in mutants]
