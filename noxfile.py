"""The release matrix: ``pytest spec -m "not slow"`` in a throwaway uv environment per configuration.

    nox -l                                   # the configurations (* marks the default set)
    nox                                      # the default set: tag "supported", 16 configurations
    nox -s "spec(torch-2.4.1)"               # one of them; its report goes to reports/
    nox -t full                              # every torch release of the supported range (29)
    nox -s spec                              # all of them (about a minute each, plus downloads)
    nox -s changes                           # docs/changes-by-version.md and docs/changes.html from the reports

Each configuration pins torch, NumPy and TensorFlow; the rest comes from pyproject.toml.  The report
is named by the versions (``reports/torch-2.4.1_numpy-2.0.2_tf-2.18.1.json``) and the environment is
deleted afterwards (old torch releases bring gigabytes of CUDA libraries).  The same list drives the
GitHub Actions workflow (.github/workflows/release-matrix.yml reads ``nox -l --json``).
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import nox
from packaging.specifiers import SpecifierSet
from packaging.version import Version

nox.options.default_venv_backend = "uv"
nox.options.reuse_existing_virtualenvs = False
nox.options.sessions = ["spec"]

ROOT = Path(__file__).parent
REPORTS = Path(os.environ.get("TENSORSPEC_REPORTS_DIR", ROOT / "reports"))  # CI writes elsewhere

# torch, numpy, tensorflow-cpu (None: no TensorFlow).  torch < 2.3 needs NumPy 1.x; TensorFlow 2.18
# needs NumPy < 2.1.  The default set (tag "supported"): the latest patch of every minor from 2.0 to
# 2.14, and 1.13.1 (the course's era).
CONFIGS = [
    ("1.13.1", "1.26.4", "2.21.0"),
    ("2.0.1", "1.26.4", "2.21.0"),
    ("2.1.2", "1.26.4", "2.18.1"),
    ("2.2.2", "1.26.4", "2.21.0"),
    ("2.3.1", "2.0.2", "2.18.1"),
    ("2.4.1", "2.0.2", "2.18.1"),
    ("2.5.1", "2.1.3", "2.19.1"),
    ("2.6.0", "2.0.2", "2.18.1"),
    ("2.7.1", "2.2.6", "2.21.0"),
    ("2.8.0", "2.3.5", "2.21.0"),
    ("2.9.1", "2.4.6", "2.21.0"),
    ("2.10.0", "2.4.6", "2.21.0"),
    ("2.11.0", "2.4.6", None),
    ("2.12.1", "2.4.6", "2.21.0"),
    ("2.13.0", "2.4.6", "2.21.0"),
    ("2.14.1", "2.4.6", "2.21.0"),
]

# Every other published torch release of the supported range, patch releases included (tag "full" only:
# the scheduled run of the workflow, or ``nox -t full``), so every boundary of a [[claim.differs]] range
# is seen on both sides.  NumPy and TensorFlow vary across it, within what each release supports.
EVERY_RELEASE = [
    ("1.13.0", "1.26.4", "2.18.1"),
    ("2.0.0", "1.26.4", "2.19.1"),
    ("2.1.0", "1.26.4", None),
    ("2.1.1", "1.26.4", "2.21.0"),
    ("2.2.0", "1.26.4", "2.18.1"),
    ("2.2.1", "1.26.4", "2.19.1"),
    ("2.3.0", "2.0.2", "2.21.0"),
    ("2.4.0", "2.0.2", "2.19.1"),
    ("2.5.0", "2.0.2", "2.19.1"),
    ("2.7.0", "2.1.3", "2.19.1"),
    ("2.9.0", "2.3.5", "2.21.0"),
    ("2.12.0", "2.2.6", None),
    ("2.14.0", "2.3.5", "2.21.0"),
]


# The supported range: the releases whose configurations report 0 broken (README and pyproject say the
# same).  Configurations outside it stay in the matrix as evidence (tagged "outside").
SUPPORTED = SpecifierSet(">=1.13,<2.15")
DEFAULT = {c[0] for c in CONFIGS}

# ``nox`` alone runs the default set; ``nox -t full`` every release; ``nox -s spec`` all configurations.
nox.options.tags = ["supported"]


def tags(torch: str) -> list[str]:
    """"supported" (the default set) and "full" (every release) inside the supported range; "outside"."""
    if Version(torch) not in SUPPORTED:
        return ["outside"]
    return ["supported", "full"] if torch in DEFAULT else ["full"]


def name(torch: str, numpy: str, tf: str | None) -> str:
    return f"torch-{torch}_numpy-{numpy}_" + (f"tf-{tf}" if tf else "no-tf")


@nox.session
@nox.parametrize("torch,numpy,tf", [nox.param(*c, id=f"torch-{c[0]}", tags=tags(c[0]))
                                    for c in sorted(CONFIGS + EVERY_RELEASE, key=lambda c: Version(c[0]))])
def spec(session: nox.Session, torch: str, numpy: str, tf: str | None) -> None:
    """The spec (not the slow training run) on one configuration; the claims report to reports/."""
    pins = [f"torch=={torch}", f"numpy=={numpy}"] + ([f"tensorflow-cpu=={tf}"] if tf else [])
    wheels = Path("/opt/wheels")  # a local CPU build of torch, where the machine has one
    extra = ["--find-links", str(wheels)] if wheels.is_dir() else []
    session.install(*extra, "-e", ".", *pins)
    if not tf:  # as on a machine without TensorFlow: its claims must skip with the reason
        session.run("uv", "pip", "uninstall", "--python", session.virtualenv.location, "tensorflow-cpu",
                    external=True)
    REPORTS.mkdir(exist_ok=True)
    report = REPORTS / f"{name(torch, numpy, tf)}.json"
    env = {"MPLBACKEND": "Agg", "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "1")}
    try:
        session.run("python", "-m", "pytest", "spec", "-m", "not slow", "-q", "-p", "no:cacheprovider",
                    f"--claims-report={report}", *session.posargs, env=env)
    finally:
        if not os.environ.get("TENSORSPEC_KEEP_ENVS"):
            shutil.rmtree(session.virtualenv.location, ignore_errors=True)


@nox.session(venv_backend="none")
def changes(session: nox.Session) -> None:
    """docs/changes-by-version.md and the page docs/changes.html from the reports in reports/."""
    session.run("tensorspec", "changes", str(ROOT / "reports"), "-o", str(ROOT / "docs" / "changes-by-version.md"),
                "--html", str(ROOT / "docs" / "changes.html"), "--catalog", str(ROOT / "spec" / "claims.toml"))
