"""``tensorspec compare OLD.json NEW.json``: what changed between two claims reports.

For each claim whose verdict, status, truth or facts differ between two reports (two releases, two
machines), one row: the claim, the field, the old and the new value.  ``--markdown`` prints a
Markdown table instead, and ``--fail-on-change`` exits 1 when anything changed, as
``pytest --benchmark-compare-fail`` does for speed.
"""
from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass
from pathlib import Path

FIELDS = ("verdict", "status", "truth")


class ReportError(ValueError):
    """A report file that cannot be read; the message names the file and the reason."""


@dataclass(frozen=True)
class Change:
    claim: str
    field: str  # verdict | status | truth | fact NAME | claim (only in one report)
    old: str
    new: str


def load(path: str | Path) -> dict:
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReportError(f"{path}: no such report (write one with pytest spec --claims-report {path.name})") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ReportError(f"{path}: not a JSON claims report: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("claims"), list):
        raise ReportError(f"{path}: not a claims report (no 'claims' list); write one with --claims-report X.json")
    return data


def label(versions: dict) -> str:
    """``torch 2.4.1, numpy 2.0.2, tensorflow 2.18.1``: the versions a report ran against."""
    keys = ("torch", "numpy", "tensorflow", "cuda", "device")
    return ", ".join(f"{k} {versions[k]}" for k in keys if versions.get(k))


def changes(old: dict, new: dict) -> list[Change]:
    """Every difference per claim, in the NEW report's claim order (then claims only OLD has)."""
    before = {c["id"]: c for c in old["claims"]}
    after = {c["id"]: c for c in new["claims"]}
    out: list[Change] = []
    for cid in list(after) + [c for c in before if c not in after]:
        a, b = before.get(cid), after.get(cid)
        if a is None or b is None:
            out.append(Change(cid, "claim", "absent" if a is None else "present", "absent" if b is None else "present"))
            continue
        out += [Change(cid, f, str(a.get(f, "")), str(b.get(f, ""))) for f in FIELDS if a.get(f) != b.get(f)]
        fa, fb = a.get("facts") or {}, b.get("facts") or {}
        out += [Change(cid, f"fact {name}", str(fa.get(name, "—")), str(fb.get(name, "—")))
                for name in list(fb) + [n for n in fa if n not in fb] if fa.get(name) != fb.get(name)]
    return out


def _truth_diff(old: str, new: str) -> tuple[str, str]:
    """The parts of two truths that differ (their common first sentences left out)."""
    a, b = old.split("\n"), new.split("\n")
    common = 0
    while common < min(len(a), len(b)) and a[common] == b[common]:
        common += 1
    return "\n".join(a[common:]) or "(nothing more)", "\n".join(b[common:]) or "(nothing more)"


def _cells(ch: Change) -> tuple[str, str]:
    return _truth_diff(ch.old, ch.new) if ch.field == "truth" else (ch.old, ch.new)


def to_text(old: dict, new: dict, found: list[Change], width: int = 100) -> str:
    lines = [f"OLD  {label(old.get('versions', {}))}", f"NEW  {label(new.get('versions', {}))}", ""]
    if not found:
        return "\n".join(lines + ["no claim changed: same verdicts, statuses, truths and facts"]) + "\n"
    claims = list(dict.fromkeys(c.claim for c in found))
    lines.append(f"{len(claims)} claims changed ({len(found)} fields)")
    for cid in claims:
        lines += ["", cid]
        for ch in (c for c in found if c.claim == cid):
            old_text, new_text = _cells(ch)
            lines.append(f"  {ch.field}")
            lines += textwrap.wrap(old_text, width, initial_indent="    - ", subsequent_indent="      ")
            lines += textwrap.wrap(new_text, width, initial_indent="    + ", subsequent_indent="      ")
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "<br>")


def to_markdown(old: dict, new: dict, found: list[Change]) -> str:
    lines = [f"Old: {label(old.get('versions', {}))}  ", f"New: {label(new.get('versions', {}))}", ""]
    if not found:
        return "\n".join(lines + ["No claim changed."]) + "\n"
    lines += ["| claim | field | old | new |", "|---|---|---|---|"]
    for ch in found:
        old_text, new_text = _cells(ch)
        lines.append(f"| `{ch.claim}` | {ch.field} | {_md(old_text)} | {_md(new_text)} |")
    return "\n".join(lines) + "\n"


def run(args) -> int:
    old, new = load(args.old), load(args.new)
    found = changes(old, new)
    print(to_markdown(old, new, found) if args.markdown else to_text(old, new, found), end="")
    return 1 if (args.fail_on_change and found) else 0
