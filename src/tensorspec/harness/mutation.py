"""Planted semantic changes ("mutants"), to prove that the specification notices a change.

A mutant is a function ``patch(mp: pytest.MonkeyPatch)`` that changes one behaviour (make
``torch.from_numpy`` copy, make ``squeeze`` drop only the first length-1 axis, ...), registered with
:func:`mutant` against the claim and the one statement of its truth that must then go red, in a
table ``tests/mutants/<table>.py``; its name is ``<table>.<function>``::

    @mutant("creation.from_numpy_shares", "shares_memory")
    def from_numpy_copies(mp):
        \"\"\"torch.from_numpy returns a copy.\"\"\"
        @wrap(mp, torch, "from_numpy")
        def from_numpy(orig, a):
            return orig(a).clone()

The self-check (:func:`run_mutants`, ``python -m tensorspec.harness.mutation``) runs the tests of each
mutant's statement with the change applied, every mutant in its own process, and requires the
statement to come out ``broken`` in the claims report: a mutant that survives is a change the spec
cannot see.
One parent process imports torch, NumPy, Hypothesis, TensorFlow and pytest once, maps each claim to
the spec files that test it (one collection, in a child), then forks a child per mutant, ``jobs`` at
a time.  The child applies the patch, runs ``pytest --claim ID`` on those files (derandomized:
Hypothesis profile ``ci``, ``-p no:randomly``, ``-x``), writes its claims report and exits.

One mutant inside an ordinary pytest run, to see its failures (the plugin is not loaded by default)::

    pytest spec -p tensorspec.harness.mutation --mutant creation.from_numpy_copies --claim creation.from_numpy_shares
"""
from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import os
import signal
import sys
import tempfile
import time
import traceback
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import pytest

from tensorspec.claims.markers import marked
from tensorspec.testing.tensorflow_compat import load_triton_before_tensorflow

Patch = Callable[[pytest.MonkeyPatch], None]

_TABLE_PACKAGE = "_tensorspec_mutants"  # the tables are imported as _tensorspec_mutants.<table>


@dataclass(frozen=True)
class Mutant:
    name: str  # "<table>.<function>", e.g. "creation.from_numpy_copies"
    claim: str  # the claim whose statement must go red
    description: str  # the function's docstring: the planted change
    patch: Patch = field(repr=False, compare=False)
    statement: str = ""  # the statement of the claim whose tests must go red ("" before statements)

    @property
    def selector(self) -> str:
        """What ``--claim`` selects: ``claim:statement`` (or the claim)."""
        return f"{self.claim}:{self.statement}" if self.statement else self.claim


#: every registered mutant by name, in definition order
REGISTRY: dict[str, Mutant] = {}


def mutant(claim: str, statement: str = ""):
    """Register a planted change against a claim's statement: the name is ``<table>.<function>``, the
    description the docstring.  The statement's tests are found by collection."""
    def register(patch: Patch) -> Patch:
        doc = " ".join((patch.__doc__ or "").split())
        if not doc:
            raise TypeError(f"mutant {patch.__name__}: the docstring must describe the planted change")
        name = f"{patch.__module__.rpartition('.')[2]}.{patch.__name__}"
        REGISTRY[name] = Mutant(name=name, claim=claim, description=doc, patch=patch, statement=statement)
        return patch
    return register


def wrap(mp: pytest.MonkeyPatch, owner, name: str):
    """Decorator: replace ``owner.name`` with the decorated ``fn(orig, *args, **kwargs)``, where
    ``orig`` is the original attribute (the patch is undone with ``mp``)."""
    orig = getattr(owner, name)

    def apply(fn):
        def patched(*args, **kwargs):
            return fn(orig, *args, **kwargs)
        patched.__name__ = getattr(orig, "__name__", name)
        mp.setattr(owner, name, patched)
        return patched
    return apply


def load_tables(folder: str | os.PathLike) -> list[Mutant]:
    """Import every table ``folder/*.py`` (once per process) and return their mutants."""
    names: list[str] = []
    for path in sorted(Path(folder).glob("*.py")):
        if path.name.startswith("_"):
            continue
        module_name = f"{_TABLE_PACKAGE}.{path.stem}"
        if module_name not in sys.modules:
            spec = importlib.util.spec_from_file_location(module_name, path)
            module = importlib.util.module_from_spec(spec)
            sys.modules[module_name] = module
            try:
                spec.loader.exec_module(module)
            except BaseException:
                del sys.modules[module_name]
                raise
        names.append(path.stem)
    return [m for m in REGISTRY.values() if m.name.partition(".")[0] in names]


def default_tables(root: str | os.PathLike) -> Path:
    return Path(root, "tests", "mutants")


def find(name: str, root: str | os.PathLike) -> Mutant:
    mutants = {m.name: m for m in load_tables(default_tables(root))}
    if name not in mutants:
        close = [n for n in mutants if name in n]
        hint = f"; did you mean {', '.join(close[:5])}?" if close else ""
        raise pytest.UsageError(f"--mutant {name}: no such mutant in {default_tables(root)}{hint}")
    return mutants[name]


# -- the pytest plugin: one mutant applied for a whole pytest run ---------------------------------

def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--mutant", metavar="TABLE.NAME", default=None,
                     help="apply a planted semantic change (tests/mutants/TABLE.py, function NAME) for the whole run")


_mp_key = pytest.StashKey[pytest.MonkeyPatch]()
_skip_key = pytest.StashKey[str]()


#: the Hypothesis profile of the self-check: ``ci`` (derandomized) without shrinking -- a kill needs a
#: failing example, not the smallest one
PROFILE = "mutants"


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    name = config.getoption("--mutant")
    if not name:
        return
    from hypothesis import Phase, settings

    settings.register_profile(PROFILE, settings.get_profile("ci"),
                              phases=[Phase.explicit, Phase.reuse, Phase.generate])
    m = find(name, config.rootpath)
    mp = pytest.MonkeyPatch()
    config.stash[_mp_key] = mp
    try:
        m.patch(mp)
    except pytest.skip.Exception as exc:  # e.g. importorskip("tensorflow"): the claim cannot be run here
        config.stash[_skip_key] = f"mutant {name} cannot be applied: {exc.msg}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    reason = config.stash.get(_skip_key, None)
    if reason:
        for item in items:
            item.add_marker(pytest.mark.skip(reason=reason))


def pytest_unconfigure(config: pytest.Config) -> None:
    mp = config.stash.get(_mp_key, None)
    if mp is not None:
        mp.undo()


def pytest_report_header(config: pytest.Config) -> str | None:
    name = config.getoption("--mutant")
    return f"MUTANT APPLIED: {name}" if name else None


# -- the self-check: one process per mutant, forked from a parent that has imported everything once --

KILLED, SURVIVED, NOT_RUN, TIMED_OUT, ERROR = "killed", "survived", "not run", "timed out", "error"


@dataclass
class Result:
    name: str
    claim: str
    description: str
    outcome: str  # KILLED, SURVIVED, NOT_RUN, TIMED_OUT or ERROR
    reason: str = ""  # why it could not run, or what went wrong
    tail: str = ""  # the end of the child's pytest output
    seconds: float = 0.0
    target: list[str] = field(default_factory=list)
    statement: str = ""


def count_line(killed: int, survived: int, could_not_run: int) -> str:
    total = killed + survived + could_not_run
    return (f"{killed} of {total} planted semantic changes killed by the spec, {survived} survived, "
            f"{could_not_run} could not run here")


def count(results: Iterable[Result]) -> str:
    outcomes = [r.outcome for r in results]
    killed, survived = outcomes.count(KILLED), outcomes.count(SURVIVED)
    return count_line(killed, survived, len(outcomes) - killed - survived)


def _preload() -> None:
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
    for optional in ("tensorflow", "torch.utils.tensorboard", "matplotlib.pyplot"):
        try:
            importlib.import_module(optional)
        except Exception:  # absent: the tests that need it skip with the reason in the child
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
          "-W", "ignore::pytest.PytestAssertRewriteWarning"]


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
    """Collect ``spec`` once, in a child, and map each claim to its spec files."""
    out, log = workdir / "claims-map.json", workdir / "collect.log"
    args = [spec, "--collect-only", *_QUIET, "--hypothesis-profile=ci", f"--basetemp={workdir / 'collect'}"]
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


def _verdict(m: Mutant, report: Path, status: int) -> tuple[str, str]:
    if not report.exists():
        how = f"killed by signal {-status}" if status < 0 else f"exit status {status}"
        return ERROR, f"the run wrote no claims report ({how})"
    claim = next((c for c in json.loads(report.read_text())["claims"] if c["id"] == m.claim), None)
    if claim is None:
        return ERROR, f"claim {m.claim} is not in the claims report"
    if m.statement:
        claim = next((s for s in claim.get("statements", ()) if s["id"] == m.statement), None)
        if claim is None:
            return ERROR, f"statement {m.selector} is not in the claims report"
    if claim["status"] == "broken":
        return KILLED, ""
    if claim["status"] == "verified":
        return SURVIVED, f"{m.selector} is still verified with the change applied"
    if claim["status"] == "not run":
        return NOT_RUN, f"the tests of {m.selector} did not run: " + "; ".join(claim["skip_reasons"])
    return ERROR, f"{m.selector} is {claim['status']!r}: no test of it ran"


def run_mutants(mutants: list[Mutant], root: str | os.PathLike, *, jobs: int = 2, timeout: float = 300.0,
                workdir: str | os.PathLike | None = None,
                progress: Callable[[Result], None] | None = None) -> list[Result]:
    """Run each mutant in its own forked process, ``jobs`` at a time; return the results in order."""
    root = Path(root).resolve()
    workdir = Path(workdir or tempfile.mkdtemp(prefix="tensorspec-mutants-"))
    workdir.mkdir(parents=True, exist_ok=True)
    _preload()
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
                args = [*paths, *extra, "-p", "tensorspec.harness.mutation", f"--mutant={m.name}",
                        f"--claim={m.selector}", "-x", *_QUIET, f"--hypothesis-profile={PROFILE}",
                        f"--claims-report={d / 'claims.json'}", f"--basetemp={d / 'tmp'}"]
                pid = _fork(lambda args=args: int(pytest.main(args)), d / "pytest.log", root)
                running[pid] = (m, time.monotonic(), d)
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid in running:
                m, start, d = running.pop(pid)
                finish(m, start, d, *_verdict(m, d / "claims.json", os.waitstatus_to_exitcode(status)))
                continue
            for pid, (m, start, d) in list(running.items()):
                if time.monotonic() - start > timeout:
                    os.killpg(pid, signal.SIGKILL)
                    os.waitpid(pid, 0)
                    del running[pid]
                    finish(m, start, d, TIMED_OUT,
                           f"timed out after {timeout:.0f} s (killed); give it longer with --timeout")
            time.sleep(0.05)
    finally:
        for pid in running:  # interrupted: leave no child behind
            try:
                os.killpg(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
    return [results[m.name] for m in mutants]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tensorspec.harness.mutation",
        description="The mutation self-check: every planted change in tests/mutants must break its claim.")
    parser.add_argument("names", nargs="*", metavar="TABLE.NAME", help="only these mutants (default: all)")
    parser.add_argument("--root", default=".", help="the project root (default: the current folder)")
    parser.add_argument("--jobs", type=int, default=2, help="mutants run at a time (default 2)")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per mutant before it is killed")
    parser.add_argument("--json", metavar="PATH", help="write the results here")
    parser.add_argument("--workdir", metavar="DIR", help="where the children write (default: a new temp folder)")
    args = parser.parse_args(argv)
    root = Path(args.root).resolve()
    mutants = load_tables(default_tables(root))
    if args.names:
        unknown = [n for n in args.names if n not in REGISTRY]
        if unknown:
            parser.error(f"no such mutant: {', '.join(unknown)}")
        mutants = [m for m in mutants if m.name in args.names]
    start = time.monotonic()

    def progress(r: Result) -> None:
        print(f"{r.outcome.upper():9} {r.name} [{r.claim}{':' + r.statement if r.statement else ''}] {r.seconds:.1f} s"
              + (f": {r.reason}" if r.reason else ""), file=sys.stderr, flush=True)

    results = run_mutants(mutants, root, jobs=args.jobs, timeout=args.timeout, workdir=args.workdir,
                          progress=progress)
    for r in results:
        if r.outcome in (SURVIVED, ERROR):
            print(f"\n{r.outcome.upper()}: {r.name} ({r.description}): {r.reason}\n{r.tail}", file=sys.stderr)
    line = count(results)
    print(f"{line} ({time.monotonic() - start:.0f} s, {args.jobs} at a time)", file=sys.stderr)
    if args.json:
        Path(args.json).write_text(json.dumps({"count": line, "results": [asdict(r) for r in results]}, indent=1))
    return 1 if any(r.outcome in (SURVIVED, ERROR) for r in results) else 0


if __name__ == "__main__":
    # run the imported module's main, so that the tables register where the plugin looks
    from tensorspec.harness.mutation import main as _main

    sys.exit(_main())
