"""The claims report: per-claim results from test outcomes, as a summary, JSON or Markdown."""
from __future__ import annotations

import json
import os
import platform
import tempfile
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable

from tensorspec.claims import versions as _versions
from tensorspec.claims.catalog import VERDICTS, PENDING, Catalog

VERIFIED, BROKEN, PARTLY, NOT_RUN, NO_TEST = "verified", "broken", "partly run", "not run", "no test"
STATUSES = (VERIFIED, BROKEN, PARTLY, NOT_RUN, NO_TEST)
CONTEXT = "context"  # a statement no test checks


@dataclass
class StatementResult:
    id: str
    text: str  # as it is on the installed versions
    status: str  # VERIFIED, BROKEN, NOT_RUN, NO_TEST, or CONTEXT
    range: str = ""  # the release range whose text this is, where not the catalog's main one
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    skip_reasons: list[str] = field(default_factory=list)
    failed_tests: list[str] = field(default_factory=list)


@dataclass
class ClaimResult:
    id: str
    quote: str
    verdict: str
    status: str
    passed: int
    failed: int
    skipped: int
    truth: str
    skip_reasons: list[str] = field(default_factory=list)
    failed_tests: list[str] = field(default_factory=list)
    facts: dict[str, object] = field(default_factory=dict)
    measured: str = ""
    # every release range whose truth differs: {"name", "range", "when", "truth", "verdict", "applies",
    # "statements": [{"id", "text"}], "gist", "gist_zh"}
    changes: list[dict] = field(default_factory=list)
    deprecations: list[str] = field(default_factory=list)  # met on the claim's code paths in this run
    claim: str = ""  # the English claim sentence
    sources: list[str] = field(default_factory=list)
    gist: str = ""
    gist_zh: str = ""
    statements: list[StatementResult] = field(default_factory=list)
    measured_facts: list[str] = field(default_factory=list)  # facts that are measurements, not behaviour
    where: str = ""  # spec/claims.toml:LINE


def _status(n: Counter) -> str:
    if n["failed"]:
        return BROKEN
    if n["passed"]:
        return VERIFIED
    if n["skipped"]:
        return NOT_RUN
    return NO_TEST


def _claim_status(statuses: list[str]) -> str:
    """A claim is verified only when each of its checked statements is."""
    if BROKEN in statuses:
        return BROKEN
    if statuses and all(s == VERIFIED for s in statuses):
        return VERIFIED
    if VERIFIED in statuses:
        return PARTLY
    if NOT_RUN in statuses:
        return NOT_RUN
    return NO_TEST


def _named(claims) -> dict[str, list[str]]:
    """An outcome record's claims: {claim: [statements]} (a plain list of claim IDs: no statements)."""
    return claims if isinstance(claims, dict) else {cid: [] for cid in claims}


def claim_results(catalog: Catalog, outcomes: Iterable[dict], *, touched_only: bool = True) -> list[ClaimResult]:
    """One result per claim the run touched (every catalog claim with ``touched_only=False``), in
    catalog order, from per-test outcome records."""
    keys = [(c.id, st.id) for c in catalog for st in c.statements] + [(c.id, "") for c in catalog]
    counts: dict[tuple, Counter] = {k: Counter() for k in keys}
    reasons: dict[tuple, dict[str, None]] = {k: {} for k in keys}
    failed_tests: dict[tuple, list[str]] = {k: [] for k in keys}
    facts: dict[str, dict] = {c.id: {} for c in catalog}
    deprecated: dict[str, dict[str, None]] = {c.id: {} for c in catalog}
    touched: set[str] = set()
    for rec in outcomes:
        named = _named(rec["claims"])
        touched.update(named)
        for cid in named:
            if cid in deprecated:
                deprecated[cid].update(dict.fromkeys(rec.get("deprecations", ())))
        for claim_id, name, value in rec.get("facts", ()):
            if claim_id in facts:
                facts[claim_id][name] = value
        outcome = rec["outcome"]
        if outcome is None:  # setup passed but the test never finished (interrupted)
            continue
        for cid, statements in named.items():
            for key in [(cid, "")] + [(cid, sid) for sid in statements]:
                if key not in counts:
                    continue
                counts[key][outcome] += 1
                if outcome == "skipped":
                    reasons[key][rec["reason"]] = None
                elif outcome == "failed" and rec.get("nodeid"):
                    failed_tests[key].append(rec["nodeid"])
    results = []
    for c in catalog:
        if touched_only and c.id not in touched:
            continue
        statements = []
        for st in c.statements:
            text, diff = c.statement_in_force(st.id)
            key = (c.id, st.id)
            n = counts[key]
            statements.append(StatementResult(
                id=st.id, text=text.text, status=CONTEXT if st.context else _status(n),
                range=diff.range if diff else "", passed=n["passed"], failed=n["failed"], skipped=n["skipped"],
                skip_reasons=list(reasons[key]), failed_tests=failed_tests[key]))
        n = counts[(c.id, "")]
        checked = [s.status for s in statements if s.status != CONTEXT]
        status = _claim_status(checked) if c.statements else _status(n)
        changes = [{"name": d.name, "range": d.range, "when": [str(r) for r in d.when], "truth": d.truth,
                    "verdict": d.verdict or c.verdict, "applies": d.applies, "gist": d.gist, "gist_zh": d.gist_zh,
                    "statements": [{"id": st.id, "text": st.text} for st in d.statements]} for d in c.differs]
        results.append(ClaimResult(
            id=c.id, quote=c.quote, verdict=c.installed_verdict, status=status, passed=n["passed"],
            failed=n["failed"], skipped=n["skipped"], truth=c.installed_truth, changes=changes,
            deprecations=list(deprecated[c.id]),
            skip_reasons=list(reasons[(c.id, "")]), failed_tests=failed_tests[(c.id, "")],
            facts=facts[c.id], measured=c.measured, claim=c.claim, sources=list(c.sources),
            gist=c.installed_gist, gist_zh=c.installed_gist_zh, statements=statements,
            measured_facts=list(c.measured_facts), where=catalog.where(c.id)))
    return results


def run_info(catalog: Catalog, results: list[ClaimResult]) -> dict:
    """What the report was made from: the catalog (its hash, so stale evidence shows) and the claims
    the run did not touch."""
    ran = {r.id for r in results}
    return {"catalog": {"path": "spec/claims.toml", "sha256": catalog.sha256, "claims": len(catalog),
                        "statements": sum(len(c.statements) for c in catalog)},
            "not_in_this_run": [c.id for c in catalog if c.id not in ran],
            "sources": {code: {"title": src.title, "title_zh": src.title_zh} for code, src in catalog.sources.items()}}


def versions() -> dict[str, str | None]:
    """Versions of what the spec runs against; TensorFlow is looked up without importing it."""
    import numpy
    import torch

    device = f"cpu ({platform.processor() or platform.machine()})"
    if torch.cuda.is_available():
        try:
            device = torch.cuda.get_device_name(0)
        except Exception as exc:  # noqa: BLE001 - a report must not crash on a broken driver
            device = f"cuda (name unavailable: {exc})"
    return {
        "python": platform.python_version(),
        "torch": torch.__version__,
        "numpy": numpy.__version__,
        "tensorflow": str(tf) if (tf := _versions.installed("tensorflow")) else None,
        "cuda": torch.version.cuda,
        "device": device,
    }


SUFFIXES = (".json", ".md", ".html")


def write(path: Path, results: list[ClaimResult], versions: dict, run: dict | None = None) -> None:
    """Write the report atomically (a reader never sees half a file), readable by all (0644)."""
    if path.suffix == ".md":
        text = to_markdown(results, versions)
    elif path.suffix == ".html":
        from tensorspec.claims import page

        text = page.render_report(json.loads(to_json(results, versions, run)))
    else:
        text = to_json(results, versions, run)
    write_text(path, text)


def write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically, mode 0644 (a report is for others to read)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def to_json(results: list[ClaimResult], versions: dict, run: dict | None = None) -> str:
    return json.dumps({"versions": versions, **(run or {}), "claims": [asdict(r) for r in results]},
                      ensure_ascii=False, indent=2, default=str) + "\n"


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", "<br>")


def to_markdown(results: list[ClaimResult], versions: dict) -> str:
    by_status = Counter(r.status for r in results)
    lines = ["# tensorspec claims report", "",
             "Versions: " + ", ".join(f"{k} {v}" for k, v in versions.items()), "",
             "Status: " + ", ".join(f"{by_status[s]} {s}" for s in STATUSES if by_status[s]), "",
             "| ID | the note's words | verdict | status | truth |", "|---|---|---|---|---|"]
    for r in results:
        truth = r.truth or ("as the note says" if r.verdict == "holds" else "")
        extra = [f"{k} = {v}" for k, v in r.facts.items()] + ([r.measured] if r.measured else [])
        extra += r.deprecations
        extra += [f"{ch['range']} [{ch['verdict']}]: {ch['truth']}" for ch in r.changes if not ch["applies"]]
        if r.status == NOT_RUN:
            extra.append("not run: " + "; ".join(r.skip_reasons))
        if extra:
            truth += "<br>" + "<br>".join(extra)
        lines.append(f"| `{r.id}` | {_cell(r.quote)} | {r.verdict} | {r.status} | {_cell(truth)} |")
    return "\n".join(lines) + "\n"
