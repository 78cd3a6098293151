"""``tensorspec compare`` and ``tensorspec changes``: two reports in, the differences out."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from packaging.version import Version

from tensorspec.claims import changes, compare
from tensorspec.cli import main

ROOT = Path(__file__).resolve().parents[1]


def _claim(cid, status="verified", verdict="holds", truth="t", facts=None, changes=(), statements=None,
           measured=()):
    claim = {"id": cid, "quote": "q", "verdict": verdict, "status": status, "truth": truth,
             "facts": facts or {}, "changes": list(changes), "measured_facts": list(measured)}
    if statements is not None:
        claim["statements"] = [{"id": i, "text": t, "status": st} for i, t, st in statements]
    return claim


RANGE = {"name": "old_way", "range": "before torch 2.5", "when": ["torch<2.5"], "truth": "old", "verdict": "holds"}
OLD = {"versions": {"torch": "2.4.1", "numpy": "2.0.2", "tensorflow": "2.18.1"},
       "claims": [_claim("a.same"), _claim("a.truth", truth="same start\nOn the installed versions (before torch 2.5): old"),
                  _claim("a.status", status="verified"), _claim("a.fact", facts={"message": "old words"}),
                  _claim("a.parts", statements=[("one", "the old way, a long sentence that must never be cut", "verified"),
                                                ("two", "same", "verified")],
                         changes=[{**RANGE, "applies": True}]),
                  _claim("a.timed", facts={"seconds": 1.5, "device": "cpu"}, measured=["seconds"]),
                  _claim("a.gone")]}
NEW = {"versions": {"torch": "2.14.1", "numpy": "2.4.6", "tensorflow": "2.21.0"},
       "claims": [_claim("a.same"), _claim("a.truth", truth="same start", verdict="qualified"),
                  _claim("a.status", status="broken"), _claim("a.fact", facts={"message": "new words"}),
                  _claim("a.parts", statements=[("one", "the new way", "verified"), ("two", "same", "verified")],
                         changes=[{**RANGE, "applies": False}]),
                  _claim("a.timed", facts={"seconds": 2.5, "device": "cpu"}, measured=["seconds"]),
                  _claim("a.new")]}


def _write(tmp_path, name, data) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_every_changed_field_is_named_and_measurements_are_told_apart():
    found = compare.changes(OLD, NEW)
    assert [(c.claim, c.field, c.kind) for c in found] == [
        ("a.truth", "verdict", "behaviour"), ("a.truth", "truth", "behaviour"), ("a.status", "status", "behaviour"),
        ("a.fact", "fact message", "behaviour"), ("a.parts", "statement one", "behaviour"),
        ("a.timed", "fact seconds", "measurement"), ("a.new", "claim", "behaviour"), ("a.gone", "claim", "behaviour")]
    assert next(c for c in found if c.claim == "a.parts").libraries == ("torch",)
    assert compare.changes(OLD, OLD) == []


def test_the_first_line_counts_what_changed_and_which_library_brought_it(tmp_path, capsys):
    old, new = _write(tmp_path, "old.json", OLD), _write(tmp_path, "new.json", NEW)
    assert main(["compare", str(old), str(new)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == (
        "6 claims changed: 1 verdict, 2 statements, 1 status, 1 fact, 2 claims in one report only "
        "(6 by no release range of the catalog, 1 by torch); 1 measurement differs (not counted)")
    assert "OLD  torch 2.4.1, numpy 2.0.2, tensorflow 2.18.1" in out
    assert "    old: the old way, a long sentence that must never be cut [verified]" in out
    assert "(nothing more)" not in out and "Measurements (not counted as changes):" in out
    assert main(["compare", str(old), str(new), "--markdown", "--fail-on-change"]) == 1
    out = capsys.readouterr().out
    assert "| `a.status` | status | behaviour | — | verified | broken |" in out
    assert "| `a.parts` | statement one | behaviour | torch |" in out
    assert main(["compare", str(old), str(old), "--fail-on-change"]) == 0
    assert capsys.readouterr().out.startswith("No behaviour changed")


def test_runs_that_differ_only_in_measurements_pass_the_gate(tmp_path, capsys):
    timed = {"versions": OLD["versions"], "claims": [c for c in OLD["claims"] if c["id"] == "a.timed"]}
    other = json.loads(json.dumps(timed))
    other["claims"][0]["facts"]["seconds"] = 9.0
    assert main(["compare", str(_write(tmp_path, "a.json", timed)), str(_write(tmp_path, "b.json", other)),
                 "--fail-on-change"]) == 0
    assert capsys.readouterr().out.startswith("No behaviour changed: same verdicts, statements, statuses and facts; "
                                              "1 measurement differs")


@pytest.mark.parametrize("content, message", [(None, "no such report"), ("{", "not a JSON claims report"),
                                              ('{"x": 1}', "no 'claims' list")])
def test_a_bad_report_is_refused_with_the_reason(tmp_path, capsys, content, message):
    bad = tmp_path / "bad.json"
    if content is not None:
        bad.write_text(content, encoding="utf-8")
    assert main(["compare", str(bad), str(_write(tmp_path, "new.json", NEW))]) == 2
    assert message in capsys.readouterr().err


def test_the_changes_document_has_the_table_and_the_ranges(tmp_path):
    ch = {"name": "n", "range": "before torch 2.5", "when": ["torch<2.5"], "truth": "old way", "verdict": "holds"}
    old = {"versions": OLD["versions"], "claims": [_claim("a.x", changes=[{**ch, "applies": True}])]}
    new = {"versions": NEW["versions"], "claims": [_claim("a.x", changes=[{**ch, "applies": False}])]}
    text = changes.render([_write(tmp_path, "2.json", new), _write(tmp_path, "1.json", old)])
    assert "| 1 | 2.4.1 | torch 2.4.1 / np 2.0.2 / tf 2.18.1 |" in text  # sorted by version, not by file name
    assert "| claim | 2.4.1 | 2.14.1 |" in text
    assert "| `a.x` | Δ1 | **✓** |" in text  # the range that applied, and the change in bold
    assert "1. **before torch 2.5** (holds; seen in #1: torch 2.4.1): old way" in text


# ---- the table stays readable with the whole matrix: configurations that agree share a column ----

FULL_MATRIX = ("1.13.0", "1.13.1", "2.0.0", "2.0.1", "2.1.0", "2.1.1", "2.1.2", "2.2.0", "2.2.1", "2.2.2", "2.3.0",
               "2.3.1", "2.4.0", "2.4.1", "2.5.0", "2.5.1", "2.6.0", "2.7.0", "2.7.1", "2.8.0", "2.9.0", "2.9.1",
               "2.10.0", "2.11.0", "2.12.0", "2.12.1", "2.13.0", "2.14.0", "2.14.1")
WITHOUT_TF = ("2.1.0", "2.11.0", "2.12.0")  # as in noxfile.py: TensorFlow has no wheel for those pins


def _matrix_report(torch: str) -> dict:
    """A report of the full matrix: one claim changes in torch 2.8 (its range applies before), one is not
    run without TensorFlow, one is verified everywhere."""
    before = Version(torch) < Version("2.8")
    ch = {"name": "plain_runtime_error", "range": "before torch 2.8", "when": ["torch<2.8"], "truth": "RuntimeError",
          "verdict": "holds", "applies": before}
    tf = torch not in WITHOUT_TF
    return {"versions": {"torch": f"{torch}+cpu", "numpy": "2.0.2", **({"tensorflow": "2.18.1"} if tf else {})},
            "claims": [_claim("a.same"), _claim("a.errors", changes=[ch]),
                       _claim("a.tensorflow", status="verified" if tf else "not run")]}


def _table(text: str) -> list[list[str]]:
    """The claim × configuration table's rows, cells stripped (the header first)."""
    body = text.split("## Claim × configuration")[1].split("###")[0]
    return [[c.strip() for c in line.strip("|").split("|")] for line in body.splitlines()
            if line.startswith("|") and not line.startswith("|---")]


def test_adjacent_configurations_that_agree_share_a_column_and_a_disagreeing_one_splits_them():
    cells = [("✓", "Δ1"), ("✓", "Δ1"), ("✓", "✓"), ("✓", "Δ1"), ("✓", "Δ1")]
    assert changes.columns(cells) == [[0, 1], [2], [3, 4]]  # 3 and 4 agree with 0 and 1, but 2 is between
    assert changes.columns(cells[:2]) == [[0, 1]]
    assert changes.column_labels([[0, 1], [2], [3, 4]], ["2.3.0", "2.3.1", "2.4.0", "2.4.1", "2.5.0"]) == \
        ["2.3.0–2.3.1", "2.4.0", "2.4.1–2.5.0"]
    # the same torch twice (another NumPy, say) in two columns: their configurations tell them apart
    assert changes.column_labels([[0], [1], [2]], ["2.4.1", "2.4.1", "2.5.0"]) == ["2.4.1 (#1)", "2.4.1 (#2)", "2.5.0"]


def test_the_full_matrix_is_grouped_in_release_order_and_nothing_is_dropped(tmp_path):
    order = list(FULL_MATRIX)
    shuffled = order[1::2] + order[::2]  # file names in another order than the releases
    paths = [_write(tmp_path, f"r{i}.json", _matrix_report(torch)) for i, torch in enumerate(shuffled)]
    text = changes.render(paths)
    assert ("29 configurations in 6 columns, 3 claims (2 that differ between the columns, 1 the same in every "
            "configuration)") in text
    header, *rows = _table(text)
    assert header == ["claim", "1.13.0–2.0.1", "2.1.0", "2.1.1–2.7.1", "2.8.0–2.10.0", "2.11.0–2.12.0",
                      "2.12.1–2.14.1"]
    assert rows == [["`a.errors`", "Δ1", "Δ1", "Δ1", "**✓**", "✓", "✓"],
                    ["`a.tensorflow`", "✓", "**–**", "**✓**", "✓", "**–**", "**✓**"]]
    assert "- ✓ verified (1): `a.same`" in text  # once, not a row of 29 ✓
    configs = [line.split(" | ")[:3] for line in text.split("## Configurations")[1].split("## Claim")[0].splitlines()
               if line.startswith("| ") and not line.startswith("| #")]
    assert [(n, torch) for n, _, torch in configs] == \
        [(f"| {i}", f"torch {v} / np 2.0.2 / " + ("no tf" if v in WITHOUT_TF else "tf 2.18.1"))
         for i, v in enumerate(order, 1)]  # every report, by version
    column = {torch.split()[1]: col for _, col, torch in configs}
    assert [column[v] for v in ("1.13.0", "2.0.1", "2.1.0", "2.7.1", "2.8.0", "2.11.0", "2.12.0", "2.14.1")] == \
        ["1.13.0–2.0.1", "1.13.0–2.0.1", "2.1.0", "2.1.1–2.7.1", "2.8.0–2.10.0", "2.11.0–2.12.0", "2.11.0–2.12.0",
         "2.12.1–2.14.1"]
    assert "1. **before torch 2.8** (holds; seen in #1–#19: torch 1.13.0–2.7.1): RuntimeError" in text
    assert "| 2.1.0 | torch 2.1.0 / np 2.0.2 / no tf | torch 2.1.0+cpu, numpy 2.0.2 |" in text


def test_the_committed_document_matches_the_committed_reports():
    reports = sorted((ROOT / "reports").glob("*.json"))
    doc = ROOT / "docs" / "changes-by-version.md"
    assert reports, "no reports/ committed: run the release matrix (nox -s spec) and tensorspec changes"
    assert doc.read_text(encoding="utf-8") == changes.render(reports, changes.current_sha256(ROOT / "spec" / "claims.toml")), (
        "docs/changes-by-version.md is out of date: tensorspec changes reports -o docs/changes-by-version.md")


def test_a_report_run_with_another_catalog_is_named_stale(tmp_path):
    report = {"versions": OLD["versions"], "catalog": {"sha256": "a" * 64}, "claims": [_claim("a.x")]}
    path = _write(tmp_path, "r.json", report)
    assert "Stale evidence" not in changes.render([path], "a" * 64)
    assert "| current |" in changes.render([path], "a" * 64)
    text = changes.render([path], "b" * 64)
    assert "**Stale evidence:** 1 of 1 reports were not run with the current catalog (configurations #1)" in text
    assert "| older catalog (aaaaaaaaaa) |" in text
    legacy = _write(tmp_path, "old.json", {"versions": OLD["versions"], "claims": [_claim("a.x")]})
    assert "unknown (the report predates catalog hashes)" in changes.render([legacy], "b" * 64)


def test_two_runs_of_the_same_versions_with_other_seeds_pass_the_gate(tmp_path, capsys):
    """Measurements (an import time, fitted values, rounding sizes, overlapping fetches) differ between
    two runs of the same versions; the gate counts behaviour only."""
    import subprocess
    import sys

    reports = []
    for seed in (1, 2):
        out = tmp_path / f"run-{seed}.json"
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "spec", "-q", "-m", "not slow", "-p", "no:cacheprovider",
             "--claim", "experiments.tensorboard", "--claim", "misc.regression_mse", "--claim", "misc.overfitting",
             "--claim", "elementwise.mul_vs_matmul", "--claim", "data.num_workers_speed",
             "-p", "randomly", f"--randomly-seed={seed}", f"--hypothesis-seed={seed}", f"--claims-report={out}"],
            cwd=ROOT, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        reports.append(str(out))
    assert main(["compare", *reports, "--fail-on-change"]) == 0
    assert capsys.readouterr().out.startswith("No behaviour changed")
