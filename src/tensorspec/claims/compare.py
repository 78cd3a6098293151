"""``tensorspec compare OLD.json NEW.json``: what changed between two claims reports.

Behaviour is told apart from measurement.  Behaviour: a claim's verdict and status, its statements
as they are in force (their text and status), the truth of a claim not yet written as statements,
and every fact the catalog does not mark as measured (error messages, result devices).
Measurements (timings, accuracies, fitted values, rounding sizes: the facts a claim lists in
``measured_facts``) are shown but never count as a change, so two runs of the same versions with
different seeds compare equal (``measured_facts`` holds names or shell-style patterns).  The first line counts the changed verdicts, statements and statuses
and says which library's release brought them (from the ``when`` of the release ranges involved).
``--markdown`` prints a Markdown table, and ``--fail-on-change`` exits 1 when behaviour changed, as
``pytest --benchmark-compare-fail`` does for speed.
"""
from __future__ import annotations

import json
import textwrap
from fnmatch import fnmatchcase
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement

LIBRARIES = {"torch": "torch", "numpy": "NumPy", "tensorflow": "TensorFlow", "python": "Python"}


class ReportError(ValueError):
    """A report file that cannot be read; the message names the file and the reason."""


@dataclass(frozen=True)
class Change:
    claim: str
    field: str  # verdict | status | statement ID | truth | fact NAME | claim (only in one report)
    old: str
    new: str
    kind: str = "behaviour"  # behaviour | measurement
    libraries: tuple[str, ...] = ()  # the libraries whose release ranges explain it


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


def _libraries(claim_old: dict, claim_new: dict) -> tuple[str, ...]:
    """The libraries named by the release ranges that apply in one report and not in the other."""
    applies = lambda c: {ch["name"]: ch for ch in c.get("changes", ()) if ch.get("applies")}  # noqa: E731
    a, b = applies(claim_old), applies(claim_new)
    libs: dict[str, None] = {}
    for name in set(a) ^ set(b):
        for text in (a.get(name) or b.get(name)).get("when", ()):
            try:
                libs[LIBRARIES.get(Requirement(text).name, Requirement(text).name)] = None
            except InvalidRequirement:
                continue
    return tuple(sorted(libs))


def _statements(claim: dict) -> dict[str, dict]:
    return {st["id"]: st for st in claim.get("statements") or () if st.get("status") != "context"}


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
        libs = _libraries(a, b)
        out += [Change(cid, f, str(a.get(f, "")), str(b.get(f, "")), libraries=libs)
                for f in ("verdict", "status") if a.get(f) != b.get(f)]
        sa, sb = _statements(a), _statements(b)
        if sa and sb:
            for sid in list(sb) + [s for s in sa if s not in sb]:
                x, y = sa.get(sid, {}), sb.get(sid, {})
                old_text = f"{x.get('text', '(absent)')}" + (f" [{x['status']}]" if x.get("status") else "")
                new_text = f"{y.get('text', '(absent)')}" + (f" [{y['status']}]" if y.get("status") else "")
                if (x.get("text"), x.get("status")) != (y.get("text"), y.get("status")):
                    out.append(Change(cid, f"statement {sid}", old_text, new_text, libraries=libs))
        elif a.get("truth") != b.get("truth"):
            out.append(Change(cid, "truth", str(a.get("truth", "")), str(b.get("truth", "")), libraries=libs))
        measured = set(a.get("measured_facts") or ()) | set(b.get("measured_facts") or ())
        fa, fb = a.get("facts") or {}, b.get("facts") or {}
        out += [Change(cid, f"fact {name}", str(fa.get(name, "—")), str(fb.get(name, "—")),
                       "measurement" if any(fnmatchcase(name, p) for p in measured) else "behaviour", libs)
                for name in list(fb) + [n for n in fa if n not in fb] if fa.get(name) != fb.get(name)]
    return out


def behaviour(found: list[Change]) -> list[Change]:
    return [c for c in found if c.kind == "behaviour"]


_NOUNS = {"verdict": ("verdict", "verdicts"), "statement": ("statement", "statements"),
          "status": ("status", "statuses"), "fact": ("fact", "facts"),
          "claim": ("claim in one report only", "claims in one report only")}


def _measurements(n: int) -> str:
    return "1 measurement differs" if n == 1 else f"{n} measurements differ"


def headline(found: list[Change]) -> str:
    """One line: how many verdicts, statements (or truths), statuses and facts changed, and which
    library's release brought them; measurements only counted apart."""
    real = behaviour(found)
    measured = len(found) - len(real)
    if not real:
        return ("No behaviour changed: same verdicts, statements, statuses and facts"
                + (f"; {_measurements(measured)} (not counted)" if measured else ""))
    kinds = Counter("statement" if c.field.startswith("statement") or c.field == "truth" else c.field.split(" ")[0]
                    for c in real)
    parts = [f"{kinds[k]} {one if kinds[k] == 1 else many}" for k, (one, many) in _NOUNS.items() if kinds[k]]
    by_lib = Counter(lib for c in real for lib in (c.libraries or ("no release range",)))
    brought = ", ".join(f"{n} by {lib}" if lib != "no release range" else f"{n} by no release range of the catalog"
                        for lib, n in by_lib.most_common())
    line = f"{len(set(c.claim for c in real))} claims changed: " + ", ".join(parts) + f" ({brought})"
    if not any(c.field == "verdict" for c in real):
        line += "; no verdict changed"
    if measured:
        line += f"; {_measurements(measured)} (not counted)"
    return line


def to_text(old: dict, new: dict, found: list[Change], width: int = 100) -> str:
    lines = [headline(found), f"OLD  {label(old.get('versions', {}))}", f"NEW  {label(new.get('versions', {}))}"]
    for kind, title in (("behaviour", "Behaviour"), ("measurement", "Measurements (not counted as changes)")):
        these = [c for c in found if c.kind == kind]
        if not these:
            continue
        lines += ["", f"{title}:"]
        for cid in dict.fromkeys(c.claim for c in these):
            mine = [c for c in these if c.claim == cid]
            libs = sorted({lib for c in mine for lib in c.libraries})
            lines += ["", f"{cid}" + (f"  [{', '.join(libs)}]" if libs else "")]
            for ch in mine:
                lines.append(f"  {ch.field}")
                lines += textwrap.wrap(ch.old, width, initial_indent="    old: ", subsequent_indent="         ",
                                       break_long_words=False, break_on_hyphens=False)
                lines += textwrap.wrap(ch.new, width, initial_indent="    new: ", subsequent_indent="         ",
                                       break_long_words=False, break_on_hyphens=False)
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "<br>")


def to_markdown(old: dict, new: dict, found: list[Change]) -> str:
    lines = [headline(found), "", f"Old: {label(old.get('versions', {}))}  ", f"New: {label(new.get('versions', {}))}", ""]
    if not found:
        return "\n".join(lines) + "\n"
    lines += ["| claim | what | kind | release of | old | new |", "|---|---|---|---|---|---|"]
    for ch in found:
        lines.append(f"| `{ch.claim}` | {_md(ch.field)} | {ch.kind} | {', '.join(ch.libraries) or '—'} | "
                     f"{_md(ch.old)} | {_md(ch.new)} |")
    return "\n".join(lines) + "\n"


def run(args) -> int:
    old, new = load(args.old), load(args.new)
    found = changes(old, new)
    print(to_markdown(old, new, found) if args.markdown else to_text(old, new, found), end="")
    return 1 if (args.fail_on_change and behaviour(found)) else 0
