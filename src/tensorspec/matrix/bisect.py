"""``tensorspec bisect``: the first release that behaves the new way, found by binary search over releases.

A ``[[claim.differs]]`` table says a truth holds ``when = ["torch<2.9"]``; the release matrix checks
only some releases (the latest patch of each minor), so the boundary may be any release between the
last one seen behaving the old way and the first one seen behaving the new way.  ``bisect`` lists the
published releases between the two (patch releases included), builds a throwaway uv environment per
probed release (that release pinned, with a NumPy it supports, TensorFlow only where the claim's tests
need it), runs only the claim's tests there, and halves the range until two neighbouring releases
remain::

    tensorspec bisect train.zero_grad                            # every differs of the claim
    tensorspec bisect zero_grad_fills_zeros --good 1.13.1 --bad 2.0.1
    tensorspec bisect reduce.std:std_few_elements_no_warning --good 1.13.1 --bad 2.2.0
    tensorspec bisect cat_empty_runtime_error unpack_overflow_runtime_error    # several, probes shared
    tensorspec bisect --package numpy --pin torch==1.13.1 add_histogram_fails_with_numpy --good 1.24.4 --bad 1.26.4
    tensorspec bisect --package torch --good 2.1.2 --bad 2.3.1 --list          # just the releases
    tensorspec bisect elementwise.neg_bool --dry-run                            # the plan, nothing built

What a release does is read from the tests themselves.  For a differs target the claim's tests run
twice, with ``differs(name)`` forced to True and then to False (``TENSORSPEC_ASSUME_DIFFERS``): the
run that passes says which truth the release has ("differs": the range's truth, "truth": the
catalog's main truth); tests failing either way are not about the range and are named only.  Where
both pass the release cannot be told (skipped), unless ``--both-pass truth``: for a range whose test
accepts either behaviour where an old release lacks something (``call_unless_missing``: raise for want
of a kernel, or compute) the catalog's truth passing is what tells the new release.  Hypothesis
examples may miss a difference: ``--hypothesis-profile thorough`` draws many more.  For a claim without a differs name the status of the catalog's truth is read
("verified" or "broken"), as in a regression hunt.  A release where neither or both pass is skipped
(like ``git bisect skip``) and named in the result.

Without ``--good``/``--bad`` the ends come from the committed claims reports (``reports/*.json``):
the two neighbouring releases where the claim was verified and the catalog's range says the behaviour
changes.  The behaviour at the ends is what the catalog's range predicts there (``--verify-ends``
probes them too).  Several targets share their probes: each release built is asked every question
whose open range contains it, and each environment is built once per run (``--cache-dir``), then
removed, with its uv cache, unless ``--keep``.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from packaging.requirements import Requirement
from packaging.version import InvalidVersion, Version

from tensorspec.claims.catalog import Catalog, CatalogError

PACKAGES = ("torch", "numpy", "tensorflow")
DISTRIBUTION = {"torch": "torch", "numpy": "numpy", "tensorflow": "tensorflow-cpu"}
DIFFERS, TRUTH, VERIFIED, BROKEN, UNCLEAR = "differs", "truth", "verified", "broken", "unclear"

# The NumPy a torch release is built for and tested with: torch < 2.3 needs NumPy 1.x; the rest as in
# the release matrix (noxfile.py).  (first torch release, numpy), newest first.
NUMPY_FOR_TORCH = [("2.9", "2.4.6"), ("2.8", "2.3.5"), ("2.7", "2.2.6"), ("2.5", "2.1.3"), ("2.3", "2.0.2"),
                   ("0", "1.26.4")]
DEFAULT_TORCH = "2.13.0"  # when NumPy or TensorFlow is bisected: the pinned CPU build (/opt/wheels)


class BisectError(ValueError):
    """What the command cannot do, in words (the CLI prints it and exits 2)."""


# ---- releases ------------------------------------------------------------------------------------

def parse_index_versions(text: str) -> list[Version]:
    """The versions of ``pip index versions PKG`` output ("Available versions: 2.1.0, 2.0.1, ...")."""
    for line in text.splitlines():
        if line.strip().startswith("Available versions:"):
            return [Version(v.strip()) for v in line.split(":", 1)[1].split(",") if v.strip()]
    raise BisectError("no 'Available versions:' line in the output of pip index versions")


def final_releases(versions: Iterable[Version | str]) -> list[Version]:
    """Published final releases, ascending: no pre-, dev- or post-release, local builds (2.13.0+cpu)
    counted once as their public version."""
    out = set()
    for v in versions:
        try:
            v = Version(str(v))
        except InvalidVersion:
            continue
        if v.is_prerelease or v.is_devrelease or v.is_postrelease:
            continue
        out.add(Version(v.public))
    return sorted(out)


def pip_index_versions(package: str) -> str:
    dist = DISTRIBUTION[package]
    proc = subprocess.run([sys.executable, "-m", "pip", "index", "versions", dist], capture_output=True,
                          text=True, timeout=180)
    if proc.returncode:
        raise BisectError(f"pip index versions {dist} failed: {proc.stderr.strip()[-500:]}")
    return proc.stdout


def list_releases(package: str, lister: Callable[[str], str] | None = None) -> list[Version]:
    """Every final release of ``package`` the index offers (for this Python), ascending."""
    return final_releases(parse_index_versions((lister or pip_index_versions)(package)))


def releases_between(releases: list[Version], good: Version, bad: Version) -> list[Version]:
    """The releases from ``good`` to ``bad``, both included; each end must be a published release."""
    for end, what in ((good, "--good"), (bad, "--bad")):
        if end not in releases:
            near = ", ".join(str(r) for r in releases if r.release[:2] == end.release[:2]) or "none"
            raise BisectError(f"{what} {end} is not a published release (that minor: {near})")
    if not good < bad:
        raise BisectError(f"--good {good} must be an older release than --bad {bad}")
    return [r for r in releases if good <= r <= bad]


# ---- targets -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Target:
    claim: str
    differs: str | None = None  # None: the claim's status (verified / broken) is bisected

    @property
    def label(self) -> str:
        return f"{self.claim}:{self.differs}" if self.differs else self.claim

    @property
    def states(self) -> tuple[str, str]:
        return (DIFFERS, TRUTH) if self.differs else (VERIFIED, BROKEN)


def resolve_targets(catalog: Catalog, specs: list[str]) -> list[Target]:
    """``claim``, ``claim:differs`` or ``differs`` -> targets.  A claim with differs tables stands for
    each of them; one without stands for its status."""
    out: list[Target] = []
    for spec in specs:
        claim_id, _, name = spec.partition(":")
        if name:
            try:
                owner, _ = catalog.difference(name)
            except KeyError as exc:
                raise BisectError(exc.args[0]) from None
            if owner.id != claim_id:
                raise BisectError(f"{spec}: the differs {name!r} belongs to {owner.id}, not {claim_id}")
            out.append(Target(claim_id, name))
        elif claim_id in catalog:
            claim = catalog[claim_id]
            out += [Target(claim.id, d.name) for d in claim.differs] or [Target(claim.id)]
        elif claim_id in catalog.differences:
            out.append(Target(catalog.differences[claim_id][0].id, claim_id))
        else:
            raise BisectError(f"{spec}: neither a claim ID nor a [[claim.differs]] name; "
                              + catalog.unknown_message(claim_id))
    return list(dict.fromkeys(out))


def package_requirements(catalog: Catalog, target: Target, package: str) -> list[Requirement]:
    if not target.differs:
        return []
    return [r for r in catalog.difference(target.differs)[1].when if r.name == package]


def predicted(catalog: Catalog, target: Target, package: str, version: Version) -> str | None:
    """The behaviour the catalog's range says ``version`` of ``package`` has (other packages' terms
    assumed met); None where the catalog cannot say (a claim target, or a range on another package)."""
    reqs = package_requirements(catalog, target, package)
    if not reqs:
        return None
    return DIFFERS if all(r.specifier.contains(version, prereleases=True) for r in reqs) else TRUTH


def ends_from_reports(catalog: Catalog, target: Target, package: str, reports: list[dict]) -> tuple[Version, Version]:
    """The neighbouring releases, among those whose committed report verified the claim, where the
    catalog's range changes: the last seen the old way and the first seen the new way."""
    seen = set()
    for report in reports:
        version = (report.get("versions") or {}).get(package)
        status = next((c.get("status") for c in report.get("claims", ()) if c.get("id") == target.claim), None)
        if version and status == VERIFIED:
            seen.add(Version(Version(str(version)).public))
    ordered = sorted(seen)
    pairs = [(a, b) for a, b in zip(ordered, ordered[1:])
             if predicted(catalog, target, package, a) != predicted(catalog, target, package, b)]
    if len(pairs) != 1 or predicted(catalog, target, package, ordered[0]) is None:
        raise BisectError(f"{target.label}: the reports do not give one boundary on {package} "
                          f"({len(pairs)} found among {', '.join(map(str, ordered)) or 'no verified release'}); "
                          "name the ends with --good and --bad")
    return pairs[0]


def load_reports(folder: Path) -> list[dict]:
    out = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else ():
        try:
            out.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue
    return out


# ---- the search ----------------------------------------------------------------------------------

@dataclass
class Observation:
    state: str  # DIFFERS / TRUTH, VERIFIED / BROKEN, or UNCLEAR
    detail: str = ""
    seconds: float = 0.0


@dataclass
class Search:
    """One target's binary search over ``releases``: ``lo`` behaves the old way, ``hi`` the new way."""
    target: Target
    releases: list[Version]
    lo: int
    hi: int
    old: str
    new: str
    probed: dict[Version, Observation] = field(default_factory=dict)
    skipped: set[int] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)

    def candidates(self) -> list[int]:
        return [i for i in range(self.lo + 1, self.hi) if i not in self.skipped]

    @property
    def done(self) -> bool:
        return not self.candidates()

    def midpoint(self) -> Version:
        c = self.candidates()
        return self.releases[c[(len(c) - 1) // 2]]

    def wants(self, version: Version) -> bool:
        return version in self.releases and self.releases.index(version) in self.candidates()

    def record(self, version: Version, obs: Observation) -> None:
        i = self.releases.index(version)
        self.probed[version] = obs
        if obs.state == self.old:
            if i >= self.hi:
                self.warnings.append(f"{version} behaves the old way after {self.releases[self.hi]} behaved the new way")
            self.lo = max(self.lo, i) if i < self.hi else self.lo
        elif obs.state == self.new:
            if i <= self.lo:
                self.warnings.append(f"{version} behaves the new way before {self.releases[self.lo]} behaved the old way")
            self.hi = min(self.hi, i) if i > self.lo else self.hi
        else:
            self.skipped.add(i)

    @property
    def first_new(self) -> Version:
        return self.releases[self.hi]

    @property
    def last_old(self) -> Version:
        return self.releases[self.lo]

    @property
    def unresolved(self) -> list[Version]:
        """Skipped releases between the last old and the first new one: any of them may be the first."""
        return [self.releases[i] for i in sorted(self.skipped) if self.lo < i < self.hi]


Probe = Callable[[Version, list[Target]], dict[str, Observation]]


def next_release(searches: list[Search], prefer: Callable[[Version], bool] = lambda v: False) -> Version | None:
    """The release to build next: the midpoint most searches ask for (one already built first, then the
    oldest)."""
    votes = Counter(s.midpoint() for s in searches if not s.done)
    if not votes:
        return None
    return min(votes, key=lambda v: (-votes[v], not prefer(v), v))


def run_searches(searches: list[Search], probe: Probe, log: Callable[[str], None] = print,
                 prefer: Callable[[Version], bool] = lambda v: False, after: Callable[[], None] = lambda: None) -> None:
    """Probe releases until every search has two neighbouring releases (or only skipped ones between)."""
    step = 0
    while (version := next_release(searches, prefer)) is not None:
        step += 1
        asking = [s for s in searches if not s.done and s.wants(version)]
        left = sum(len(s.candidates()) for s in searches if not s.done)
        log(f"[probe {step}] {version}: {len(asking)} question(s), {left} candidate release(s) open")
        found = probe(version, [s.target for s in asking])
        for s in asking:
            s.record(version, found.get(s.target.label, Observation(UNCLEAR, "no answer")))
        after()


# ---- environments and runs -----------------------------------------------------------------------

def numpy_for_torch(torch: Version) -> str:
    return next(np for first, np in NUMPY_FOR_TORCH if torch >= Version(first))


def tensorflow_for_numpy(numpy: Version) -> str:
    """TensorFlow 2.18 needs NumPy < 2.1; 2.21 takes 1.26 and 2.x."""
    return "2.18.1" if Version("2.0") <= numpy < Version("2.1") else "2.21.0"


def pins_for(package: str, version: Version, extra: dict[str, str]) -> dict[str, str]:
    """torch, numpy (and tensorflow when it is the package bisected) for one probed release."""
    pins = dict(extra)
    pins[package] = str(version)
    pins.setdefault("torch", DEFAULT_TORCH)
    pins.setdefault("numpy", numpy_for_torch(Version(pins["torch"])))
    return pins


def base_requirements(root: Path) -> list[str]:
    """pyproject's dependencies without torch, NumPy and TensorFlow (those are pinned per release)."""
    deps = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    return [d for d in deps if Requirement(d).name not in ("torch", "numpy", "tensorflow", "tensorflow-cpu")]


def spec_files(root: Path, claim: str) -> list[str]:
    """The spec modules that name the claim (its tests), so that only they are collected."""
    files = [str(p.relative_to(root)) for p in sorted((root / "spec").rglob("test_*.py"))
             if f'"{claim}"' in p.read_text(encoding="utf-8")]
    return files or ["spec"]


def read_by_tests(root: Path, name: str) -> bool:
    """Does any test (spec/) or helper (src/) name the differs, so that forcing it changes a run?"""
    files = [*(root / "spec").rglob("*.py"), *(root / "src").rglob("*.py")]
    return any(f'"{name}"' in p.read_text(encoding="utf-8") for p in files if p.name != "bisect.py")


def _fmt(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.1f} min"


class UvProbe:
    """Builds one uv environment per release (reused within the run) and runs a claim's tests there."""

    def __init__(self, root: Path, package: str, pins: dict[str, str], cache_dir: Path, *, python: str = "3.11",
                 keep: bool = False, tensorflow: str = "auto", max_envs: int = 1, timeout: float = 900,
                 min_free_gb: float = 20, both_pass: str = UNCLEAR, hypothesis_profile: str | None = None,
                 log: Callable[[str], None] = print):
        self.root, self.package, self.pins, self.cache_dir = root, package, pins, cache_dir
        self.python, self.keep, self.tensorflow, self.max_envs = python, keep, tensorflow, max_envs
        self.timeout, self.min_free_gb, self.log = timeout, min_free_gb, log
        self.both_pass, self.hypothesis_profile = both_pass, hypothesis_profile
        self.uv = shutil.which("uv") or str(Path(sys.executable).with_name("uv"))
        self.created: list[Path] = []  # this run's environments, least recently used first
        self.uv_cache = cache_dir / "uv-cache"
        self.built_seconds = 0.0

    # environments
    def env_dir(self, version: Version) -> Path:
        pins = pins_for(self.package, version, self.pins)
        return self.cache_dir / (f"py{self.python}_" + "_".join(f"{k}-{pins[k]}" for k in sorted(pins)))

    def has_env(self, version: Version) -> bool:
        return (self.env_dir(version) / "tensorspec-env.json").is_file()

    def _uv(self, *args: str) -> None:
        env = dict(os.environ, UV_CACHE_DIR=str(self.uv_cache))
        env.pop("VIRTUAL_ENV", None)
        proc = subprocess.run([self.uv, *args], capture_output=True, text=True, env=env)
        if proc.returncode:
            raise BisectError(f"uv {' '.join(args[:2])} failed: {proc.stderr.strip()[-1500:]}")

    def ensure(self, version: Version) -> Path:
        path = self.env_dir(version)
        if (path / "tensorspec-env.json").is_file():
            if path in self.created:
                self.created.remove(path)
                self.created.append(path)
            self.log(f"  reusing {path.name}")
            return path
        while len(self.created) >= self.max_envs:
            self.remove(self.created.pop(0))
        free = shutil.disk_usage(self.cache_dir if self.cache_dir.exists() else self.cache_dir.parent).free / 2**30
        if free < self.min_free_gb:
            raise BisectError(f"only {free:.0f} GiB free under {self.cache_dir} (--min-free-gb {self.min_free_gb:g})")
        pins = pins_for(self.package, version, self.pins)
        tf = pins.pop("tensorflow", None) if self.tensorflow == "auto" else self._tf(pins)
        start = time.monotonic()
        shutil.rmtree(path, ignore_errors=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.created.append(path)
        self._uv("venv", "--quiet", "--python", self.python, str(path))
        wheels = ["--find-links", "/opt/wheels"] if Path("/opt/wheels").is_dir() else []
        reqs = [f"{DISTRIBUTION[k]}=={v}" for k, v in sorted(pins.items())] + ([f"tensorflow-cpu=={tf}"] if tf else [])
        self._uv("pip", "install", "--quiet", "--python", str(path / "bin" / "python"), *wheels, *reqs,
                 *base_requirements(self.root))
        (path / "tensorspec-env.json").write_text(json.dumps({"pins": pins, "tensorflow": tf}), encoding="utf-8")
        took = time.monotonic() - start
        self.built_seconds += took
        self.log(f"  built {path.name} ({', '.join(reqs)}) in {_fmt(took)}")
        return path

    def _tf(self, pins: dict[str, str]) -> str | None:
        if self.tensorflow == "none":
            return None
        return pins.pop("tensorflow", None) or (
            tensorflow_for_numpy(Version(pins["numpy"])) if self.tensorflow in ("auto", "yes") else self.tensorflow)

    def add_tensorflow(self, path: Path) -> None:
        meta = json.loads((path / "tensorspec-env.json").read_text(encoding="utf-8"))
        tf = self.pins.get("tensorflow") or tensorflow_for_numpy(Version(meta["pins"]["numpy"]))
        start = time.monotonic()
        self._uv("pip", "install", "--quiet", "--python", str(path / "bin" / "python"),
                 f"numpy=={meta['pins']['numpy']}", f"tensorflow-cpu=={tf}")
        meta["tensorflow"] = tf
        (path / "tensorspec-env.json").write_text(json.dumps(meta), encoding="utf-8")
        self.built_seconds += time.monotonic() - start
        self.log(f"  added tensorflow-cpu=={tf} in {_fmt(time.monotonic() - start)}")

    def remove(self, path: Path) -> None:
        shutil.rmtree(path, ignore_errors=True)
        self.log(f"  removed {path.name}")

    def close(self) -> None:
        if self.keep:
            return
        for path in self.created:
            self.remove(path)
        self.created.clear()
        shutil.rmtree(self.uv_cache, ignore_errors=True)

    # runs
    def pytest(self, path: Path, target: Target, assume: bool | None) -> dict:
        report = path / f"report-{os.getpid()}.json"
        report.unlink(missing_ok=True)
        env = dict(os.environ, MPLBACKEND="Agg", OMP_NUM_THREADS=os.environ.get("OMP_NUM_THREADS", "1"),
                   PYTHONPATH=str(self.root / "src"), PYTHONDONTWRITEBYTECODE="1")
        env.pop("VIRTUAL_ENV", None)
        env.pop("TENSORSPEC_ASSUME_DIFFERS", None)
        if self.hypothesis_profile:
            env["TENSORSPEC_HYPOTHESIS_PROFILE"] = self.hypothesis_profile
        if assume is not None:
            env["TENSORSPEC_ASSUME_DIFFERS"] = f"{target.differs}={'true' if assume else 'false'}"
        cmd = [str(path / "bin" / "python"), "-m", "pytest", *spec_files(self.root, target.claim), "--claim",
               target.claim, "-m", "not slow", "-p", "no:randomly", "-p", "no:cacheprovider", "-q",
               f"--claims-report={report}"]
        try:
            proc = subprocess.run(cmd, cwd=self.root, env=env, capture_output=True, text=True, timeout=self.timeout)
            tail, rc = (proc.stdout + proc.stderr)[-1500:], proc.returncode
        except subprocess.TimeoutExpired:
            return {"status": "timeout", "passed": 0, "failed": 0, "skip_reasons": [], "failed_tests": [], "tail": ""}
        try:
            data = json.loads(report.read_text(encoding="utf-8"))
            claim = next(c for c in data["claims"] if c["id"] == target.claim)
        except (OSError, ValueError, StopIteration):
            claim = {"status": f"pytest exit {rc}", "passed": 0, "failed": 0}
        claim["tail"] = tail
        return claim

    def __call__(self, version: Version, targets: list[Target]) -> dict[str, Observation]:
        path = self.ensure(version)
        out = {}
        for target in targets:
            start = time.monotonic()
            obs = self.observe(path, target)
            obs.seconds = time.monotonic() - start
            self.log(f"  {self.package} {version}  {target.label}: {obs.state} ({obs.detail}; {_fmt(obs.seconds)})")
            out[target.label] = obs
        return out

    def observe(self, path: Path, target: Target) -> Observation:
        runs = [(mode, self.pytest(path, target, mode)) for mode in ((True, False) if target.differs else (None,))]
        if self.tensorflow == "auto" and any(_needs_tensorflow(r) for _, r in runs):
            self.add_tensorflow(path)
            runs = [(mode, self.pytest(path, target, mode)) for mode, _ in runs]
        return classify(target, dict(runs), self.both_pass)


def _needs_tensorflow(result: dict) -> bool:
    return any("tensorflow" in r.lower() for r in result.get("skip_reasons", ()))


def classify(target: Target, runs: dict, both_pass: str = UNCLEAR) -> Observation:
    """Which behaviour the runs show.  ``runs`` maps the forced answer of ``differs`` (True, False; None
    for a claim target) to the claim's entry in the claims report."""
    def ran(r):
        return r.get("passed", 0) + r.get("failed", 0)

    def words(r):
        reasons = "; ".join(r.get("skip_reasons", ())[:2])
        return f"{r.get('status')}, {r.get('passed', 0)} passed, {r.get('failed', 0)} failed" + (
            f", skipped: {reasons}" if reasons and not ran(r) else "")

    if not target.differs:
        r = runs[None]
        state = r.get("status") if r.get("status") in (VERIFIED, BROKEN) else UNCLEAR
        return Observation(state, words(r) + ("" if state != UNCLEAR else f"; {r.get('tail', '')[-300:]}"))
    t, f = runs[True], runs[False]
    detail = f"differs forced True: {words(t)} | False: {words(f)}"
    if not ran(t) or not ran(f):
        return Observation(UNCLEAR, detail + f"; {(t if not ran(t) else f).get('tail', '')[-300:]}")
    tf_, ff = set(t.get("failed_tests", ())), set(f.get("failed_tests", ()))
    common = tf_ & ff  # failing whatever differs() answers: not about this range (named in the detail)
    if common:
        detail += f"; failing either way: {', '.join(sorted(common))}"
    only_t, only_f = tf_ - common, ff - common
    if not only_t and only_f:
        return Observation(DIFFERS, detail)
    if only_t and not only_f:
        return Observation(TRUTH, detail)
    if not only_t and not only_f:
        # Either the examples drawn never reached the difference, or the range's test accepts either
        # behaviour (a missing kernel: call_unless_missing may raise or compute), where the catalog's
        # truth passing does tell the new release: --both-pass truth.
        if both_pass == TRUTH:
            return Observation(TRUTH, detail + "; both pass: taken as the catalog's truth (--both-pass truth)")
        return Observation(UNCLEAR, detail + "; both pass: the tests did not tell the two truths apart")
    return Observation(UNCLEAR, detail + f"; each fails its own tests: True {sorted(only_t)}, False {sorted(only_f)}")


# ---- the command ---------------------------------------------------------------------------------

def add_arguments(p) -> None:
    p.add_argument("targets", nargs="*", metavar="TARGET",
                   help="a claim ID (all its differs, or its status), CLAIM:DIFFERS, or a differs name")
    p.add_argument("--package", choices=PACKAGES, default="torch", help="the package whose releases are bisected")
    p.add_argument("--good", metavar="VERSION", help="a release known to behave the old way (default: from reports/)")
    p.add_argument("--bad", metavar="VERSION", help="a release known to behave the new way (default: from reports/)")
    p.add_argument("--pin", action="append", default=[], metavar="PKG==VERSION",
                   help="pin another package in every environment (numpy==1.26.4, torch==2.0.1, tensorflow==2.18.1)")
    p.add_argument("--tensorflow", default="auto", metavar="auto|none|yes|VERSION",
                   help="auto: install TensorFlow only when a claim's tests skip for want of it (default)")
    p.add_argument("--both-pass", choices=(UNCLEAR, TRUTH), default=UNCLEAR,
                   help="a release where both forced runs pass: skipped (unclear, default) or the catalog's truth "
                        "(for ranges whose test accepts either behaviour, such as a missing kernel)")
    p.add_argument("--hypothesis-profile", metavar="NAME", help="the Hypothesis profile of the runs (thorough: more examples)")
    p.add_argument("--verify-ends", action="store_true", help="probe --good and --bad too instead of trusting the catalog")
    p.add_argument("--list", action="store_true", help="only list the releases from --good to --bad")
    p.add_argument("--dry-run", action="store_true", help="show the targets, ends and releases; build nothing")
    p.add_argument("--cache-dir", type=Path, default=Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"),
                                                          "tensorspec-bisect"),
                   help="where the environments (and their uv cache) are built (default: ~/.cache/tensorspec-bisect)")
    p.add_argument("--keep", action="store_true", help="keep the environments (a later run reuses them)")
    p.add_argument("--max-envs", type=int, default=1, help="environments kept at once during the run (default 1)")
    p.add_argument("--min-free-gb", type=float, default=20, help="refuse to build with less free disk (default 20)")
    p.add_argument("--python", default="3.11", help="the Python of the environments (default 3.11)")
    p.add_argument("--timeout", type=float, default=900, help="seconds one pytest run may take (default 900)")
    p.add_argument("--reports", type=Path, default=None, help="claims reports giving the default ends (default: reports/)")
    p.add_argument("--json", type=Path, metavar="PATH", help="write the results as JSON")


def _root() -> Path:
    here = Path.cwd()
    for d in (here, *here.parents):
        if (d / "spec" / "claims.toml").is_file() and (d / "pyproject.toml").is_file():
            return d
    raise BisectError("run tensorspec bisect inside the tensorspec checkout (no spec/claims.toml found)")


def _version(text: str | None, what: str) -> Version | None:
    try:
        return Version(text) if text else None
    except InvalidVersion:
        raise BisectError(f"{what} {text!r} is not a version") from None


def plan(catalog: Catalog, targets: list[Target], package: str, releases: list[Version], good: Version | None,
         bad: Version | None, reports: list[dict]) -> list[Search]:
    """One search per target over the releases between its ends."""
    searches = []
    for target in targets:
        g, b = good, bad
        if g is None or b is None:
            rg, rb = ends_from_reports(catalog, target, package, reports)
            g, b = g or rg, b or rb
        span = releases_between(releases, g, b)
        old, new = predicted(catalog, target, package, g), predicted(catalog, target, package, b)
        if old is None:  # a claim's status, or a range on another package: old = as --good, new = the other
            old, new = target.states
        elif old == new:
            raise BisectError(f"{target.label}: the catalog's range says {package} {g} and {b} behave the same "
                              f"way ({old}); give ends on either side of the change (or --verify-ends)")
        searches.append(Search(target, span, 0, len(span) - 1, old, new))
    return searches


def run(args) -> int:
    start = time.monotonic()
    root = _root()
    pins = {}
    for pin in args.pin:
        req = Requirement(pin.replace("tensorflow-cpu", "tensorflow"))
        exact = [s.version for s in req.specifier if s.operator == "=="]
        if req.name not in PACKAGES or len(exact) != 1:
            raise BisectError(f"--pin {pin}: expected torch==V, numpy==V or tensorflow==V")
        pins[req.name] = exact[0]
    good, bad = _version(args.good, "--good"), _version(args.bad, "--bad")
    releases = list_releases(args.package)
    if args.list or not args.targets:
        if not (good and bad):
            print(" ".join(str(r) for r in releases))
            return 0
        span = releases_between(releases, good, bad)
        print(f"{len(span)} {args.package} releases from {good} to {bad}: {' '.join(map(str, span))}")
        return 0
    try:
        catalog = Catalog.load(root / "spec" / "claims.toml")
    except CatalogError as exc:
        raise BisectError(str(exc)) from None
    targets = resolve_targets(catalog, args.targets)
    unread = [t.differs for t in targets if t.differs and not read_by_tests(root, t.differs)]
    if unread:  # forcing it changes nothing: both runs would pass everywhere
        raise BisectError(f"no test reads differs({', '.join(map(repr, unread))}): nothing tells its two truths "
                          "apart (give the claim ID to bisect its status instead)")
    searches = plan(catalog, targets, args.package, releases, good, bad,
                    load_reports(args.reports or root / "reports"))
    for s in searches:
        print(f"{s.target.label}: {args.package} {s.last_old} ({s.old}) .. {s.first_new} ({s.new}); "
              f"{len(s.candidates())} release(s) between: {' '.join(str(s.releases[i]) for i in s.candidates())}")
    if args.dry_run:
        nxt = next_release(searches)
        print(f"first probe: {args.package} {nxt}" if nxt else "nothing to probe")
        return 0
    probe = UvProbe(root, args.package, pins, args.cache_dir, python=args.python, keep=args.keep,
                    tensorflow=args.tensorflow, max_envs=max(1, args.max_envs), timeout=args.timeout,
                    min_free_gb=args.min_free_gb, both_pass=args.both_pass,
                    hypothesis_profile=args.hypothesis_profile)

    def save(final: bool = False) -> list[dict]:  # after every probe, so an interrupted run keeps its answers
        results = [result(s, args.package, catalog) for s in searches]
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps({"package": args.package, "seconds": round(time.monotonic() - start),
                                             "finished": final, "results": results}, indent=2) + "\n",
                                 encoding="utf-8")
        return results

    try:
        if args.verify_ends:
            verify_ends(searches, probe)
        run_searches(searches, probe, prefer=probe.has_env, after=save)
    finally:
        probe.close()
    took = time.monotonic() - start
    results = save(final=True)
    print(f"\n== {len(searches)} target(s), {args.package}, {_fmt(took)} (environments: {_fmt(probe.built_seconds)})")
    for r in results:
        print(r["summary"])
    return 0 if all(not r["unresolved"] and not r["warnings"] for r in results) else 1


def verify_ends(searches: list[Search], probe: Probe) -> None:
    """Probe each search's ends; an end that behaves the other way is an error (the range is wrong)."""
    for end in sorted({v for s in searches for v in (s.last_old, s.first_new)}):
        asking = [s for s in searches if end in (s.last_old, s.first_new)]
        found = probe(end, [s.target for s in asking])
        for s in asking:
            obs = found[s.target.label]
            s.probed[end] = obs
            want = s.old if end == s.last_old else s.new
            if obs.state != want:
                raise BisectError(f"{s.target.label}: {end} behaves {obs.state}, not {want} ({obs.detail})")


def suggested_when(catalog: Catalog, s: Search, package: str) -> list[str] | None:
    """The differs table's ``when`` with the boundary moved to the first new release."""
    if not s.target.differs or s.unresolved:
        return None
    when = catalog.difference(s.target.differs)[1].when
    first = s.first_new
    short = ".".join(map(str, first.release[:2])) if first.release[2:] in ((), (0,)) else str(first)
    out = []
    for r in when:
        if r.name != package:
            out.append(str(r))
        elif s.old == DIFFERS:
            out.append(f"{package}<{short}")
        else:
            out.append(f"{package}>={short}")
    return out


def result(s: Search, package: str, catalog: Catalog) -> dict:
    when = [str(r) for r in catalog.difference(s.target.differs)[1].when] if s.target.differs else None
    new_when = suggested_when(catalog, s, package)
    probed = {str(v): {"state": o.state, "seconds": round(o.seconds), "detail": o.detail} for v, o in sorted(s.probed.items())}
    if s.unresolved:
        head = (f"{s.target.label}: first release the new way ({s.new}) is one of "
                f"{', '.join(map(str, s.unresolved))}, {s.first_new} (the ones before it could not be told)")
    else:
        head = (f"{s.target.label}: first release the new way ({s.new}): {package} {s.first_new}; "
                f"last the old way ({s.old}): {s.last_old}")
    if when:
        head += f"; when {when} -> {new_when}" + (" (unchanged)" if new_when == when else "")
    head += "; probed " + (", ".join(f"{v} {o['state']}" for v, o in probed.items()) or "nothing")
    head += "".join(f"\n  WARNING: {w}" for w in s.warnings)
    return {"target": s.target.label, "claim": s.target.claim, "differs": s.target.differs, "package": package,
            "old": s.old, "new": s.new, "last_old": str(s.last_old), "first_new": str(s.first_new),
            "unresolved": [str(v) for v in s.unresolved], "when": when, "suggested_when": new_when,
            "probed": probed, "warnings": s.warnings, "summary": head}
