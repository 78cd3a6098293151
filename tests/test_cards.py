"""``tensorspec list`` and ``tensorspec show``: what they print, their filters, and that they never import torch."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tensorspec.claims import cards
from tensorspec.claims.catalog import Catalog
from tensorspec.cli import main

ROOT = Path(__file__).resolve().parents[1]
CATALOG_PATH = ROOT / "spec" / "claims.toml"
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.load(CATALOG_PATH)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main([*argv[:1], "--catalog", str(CATALOG_PATH), *argv[1:]])
    out, err = capsys.readouterr()
    return code, out, err


def rows(out: str) -> list[list[str]]:
    """The claim lines of ``list`` (the footer dropped), split into ID, verdict and the rest."""
    return [line.split(None, 2) for line in out.splitlines()[:-1]]


def test_list_prints_one_line_per_claim_with_its_verdict_and_gist(capsys, catalog):
    code, out, _ = run(capsys, "list")
    assert code == 0
    lines = rows(out)
    assert [r[0] for r in lines] == [c.id for c in catalog]
    for (cid, verdict, rest), c in zip(lines, catalog):
        assert verdict == c.verdict
        assert rest == (c.gist or c.claim), cid
    assert out.splitlines()[-1] == f"{len(catalog)} claims"


def test_list_in_chinese_gives_a_chinese_gist_for_every_claim(capsys, catalog):
    code, out, _ = run(capsys, "list", "--lang", "zh")
    assert code == 0
    lines = out.splitlines()[:-1]
    assert len(lines) == len(catalog)
    for line, c in zip(lines, catalog):
        assert line.startswith(c.id + " ")
        assert line.endswith(c.gist_zh), f"{c.id}: no Chinese gist in {line!r}"
        assert CJK.search(line[len(c.id):]), line
        assert cards.VERDICT_ZH[c.verdict] in line
    assert out.splitlines()[-1].startswith("共 ")


@pytest.mark.parametrize("argv, keep", [
    (["--verdict", "refuted"], lambda c: c.verdict == "refuted"),
    (["--verdict", "refuted,outdated"], lambda c: c.verdict in ("refuted", "outdated")),
    (["--group", "reshape"], lambda c: c.group == "reshape"),
    (["--source", "DL9"], lambda c: "DL9" in c.sources),
    (["--lesson", "DL"], lambda c: any(s.startswith("DL") for s in c.sources)),
    (["--lesson", "CH2"], lambda c: any(s.startswith("CH2.") for s in c.sources)),
    (["--group", "creation", "--verdict", "holds"], lambda c: c.group == "creation" and c.verdict == "holds"),
    (["--search", "squeeze"], lambda c: "squeeze" in (c.id + c.quote + c.claim + c.gist + c.gist_zh).lower()),
])
def test_list_filters(capsys, catalog, argv, keep):
    code, out, _ = run(capsys, "list", *argv)
    assert code == 0
    expected = [c.id for c in catalog if keep(c)]
    assert expected, "the filter must match something for this test to mean anything"
    assert [r[0] for r in rows(out)] == expected
    assert out.splitlines()[-1] == f"{len(expected)} of {len(catalog)} claims"


@pytest.mark.parametrize("code, wanted, matches", [
    ("DL9", "DL9", True), ("DL9", "dl9", True), ("DL9", "DL", True), ("DL35-39", "DL", True),
    ("DL35-39", "DL36", True), ("DL35-39", "DL40", False), ("DL35", "DL3", False), ("DL3", "DL35", False),
    ("CH2.5", "CH2", True), ("CH2.5", "CH", True), ("CH", "CH", True), ("CH", "CH2", False),
    ("BZ", "B", False), ("MF", "DL", False),
])
def test_source_codes_cover_their_lessons(code, wanted, matches):
    assert cards.source_matches(code, wanted) is matches


def _report(catalog: Catalog, status: dict[str, str]) -> dict:
    claims = []
    for c in catalog:
        if c.id not in status:
            continue
        claims.append({"id": c.id, "quote": c.quote, "verdict": c.verdict, "status": status[c.id], "truth": c.truth,
                       "passed": 1, "failed": int(status[c.id] == "broken"), "skipped": 0,
                       "facts": {"shape of the result": "(2, 3)"}, "changes": [],
                       "statements": [{"id": st.id, "text": st.text, "status": "context" if st.context else status[c.id],
                                       "range": "", "skip_reasons": [], "failed_tests": []} for st in c.statements]})
    return {"versions": {"torch": "2.99.0", "numpy": "2.4.6"}, "claims": claims}


def test_list_by_status_needs_a_report_and_reads_it(capsys, catalog, tmp_path):
    code, _, err = run(capsys, "list", "--status", "broken")
    assert code == 2 and "--report" in err
    ids = [c.id for c in catalog][:3]
    path = tmp_path / "r.json"
    path.write_text(json.dumps(_report(catalog, {ids[0]: "broken", ids[1]: "verified", ids[2]: "not run"})))
    code, out, _ = run(capsys, "list", "--status", "broken,not run", "--report", str(path))
    assert code == 0
    assert [r[0] for r in rows(out)] == [ids[0], ids[2]]
    assert "broken" in out.splitlines()[0]
    code, out, _ = run(capsys, "list", "--status", "no test", "--report", str(path))  # not in the report
    assert len(rows(out)) == len(catalog) - 3


@pytest.mark.parametrize("argv, words", [
    (["--verdict", "wrong"], "unknown verdict 'wrong'"),
    (["--group", "reshap"], "did you mean reshape"),
    (["--source", "DL99"], "unknown source 'DL99'"),
    (["--status", "passed"], "unknown status 'passed'"),
])
def test_list_refuses_an_unknown_filter_value_naming_the_known_ones(capsys, argv, words):
    code, out, err = run(capsys, "list", *argv)
    assert code == 2 and not out
    assert words in err


def _rich_claim(catalog: Catalog):
    """A claim written as statements with a range that replaces one of them (None before the migration)."""
    return next((c for c in catalog if c.statements and any(d.statements for d in c.differs)), None)


def test_show_prints_the_claim_card(capsys, catalog):
    c = _rich_claim(catalog) or next(c for c in catalog if c.differs)
    code, out, _ = run(capsys, "show", c.id)
    assert code == 0
    flat = " ".join(out.split())
    assert out.startswith(f"{c.id}  {c.verdict}")
    for text in (c.quote, c.claim, c.gist, f"pytest spec --claim {c.id}", f"spec/claims.toml:{c.line}"):
        assert " ".join(text.split()) in flat
    for code_ in c.sources:
        assert " ".join(catalog.sources[code_].title.split()) in flat
    for st in c.statements:
        assert st.id in out and " ".join(st.text.split()) in flat
    for d in c.differs:
        assert d.range in out and d.name in out
        for st in d.statements:
            assert f"changes {st.id}:" in out


def test_show_in_chinese_and_with_a_report(capsys, catalog, tmp_path):
    c = _rich_claim(catalog) or next(iter(catalog))
    path = tmp_path / "r.json"
    path.write_text(json.dumps(_report(catalog, {c.id: "verified"})))
    code, out, _ = run(capsys, "show", c.id, "--lang", "zh", "--report", str(path))
    assert code == 0
    assert re.sub(r"\s+", "", c.gist_zh) in re.sub(r"\s+", "", out)  # lines break between CJK characters
    assert "笔记原文" in out and "运行它的测试" in out and "已验证" in out
    assert "shape of the result = (2, 3)" in out and "torch 2.99.0" in out  # the report's facts


def test_show_an_unknown_claim_suggests_and_exits_2(capsys):
    code, out, err = run(capsys, "show", "reshape.squeze")
    assert code == 2 and not out
    assert "unknown claim ID 'reshape.squeze'" in err and "reshape.squeeze" in err
    code, _, err = run(capsys, "show", "squeeze")  # a word of the ID
    assert code == 2 and "reshape.squeeze" in err


def test_a_missing_catalog_is_a_clear_error(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["list"]) == 2
    assert "claim catalog not found: spec/claims.toml" in capsys.readouterr().err
    assert main(["show", "x.y", "--catalog", str(tmp_path / "nope.toml")]) == 2
    assert "nope.toml" in capsys.readouterr().err


def test_the_default_catalog_is_spec_claims_toml_here(capsys, monkeypatch, catalog):
    monkeypatch.chdir(ROOT)
    assert main(["list", "--group", "attrs"]) == 0
    assert [r[0] for r in rows(capsys.readouterr().out)] == [c.id for c in catalog if c.group == "attrs"]


def test_list_and_show_never_import_torch():
    code = ("import sys; from tensorspec.cli import main; "
            f"main(['list', '--catalog', {str(CATALOG_PATH)!r}]); "
            f"main(['show', 'reshape.squeeze', '--lang', 'zh', '--catalog', {str(CATALOG_PATH)!r}]); "
            "heavy = [m for m in ('torch', 'numpy', 'tensorflow', 'jinja2') if m in sys.modules]; "
            "assert not heavy, heavy")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                          env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"}, timeout=60)
    assert done.returncode == 0, done.stderr


def test_text_wraps_by_display_width():
    lines = cards.wrap("张量" * 30, 20)
    assert all(cards.width(line) <= 20 for line in lines) and "".join(lines) == "张量" * 30
    assert cards.wrap("alpha beta gamma delta epsilon", 20) == ["alpha beta gamma", "delta epsilon"]
    assert cards.wrap("a\nb", 40, "  ") == ["  a", "  b"]
    assert cards.wrap("red \x1b[31m", 40) == ["red \ufffd[31m"]  # a report's terminal escape stays inert
