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

VERIFIED, BROKEN, NOT_RUN, NO_TEST = "verified", "broken", "not run", "no test"
STATUSES = (VERIFIED, BROKEN, NOT_RUN, NO_TEST)


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
    # every release range whose truth differs: {"name", "range", "when", "truth", "verdict", "applies"}
    changes: list[dict] = field(default_factory=list)
    deprecations: list[str] = field(default_factory=list)  # met on the claim's code paths in this run


def claim_results(catalog: Catalog, outcomes: Iterable[dict]) -> list[ClaimResult]:
    """One result per catalog claim, in catalog order, from per-test outcome records."""
    counts: dict[str, Counter] = {c.id: Counter() for c in catalog}
    reasons: dict[str, dict[str, None]] = {c.id: {} for c in catalog}
    failed_tests: dict[str, list[str]] = {c.id: [] for c in catalog}
    facts: dict[str, dict] = {c.id: {} for c in catalog}
    deprecated: dict[str, dict[str, None]] = {c.id: {} for c in catalog}
    for rec in outcomes:
        for cid in rec["claims"]:
            if cid in deprecated:
                deprecated[cid].update(dict.fromkeys(rec.get("deprecations", ())))
        for claim_id, name, value in rec.get("facts", ()):
            if claim_id in facts:
                facts[claim_id][name] = value
        outcome = rec["outcome"]
        if outcome is None:  # setup passed but the test never finished (interrupted)
            continue
        for cid in rec["claims"]:
            if cid not in counts:
                continue
            counts[cid][outcome] += 1
            if outcome == "skipped":
                reasons[cid][rec["reason"]] = None
            elif outcome == "failed":
                failed_tests[cid].append(rec.get("nodeid", ""))
    results = []
    for c in catalog:
        n = counts[c.id]
        if n["failed"]:
            status = BROKEN
        elif n["passed"]:
            status = VERIFIED
        elif n["skipped"]:
            status = NOT_RUN
        else:
            status = NO_TEST
        changes = [{"name": d.name, "range": d.range, "when": [str(r) for r in d.when], "truth": d.truth,
                    "verdict": d.verdict or c.verdict, "applies": d.applies} for d in c.differs]
        results.append(ClaimResult(
            id=c.id, quote=c.quote, verdict=c.installed_verdict, status=status, passed=n["passed"],
            failed=n["failed"], skipped=n["skipped"], truth=c.installed_truth, changes=changes,
            deprecations=list(deprecated[c.id]),
            skip_reasons=list(reasons[c.id]), failed_tests=[t for t in failed_tests[c.id] if t],
            facts=facts[c.id], measured=c.measured))
    return results


def summary_lines(results: list[ClaimResult]) -> list[str]:
    by_verdict = Counter(r.verdict for r in results)
    by_status = Counter(r.status for r in results)
    verdicts = ", ".join(f"{by_verdict[v]} {v}" for v in VERDICTS + (PENDING,) if by_verdict[v])
    statuses = ", ".join(f"{by_status[s]} {s}" for s in STATUSES if by_status[s])
    lines = ["", "=" * 30 + " claims " + "=" * 30,
             f"{len(results)} claims: {verdicts}", f"status: {statuses}"]
    for r in results:
        if r.status == BROKEN:
            lines.append(f"BROKEN   {r.id} [{r.verdict}]: the recorded truth no longer holds "
                         f"({r.failed} failed)" + "".join(f"\n           {t}" for t in r.failed_tests))
    for r in results:
        if r.status == NOT_RUN:
            lines.append(f"NOT RUN  {r.id}: " + "; ".join(r.skip_reasons))
    untested: dict[str, list[str]] = {}
    for r in results:
        if r.status == NO_TEST:
            untested.setdefault(r.id.split(".", 1)[0], []).append(r.id.split(".", 1)[1])
    if untested:
        lines.append(f"NO TEST  {sum(map(len, untested.values()))} claims had no test in this run:")
        lines += [f"           {group}: {', '.join(names)}" for group, names in untested.items()]
    for r in results:
        lines += [f"DEPRECATED {r.id}: {d}" for d in r.deprecations]
    for r in results:
        for ch in r.changes:
            if ch["applies"]:
                lines.append(f"VERSION  {r.id} [{ch['verdict']}] {ch['range']} (installed): {_short(ch['truth'])}")
    for r in results:
        for name, value in r.facts.items():
            lines.append(f"FACT     {r.id}: {name} = {value}")
    return lines


def _short(text: str, width: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


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


def write(path: Path, results: list[ClaimResult], versions: dict) -> None:
    """Write the report atomically (a reader never sees half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = to_markdown(results, versions) if path.suffix == ".md" else to_json(results, versions)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)


def to_json(results: list[ClaimResult], versions: dict) -> str:
    return json.dumps({"versions": versions, "claims": [asdict(r) for r in results]},
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
