"""The specification can fail: every planted semantic change (tests/mutants/*.py) turns its claim red.

Each mutant runs the tests of its claim in a fresh pytest process with the change applied
(``-p tensorspec.harness.mutation --mutant TABLE::NAME --claim ID``); the claims report must then call the
claim ``broken``.  A mutant that survives is a spec that could not notice the change.
"""
from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TABLES = sorted(p for p in (ROOT / "tests" / "mutants").glob("*.py") if not p.name.startswith("_"))


def _table(path: Path):
    spec = importlib.util.spec_from_file_location(f"_mutant_table_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.MUTANTS


CASES = [(path, m) for path in TABLES for m in _table(path)]


def test_the_table_is_large_and_covers_every_group():
    from tensorspec.claims.catalog import Catalog

    catalog = Catalog.load(ROOT / "spec" / "claims.toml")
    unknown = [m.claim for _, m in CASES if m.claim not in catalog]
    assert not unknown, f"mutants name unknown claims: {unknown}"
    groups = {c.group for c in catalog}
    covered = {m.claim.split(".")[0] for _, m in CASES}
    print(f"{len(CASES)} mutants over {len(covered)} of {len(groups)} claim groups")
    assert len(CASES) >= 40, f"only {len(CASES)} mutants; the self-check asks for at least 40"
    assert covered == groups, f"groups without a mutant: {sorted(groups - covered)}"


@pytest.mark.slow
@pytest.mark.parametrize("table,mutant", [pytest.param(p, m, id=f"{p.stem}.{m.name}") for p, m in CASES])
def test_mutant_is_killed(table: Path, mutant, tmp_path: Path):
    report = tmp_path / "claims.json"
    cmd = [sys.executable, "-m", "pytest", mutant.target, "-p", "tensorspec.harness.mutation",
           f"--mutant={table}::{mutant.name}", f"--claim={mutant.claim}", "-x", "-q",
           "-p", "no:cacheprovider", "-p", "no:randomly", f"--claims-report={report}",
           f"--basetemp={tmp_path / 'basetemp'}", *mutant.extra_args]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
    tail = (proc.stdout + proc.stderr)[-3000:]
    assert report.exists(), f"no claims report; the run said:\n{tail}"
    claim = next(c for c in json.loads(report.read_text())["claims"] if c["id"] == mutant.claim)
    if claim["status"] == "not run":  # e.g. no Fashion-MNIST here: the check cannot be made, say why
        pytest.skip(f"the tests of {mutant.claim} did not run: {'; '.join(claim['skip_reasons'])}")
    assert claim["status"] == "broken", (
        f"mutant {mutant.name} ({mutant.description}) SURVIVED: claim {mutant.claim} is "
        f"{claim['status']!r} with the change applied\n{tail}")
