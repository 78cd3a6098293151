"""The outcome of each planted change, read from the claims report its run wrote."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from tensorspec.harness.mutation.registry import Mutant

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


def verdict(m: Mutant, report: Path, status: int) -> tuple[str, str]:
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
