"""The claims page (``page.render_report``, ``page.render_changes``): its data, its escaping, and the page
itself in a real browser (headless Chromium, skipped with the reason where it is not installed)."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import tomllib
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path

import pytest
from packaging.version import Version

from tensorspec.claims import page
from tensorspec.claims.catalog import Catalog
from tensorspec.claims.compare import load
from tensorspec.claims.report import ClaimResult, StatementResult, write
from tensorspec.cli import main

ROOT = Path(__file__).resolve().parents[1]
REPORTS = sorted((ROOT / "reports").glob("*.json"))
CJK = re.compile(r"[\u4e00-\u9fff]")
HOSTILE = "</script><script>document.documentElement.setAttribute('data-pwned', '1')</script>"
HOSTILE_IMG = "<img src=x onerror=\"document.documentElement.setAttribute('data-pwned', '2')\">"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.load(ROOT / "spec" / "claims.toml")


@pytest.fixture(scope="module")
def matrix() -> list[dict]:
    if len(REPORTS) < 2:
        pytest.skip("the release matrix reports (reports/*.json) are not here")
    return [load(p) for p in REPORTS]


def hostile_report() -> dict:
    """A report from another machine whose every text tries to run script in the page."""
    st = {"id": "s", "text": HOSTILE, "status": "verified", "range": "", "skip_reasons": [HOSTILE_IMG], "failed_tests": []}
    claim = {"id": "evil.claim", "quote": HOSTILE, "claim": HOSTILE_IMG, "verdict": "refuted", "status": "verified",
             "passed": 1, "failed": 0, "skipped": 0, "truth": HOSTILE, "gist": HOSTILE, "gist_zh": HOSTILE_IMG,
             "sources": ["X<b>"], "facts": {HOSTILE: HOSTILE_IMG}, "measured": HOSTILE, "deprecations": [HOSTILE],
             "statements": [st], "where": HOSTILE,
             "changes": [{"name": "n", "range": HOSTILE, "when": [], "truth": HOSTILE, "verdict": "holds",
                          "applies": True, "gist": HOSTILE_IMG, "gist_zh": "", "statements": [{"id": "s", "text": HOSTILE}]}]}
    return {"versions": {"torch": HOSTILE, "numpy": HOSTILE_IMG}, "catalog": {"path": HOSTILE, "sha256": HOSTILE},
            "sources": {"X<b>": {"title": HOSTILE, "title_zh": HOSTILE_IMG}}, "claims": [claim]}


# ---- the data and the HTML ---------------------------------------------------------------------------

def test_the_json_blob_cannot_close_its_script_element():
    blob = page.json_blob({"a": HOSTILE, "b": "x & y <!-- \u2028"})
    assert "<" not in blob and ">" not in blob and "&" not in blob and "\u2028" not in blob
    assert json.loads(blob) == {"a": HOSTILE, "b": "x & y <!-- \u2028"}


def test_a_hostile_report_renders_inert_html():
    html = page.render_report(hostile_report())
    assert "</script><script>document" not in html and "<img src=x" not in html
    assert html.count("<script") == 2  # the data blob and the page's own script, nothing injected
    assert "<title>tensorspec claims: torch &lt;/script&gt;" in html  # Jinja2 autoescape
    data = re.search(r'<script id="tensorspec-data" type="application/json">(.*?)</script>', html, re.S).group(1)
    assert json.loads(data)["claims"][0]["quote"] == HOSTILE  # the text arrives intact, as data


def test_the_changes_page_orders_configurations_by_torch_and_has_a_cell_each(matrix, catalog):
    data = page.page_data(matrix, catalog, mode="changes")
    torches = [Version(c["torch"]) for c in data["configs"]]
    assert torches == sorted(torches) and len(torches) == len(matrix)
    assert len(data["claims"]) == len({c["id"] for r in matrix for c in r["claims"]})
    for c in data["claims"]:
        assert len(c["cells"]) == len(matrix)
        assert all(re.fullmatch(r"[vcbpnt-](\d+(\.\d+)*)?", cell) for cell in c["cells"]), c["cells"]
        for cell in c["cells"]:  # every range a cell names is one of the claim's ranges
            assert all(int(i) < len(c["ranges"]) for i in re.findall(r"\d+", cell))
    assert any(cell.startswith("c") for c in data["claims"] for cell in c["cells"]), \
        "the matrix has claims verified with another range's truth"


def test_reports_without_gists_are_completed_from_the_catalog(matrix, catalog):
    old = [r for r in matrix if not any(c.get("gist") for c in r["claims"])]
    if not old:
        pytest.skip("every report here carries its gists")
    data = page.page_data(old[:1], catalog)
    assert data["completed_from"].endswith("claims.toml")
    applies = {ch["name"] for c in old[0]["claims"] for ch in c.get("changes", ()) if ch.get("applies")}
    for c in data["claims"]:
        known = catalog[c["id"]] if c["id"] in catalog else None
        if known is not None:  # the gist of a range that applies in that report, else the claim's
            ranged = next((d for d in known.differs if d.gist and d.name in applies), None)
            gist, gist_zh = (ranged.gist, ranged.gist_zh) if ranged else (known.gist, known.gist_zh)
            assert (c["gist"], c["gist_zh"], c["claim"], tuple(c["sources"])) == \
                (gist, gist_zh, known.claim, known.sources)
            assert [s["id"] for s in c["statements"]] == [s.id for s in known.statements]
    assert {s["code"] for s in data["sources"]} <= set(catalog.sources)
    without = page.page_data(old[:1])  # no catalog: the page still renders, gists empty
    assert without["completed_from"] == "" and all(c["gist"] == "" for c in without["claims"])
    assert page.render_report(old[0])


def test_pytest_claims_report_html_writes_the_page(tmp_path):
    results = [ClaimResult(id="reshape.squeeze", quote="去掉长度为1的轴", verdict="qualified", status="verified",
                           passed=2, failed=0, skipped=0, truth="t", claim="c", gist="g", gist_zh="要点",
                           statements=[StatementResult(id="a", text="A.", status="verified", passed=2)])]
    path = tmp_path / "claims.html"
    write(path, results, {"torch": "2.14.1", "numpy": "2.4.6"}, {"sources": {}, "not_in_this_run": ["x.y"]})
    html = path.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "去掉长度为1的轴" in html
    assert oct(path.stat().st_mode & 0o777) == "0o644"


def test_tensorspec_changes_html_and_page(tmp_path, capsys):
    reports = tmp_path / "reports"
    reports.mkdir()
    for i, torch in enumerate(("2.4.1", "2.14.1", "1.13.1")):
        (reports / f"r{i}.json").write_text(json.dumps({"versions": {"torch": torch, "numpy": "2.0"}, "claims": [
            {"id": "a.b", "quote": "q", "verdict": "holds", "status": "verified", "truth": "t", "facts": {},
             "changes": [{"name": "old", "range": "before torch 2.5", "verdict": "holds", "truth": "old truth",
                          "applies": torch != "2.14.1"}]}]}))
    out = tmp_path / "docs" / "changes.html"
    assert main(["changes", str(reports), "--html", str(out), "--catalog", str(ROOT / "spec" / "claims.toml")]) == 0
    assert "wrote" in capsys.readouterr().out
    data = json.loads(re.search(r'application/json">(.*?)</script>', out.read_text(), re.S).group(1))
    assert [c["torch"] for c in data["configs"]] == ["1.13.1", "2.4.1", "2.14.1"]
    assert data["claims"][0]["cells"] == ["c0", "c0", "v"]
    single = tmp_path / "claims.html"
    assert main(["page", str(reports / "r0.json"), "-o", str(single)]) == 0
    assert json.loads(re.search(r'application/json">(.*?)</script>', single.read_text(), re.S).group(1))["mode"] == "report"
    assert main(["page", str(tmp_path / "missing.json"), "-o", str(single)]) == 2


def test_the_template_ships_with_the_package():
    assert resources.files("tensorspec.claims").joinpath("templates/page.html.j2").is_file()
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "templates/*.html.j2" in pyproject["tool"]["setuptools"]["package-data"]["tensorspec.claims"]
    assert any(d.lower().startswith("jinja2") for d in pyproject["project"]["dependencies"])


# ---- in a real browser ---------------------------------------------------------------------------

CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium); "
                                                             "the page is not checked in a browser")


def dump_dom(path: Path, fragment: str, profile: Path) -> str:
    """The page's DOM after its script ran, as headless Chromium serialises it."""
    url = path.as_uri() + ("#" + fragment if fragment else "")
    done = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                           "--disable-extensions", f"--user-data-dir={profile}", "--dump-dom", url],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


class Cards(HTMLParser):
    """The claim cards of a DOM dump: ID, verdict, the gist's text, the timeline cells."""

    def __init__(self, html: str):
        super().__init__()
        self.cards: list[dict] = []
        self.scripts = 0
        self._in_gist = False
        self.root: dict = {}
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.root = a
        if tag == "script":
            self.scripts += 1
        if tag == "article" and "card" in (a.get("class") or "").split():
            self.cards.append({"id": a.get("data-id"), "verdict": a.get("data-verdict"), "gist": "", "cells": []})
        elif self.cards and tag == "p" and a.get("class") == "gist":
            self._in_gist = True
        elif self.cards and "data-cell" in a:  # a segment of the timeline: its cell and how many configurations
            self.cards[-1]["cells"].append((a["data-cell"], int(a.get("data-span", 1))))

    def handle_endtag(self, tag):
        if tag == "p":
            self._in_gist = False

    def handle_data(self, data):
        if self._in_gist:
            self.cards[-1]["gist"] += data


@pytest.fixture(scope="module")
def changes_page(tmp_path_factory, matrix, catalog) -> Path:
    path = tmp_path_factory.mktemp("page") / "changes.html"
    path.write_text(page.render_changes(matrix, catalog), encoding="utf-8")
    return path


@needs_chromium
def test_the_page_loads_every_card_and_timeline_in_under_a_second(changes_page, matrix, catalog, tmp_path):
    dom = Cards(dump_dom(changes_page, "", tmp_path / "profile"))
    claims = page.page_data(matrix, catalog, mode="changes")["claims"]
    assert [c["id"] for c in dom.cards] == [c["id"] for c in claims]
    for shown, c in zip(dom.cards, claims):  # adjacent configurations with the same cell share a segment
        assert [code for code, span in shown["cells"] for _ in range(span)] == [cell[0] for cell in c["cells"]]
        assert len(shown["cells"]) == 1 + sum(a != b for a, b in zip(c["cells"], c["cells"][1:])), c["id"]
    for shown, c in zip(dom.cards, claims):  # English by default
        assert shown["gist"] == (c["gist"] or c["claim"]).replace("`", "")
    assert dom.root.get("lang") == "en" and len(dom.cards) == len(matrix[-1]["claims"])
    assert int(dom.root["data-render-ms"]) < 1000, dom.root["data-render-ms"]


@needs_chromium
def test_a_filter_and_the_language_from_the_url_fragment(changes_page, matrix, catalog, tmp_path):
    dom = Cards(dump_dom(changes_page, "verdict=refuted&lang=zh", tmp_path / "profile"))
    claims = page.page_data(matrix, catalog, mode="changes")["claims"]
    refuted = [c for c in claims if c["verdict"] == "refuted"]
    assert refuted, "the matrix has refuted claims"
    assert [c["id"] for c in dom.cards] == [c["id"] for c in refuted]
    assert dom.root.get("lang") == "zh-CN"
    for shown, c in zip(dom.cards, refuted):
        assert shown["verdict"] == "refuted"
        assert shown["gist"] == c["gist_zh"].replace("`", "") and CJK.search(shown["gist"]), shown


@needs_chromium
def test_a_hostile_report_runs_no_script_in_the_browser(tmp_path):
    path = tmp_path / "evil.html"
    path.write_text(page.render_report(hostile_report()), encoding="utf-8")
    html = dump_dom(path, "claim=evil.claim", tmp_path / "profile")
    dom = Cards(html)
    assert "data-pwned" not in dom.root
    assert dom.scripts == 2 and "<img" not in html
    assert [c["id"] for c in dom.cards] == ["evil.claim"]
    assert dom.cards[0]["gist"] == HOSTILE  # shown as text
