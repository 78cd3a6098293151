"""The claims summary at the end of a run: the answer first, the details on request.

pytest's own summary is the model: counts first, then one line per problem.  After the counts come
the claims the notes get wrong on this installation (refuted and outdated, one line each with the
gist), then what is broken (with the failing tests and statements), one line per skip reason with
its count, the claims only partly run, and the release ranges that apply to the installed versions.
Facts (measurements, artifact folders) and every range line come with ``-v`` or ``--claims-facts``.
"""
from __future__ import annotations

from collections import Counter

from tensorspec.claims.catalog import PENDING, VERDICTS
from tensorspec.claims.report import BROKEN, CONTEXT, NO_TEST, NOT_RUN, PARTLY, STATUSES, ClaimResult

WRONG = ("refuted", "outdated")  # the verdicts that mean: the notes are wrong here
SHOWN_RANGES = 3  # range lines shown without -v


def short(text: str, width: int = 150) -> str:
    """One line, cut at a word boundary with an ellipsis where it is too long."""
    text = " ".join(str(text).split())
    if len(text) <= width:
        return text
    cut = text[: width - 1].rsplit(" ", 1)[0]
    return cut + " …"


def installed_line(versions: dict) -> str:
    parts = [f"torch {versions.get('torch')}", f"NumPy {versions.get('numpy')}"]
    parts.append(f"TensorFlow {versions['tensorflow']}" if versions.get("tensorflow") else "no TensorFlow")
    return ", ".join(parts)


def lines(results: list[ClaimResult], *, versions: dict, skipped_tests: Counter | None = None,
          not_in_run: int = 0, verbose: bool = False) -> list[str]:
    """The summary lines; ``skipped_tests`` counts skipped tests by reason."""
    out = ["", "=" * 30 + " claims " + "=" * 30]
    by_verdict = Counter(r.verdict for r in results)
    by_status = Counter(r.status for r in results)
    statements = Counter(st.status for r in results for st in r.statements)
    verdicts = ", ".join(f"{by_verdict[v]} {v}" for v in VERDICTS + (PENDING,) if by_verdict[v])
    statuses = ", ".join(f"{by_status[s]} {s}" for s in STATUSES if by_status[s])
    checked = sum(n for s, n in statements.items() if s != CONTEXT)
    head = f"{len(results)} claims: {verdicts}"
    if not_in_run:
        head += f" ({not_in_run} more in the catalog, not in this run)"
    out.append(head)
    out.append(f"status: {statuses}" + (f"; {statements['verified']} of {checked} statements verified"
                                         if checked else ""))
    wrong = [r for r in results if r.verdict in WRONG]
    if wrong:
        out.append(f"What the notes get wrong on {installed_line(versions)}:")
        for r in wrong:
            out.append(f"  {r.verdict.upper():8} {r.id}: {short(r.gist or r.claim, 120)}")
    for r in results:
        if r.status == BROKEN:
            failing = [st for st in r.statements if st.status == BROKEN]
            out.append(f"BROKEN   {r.id} [{r.verdict}]: the catalog's truth does not hold here ({r.failed} failed; "
                       f"{r.where})")
            out += [f"           statement {st.id}: {short(st.text, 120)}" for st in failing]
            out += [f"           {t}" for t in r.failed_tests]
    for reason, n in (skipped_tests or Counter()).most_common():
        out.append(f"SKIPPED  {n} test{'s' if n != 1 else ''}: {short(reason, 120)}")
    partly = [r for r in results if r.status == PARTLY]
    if partly:
        why = Counter(reason for r in partly for st in r.statements if st.status == NOT_RUN for reason in st.skip_reasons)
        missing = sum(1 for r in partly for st in r.statements if st.status == NO_TEST)
        reasons = [f"{short(reason, 60)} ({n})" for reason, n in why.most_common(2)]
        if missing:
            reasons.append(f"{missing} statement{'s' if missing != 1 else ''} not in this run")
        out.append(f"PARTLY   {len(partly)} claim{'s' if len(partly) != 1 else ''} partly run: {'; '.join(reasons)}"
                   + ("" if verbose else " (-v lists them)"))
        if verbose:
            for r in partly:
                rest = [st.id for st in r.statements if st.status in (NOT_RUN, NO_TEST)]
                out.append(f"           {r.id}: {', '.join(rest)}")
    not_run = [r for r in results if r.status == NOT_RUN]
    if not_run:
        out.append(f"NOT RUN  {len(not_run)} claim{'s' if len(not_run) != 1 else ''}: "
                   + ", ".join(r.id for r in not_run[:6]) + (" …" if len(not_run) > 6 else ""))
    untested = [r.id for r in results if r.status == NO_TEST]
    if untested:
        out.append(f"NO TEST  {len(untested)} claim{'s' if len(untested) != 1 else ''}: {', '.join(untested)}")
    ranges = [(r, ch) for r in results for ch in r.changes if ch["applies"]]
    if ranges:
        out.append(f"VERSIONS installed {installed_line(versions)}: {len(ranges)} release range"
                   f"{'s' if len(ranges) != 1 else ''} of the catalog apply here")
        for r, ch in ranges if verbose else ranges[:SHOWN_RANGES]:
            names = ", ".join(st["id"] for st in ch.get("statements", ())) or "its truth"
            out.append(f"           {r.id} ({names}): the truth {ch['range']} applies")
        if not verbose and len(ranges) > SHOWN_RANGES:
            out.append(f"           … {len(ranges) - SHOWN_RANGES} more with -v")
    deprecated = [(r.id, d) for r in results for d in r.deprecations]
    if deprecated:
        out.append(f"DEPRECATED {len(deprecated)} warning{'s' if len(deprecated) != 1 else ''} on the claims' "
                   "code paths" + ("" if verbose else " (-v lists them)"))
        if verbose:
            out += [f"           {cid}: {short(d, 130)}" for cid, d in deprecated]
    facts = [(r.id, name, value) for r in results for name, value in r.facts.items()]
    if facts and verbose:
        out += [f"FACT     {cid}: {name} = {value}" for cid, name, value in facts]
    elif facts:
        out.append(f"FACTS    {len(facts)} measured facts: -v or --claims-facts shows them")
    return out
