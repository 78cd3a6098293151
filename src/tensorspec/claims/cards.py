"""``tensorspec list`` and ``tensorspec show``: the claims of the catalog, one line or one card each.

Both read the catalog (and, with ``--report``, a JSON claims report) and nothing else: no torch,
no test run, an answer in well under a second.  ``list`` prints one line per claim (ID, verdict,
gist), filtered by verdict, topic group, source lesson and status; ``show CLAIM`` prints the claim
card: the note's words, what it claims, the verdict and gist, the sources with their titles, the
statements, the release ranges, the facts of a report and the command that runs its tests.
``--lang zh`` answers with the Chinese gists and labels.
"""
from __future__ import annotations

import difflib
import re
import shutil
import unicodedata
from pathlib import Path

from tensorspec.claims.catalog import VERDICTS, Catalog, CatalogError, Claim

DEFAULT_CATALOG = Path("spec") / "claims.toml"
STATUSES = ("verified", "broken", "partly run", "not run", "no test")

#: words for the verdicts, statuses and topic groups, in English and Chinese
VERDICT_ZH = {"holds": "成立", "qualified": "有条件成立", "refuted": "不成立", "outdated": "已过时", "pending": "待定"}
STATUS_ZH = {"verified": "已验证", "broken": "失败", "partly run": "部分运行", "not run": "未运行",
             "no test": "无测试", "context": "背景"}
GROUPS = {
    "device": ("Devices: CPU and GPU", "设备：CPU 与 GPU"),
    "tensor": ("Tensors, rank, axes and shape", "张量、秩、轴与形状"),
    "attrs": ("Tensor attributes", "张量属性"),
    "creation": ("Creating tensors", "创建张量"),
    "bridge": ("Tensors and NumPy", "张量与 NumPy 互转"),
    "reshape": ("Reshape, squeeze, flatten", "reshape、squeeze 与 flatten"),
    "concat": ("Concatenating and stacking", "拼接与堆叠"),
    "elementwise": ("Element-wise operations", "逐元素运算"),
    "broadcasting": ("Broadcasting", "广播"),
    "reduce": ("Reductions and argmax", "归约与 argmax"),
    "autograd": ("Autograd", "自动求导"),
    "data": ("Datasets and DataLoaders", "数据集与 DataLoader"),
    "model": ("Building the network", "构建网络"),
    "train": ("Training", "训练"),
    "experiments": ("Experiments and hyperparameters", "实验与超参数"),
    "misc": ("Other claims", "其他"),
}

LABELS = {
    "en": {"note": "The note", "claim": "Claim", "verdict": "Verdict", "gist": "Gist", "sources": "Sources",
           "statements": "Statements", "truth": "Truth", "ranges": "Release ranges", "facts": "Facts",
           "measured": "Measured", "run": "Run its tests", "status": "Status", "where": "Catalog",
           "changes": "changes", "report": "report", "context": "context, checked by no test",
           "skipped": "skipped", "failed": "failed", "applies": "applies to the report's versions",
           "deprecations": "Deprecations", "of": "of", "claims": "claims", "verdict_there": "verdict there",
           "absent": "not in this run"},
    "zh": {"note": "笔记原文", "claim": "说法", "verdict": "结论", "gist": "要点", "sources": "出处",
           "statements": "陈述", "truth": "实际情况", "ranges": "版本差异", "facts": "运行记录",
           "measured": "实测", "run": "运行它的测试", "status": "状态", "where": "目录位置",
           "changes": "改写", "report": "报告", "context": "背景说明，无测试检查",
           "skipped": "跳过", "failed": "失败", "applies": "适用于该报告的版本",
           "deprecations": "弃用警告", "of": "/", "claims": "条", "verdict_there": "该范围的结论",
           "absent": "本次运行未涉及"},
}


class UsageError(ValueError):
    """A filter, claim ID or file that cannot be used; the message says what is known instead."""


# ---- loading ---------------------------------------------------------------------------------------

def load_catalog(path: str | Path | None = None) -> Catalog:
    """The catalog at ``path``, by default ``spec/claims.toml`` under the current folder."""
    path = Path(path) if path else DEFAULT_CATALOG
    if not path.is_file():
        hint = "" if path != DEFAULT_CATALOG else " (run tensorspec in the project folder, or give --catalog PATH)"
        raise CatalogError(f"claim catalog not found: {path}{hint}")
    return Catalog.load(path)


def load_report(path: str | Path | None) -> dict | None:
    if not path:
        return None
    from tensorspec.claims.compare import load

    return load(path)


# ---- words -----------------------------------------------------------------------------------------

def verdict_word(verdict: str, lang: str = "en") -> str:
    return VERDICT_ZH.get(verdict, verdict) if lang == "zh" else verdict


def status_word(status: str, lang: str = "en") -> str:
    return STATUS_ZH.get(status, status) if lang == "zh" else status


def group_title(group: str, lang: str = "en") -> str:
    en, zh = GROUPS.get(group, (group, group))
    return zh if lang == "zh" else en


def gist(claim: Claim | dict, lang: str = "en") -> str:
    """The gist in ``lang`` (the English one where a Chinese one is missing), else the claim sentence."""
    get = claim.get if isinstance(claim, dict) else (lambda k, d="": getattr(claim, k, d))
    if lang == "zh" and get("gist_zh", ""):
        return get("gist_zh", "")
    return get("gist", "") or get("claim", "")


def source_title(catalog: Catalog, code: str, lang: str = "en") -> str:
    src = catalog.sources.get(code)
    if src is None:
        return ""
    return (src.title_zh or src.title) if lang == "zh" else src.title


# ---- filters ---------------------------------------------------------------------------------------

_RANGE = re.compile(r"([A-Za-z]+)(\d+)-(\d+)")
_LESSON = re.compile(r"([A-Za-z]+)(\d+)")


def source_matches(code: str, wanted: str) -> bool:
    """Does source ``code`` fall under ``wanted``?  ``DL`` covers every Deeplizard lesson (DL9, DL35-39),
    ``CH2`` the sections CH2.1-CH2.5, ``DL36`` the range DL35-39 too; ``DL3`` is not ``DL35``."""
    code, wanted = code.upper(), wanted.upper()
    if code == wanted:
        return True
    m, w = _RANGE.fullmatch(code), _LESSON.fullmatch(wanted)
    if m and w and m[1] == w[1] and int(m[2]) <= int(w[2]) <= int(m[3]):
        return True
    if wanted and code.startswith(wanted):
        nxt = code[len(wanted)]
        return nxt == "." or (wanted[-1].isalpha() and nxt.isdigit())
    return False


def _values(items: list[str] | None) -> list[str]:
    """Repeated or comma-separated option values: ``--verdict refuted,outdated``."""
    return [v.strip() for item in items or () for v in item.split(",") if v.strip()]


def _check(kind: str, wanted: list[str], known, matches=lambda k, w: k == w) -> None:
    known = list(dict.fromkeys(known))
    for w in wanted:
        if not any(matches(k, w) for k in known):
            near = difflib.get_close_matches(w, known, n=3)
            hint = f"; did you mean {', '.join(near)}?" if near else ""
            raise UsageError(f"unknown {kind} {w!r}{hint} (known: {', '.join(known)})")


def report_claims(report: dict | None) -> dict[str, dict]:
    return {c["id"]: c for c in report["claims"]} if report else {}


def status_of(claim_id: str, by_id: dict[str, dict]) -> str:
    """A claim's status in a report; a claim the report lacks had no test in that run."""
    return by_id[claim_id]["status"] if claim_id in by_id else "no test"


def select(catalog: Catalog, *, verdicts=(), groups=(), sources=(), statuses=(), report: dict | None = None,
           query: str = "") -> list[Claim]:
    """The claims that pass every filter (each filter: any of its values), in catalog order."""
    verdicts, groups, sources, statuses = map(_values, (verdicts, groups, sources, statuses))
    _check("verdict", verdicts, VERDICTS + ("pending",))
    _check("group", groups, [c.group for c in catalog])
    _check("source", sources, list(catalog.sources) + [s for c in catalog for s in c.sources], source_matches)
    _check("status", statuses, STATUSES)
    if statuses and report is None:
        raise UsageError("--status needs a report: --report REPORT.json (write one with pytest spec --claims-report)")
    by_id = report_claims(report)
    q = query.lower()
    out = []
    for c in catalog:
        verdict = by_id.get(c.id, {}).get("verdict", c.verdict)
        if verdicts and verdict not in verdicts:
            continue
        if groups and c.group not in groups:
            continue
        if sources and not any(source_matches(s, w) for s in c.sources for w in sources):
            continue
        if statuses and status_of(c.id, by_id) not in statuses:
            continue
        if q and not any(q in t.lower() for t in (c.id, c.quote, c.claim, c.gist, c.gist_zh)):
            continue
        out.append(c)
    return out


# ---- text layout -----------------------------------------------------------------------------------

def width(text: str) -> int:
    """Columns a text takes in a terminal (a CJK character takes two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, columns: int) -> str:
    return text + " " * max(0, columns - width(text))


def _tokens(text: str) -> list[str]:
    """Words, single wide characters (a line may break between two) and spaces."""
    out, word = [], ""
    for ch in text:
        if ch.isspace() or unicodedata.east_asian_width(ch) in "WF":
            if word:
                out.append(word)
                word = ""
            out.append(" " if ch.isspace() else ch)
        else:
            word += ch
    return out + ([word] if word else [])


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def wrap(text: str, columns: int, indent: str = "") -> list[str]:
    """``text`` in lines of at most ``columns`` display columns (a longer word stands alone), indented.
    Control characters (a report's terminal escapes) are shown as U+FFFD, never sent to the terminal."""
    lines, line = [], ""
    room = max(20, columns - width(indent))
    for paragraph in _CONTROL.sub("\ufffd", str(text)).split("\n"):
        for tok in _tokens(paragraph):
            if tok == " ":
                if line and not line.endswith(" "):
                    line += " "
                continue
            if line and width(line.rstrip()) + width(tok) > room:
                lines.append(line.rstrip())
                line = ""
            line += tok
        lines.append(line.rstrip())
        line = ""
    return [indent + ln if ln else "" for ln in lines] or [""]


def terminal_columns() -> int:
    return min(100, shutil.get_terminal_size((100, 24)).columns)


# ---- the two commands ------------------------------------------------------------------------------

def list_lines(catalog: Catalog, claims: list[Claim], *, report: dict | None = None, lang: str = "en") -> list[str]:
    by_id = report_claims(report)
    idw = max((len(c.id) for c in claims), default=0)
    verdict_of = {c.id: by_id.get(c.id, {}).get("verdict", c.verdict) for c in claims}
    vw = max((width(verdict_word(v, lang)) for v in verdict_of.values()), default=0)
    sw = max((width(status_word(status_of(c.id, by_id), lang)) for c in claims), default=0)
    lines = []
    for c in claims:
        row = [c.id.ljust(idw), pad(verdict_word(verdict_of[c.id], lang), vw)]
        if report is not None:
            row.append(pad(status_word(status_of(c.id, by_id), lang), sw))
        row.append(_CONTROL.sub("\ufffd", " ".join(gist(by_id.get(c.id) if by_id.get(c.id, {}).get("gist") else c, lang).split())))
        lines.append(_CONTROL.sub("\ufffd", "  ".join(row)))
    return lines


def footer(n: int, total: int, lang: str) -> str:
    if lang == "zh":
        return f"共 {n} 条说法" + (f"（全部 {total} 条）" if n != total else "")
    return f"{n} of {total} claims" if n != total else f"{total} claims"


def find(catalog: Catalog, claim_id: str) -> Claim:
    """The claim ``claim_id``; UsageError naming close IDs and IDs that contain the words given."""
    if claim_id in catalog:
        return catalog[claim_id]
    near = difflib.get_close_matches(claim_id, [c.id for c in catalog], n=3, cutoff=0.5)
    near += [c.id for c in catalog if claim_id.lower() in c.id.lower() and c.id not in near]
    hint = f"; did you mean {', '.join(near[:6])}?" if near else " (tensorspec list shows every claim)"
    raise UsageError(f"unknown claim ID {claim_id!r}{hint}")


def hang(label: str, text: str, columns: int, indent: int) -> list[str]:
    """``label`` then ``text`` wrapped beside it, the following lines under the text (a hanging indent)."""
    lines = wrap(text, columns - indent)
    first = pad(label, indent - 1) + " " + lines[0] if label else " " * indent + lines[0]
    return [first.rstrip()] + [(" " * indent + ln) if ln else "" for ln in lines[1:]]


def card(catalog: Catalog, claim: Claim, *, report: dict | None = None, lang: str = "en",
         columns: int | None = None) -> str:
    """The claim card as text."""
    L = LABELS[lang]
    columns = columns or terminal_columns()
    r = report_claims(report).get(claim.id)
    lw = max(width(L[k]) for k in ("note", "claim", "verdict", "gist", "sources", "statements", "ranges",
                                   "facts", "measured", "run", "where", "truth", "deprecations")) + 3
    head = f"{claim.id}  {verdict_word(claim.verdict, lang)}"
    if r:
        there = verdict_word(r["verdict"], lang) + ", " if r["verdict"] != claim.verdict else ""
        head += f"  ({L['report']}: {there}{status_word(r['status'], lang)})"
    elif report is not None:
        head += f"  ({L['report']}: {L['absent']})"
    out = [head, "=" * min(columns, width(head))]

    def field(label: str, text: str) -> None:
        out.extend(hang(L[label] if label else "", text, columns, lw))

    field("note", f"“{claim.quote}”")
    field("claim", claim.claim)
    field("gist", gist(r if r and r.get("gist") else claim, lang))
    cw = max(len(s) for s in claim.sources) + 2
    for i, code in enumerate(claim.sources):
        title = source_title(catalog, code, lang)
        sub = hang(code, title, columns - lw, cw)
        out.append((pad(L["sources"], lw) if i == 0 else " " * lw) + sub[0])
        out.extend(" " * lw + ln if ln else "" for ln in sub[1:])
    rstat = {s["id"]: s for s in (r or {}).get("statements", ())}
    if claim.statements:
        out += ["", f"{L['statements']} ({len(claim.statements)}):"]
        for st in claim.statements:
            s = rstat.get(st.id)
            if st.context:
                tag = L["context"]
            elif s:
                tag = status_word(s["status"], lang)
                tag += "".join(f", {n} {L[k]}" for k in ("failed", "skipped") if (n := s.get(k)))
            else:
                tag = ""
            out.append(f"  {st.id}" + (f"  [{tag}]" if tag else ""))
            text = s["text"] if s and s.get("range") else st.text
            out.extend(wrap(text + (f" ({s['range']})" if s and s.get("range") else ""), columns, "    "))
            for reason in (s or {}).get("skip_reasons", ()):
                out.extend(wrap(f"{L['skipped']}: {reason}", columns, "    "))
            for test in (s or {}).get("failed_tests", ()):
                out.extend(wrap(f"{L['failed']}: {test}", columns, "    "))
    else:
        out += ["", f"{L['truth']}:"]
        out.extend(wrap(claim.truth, columns, "    "))
    if r and not claim.statements:
        for reason in r.get("skip_reasons", ()):
            out.extend(wrap(f"{L['skipped']}: {reason}", columns, "    "))
        for test in r.get("failed_tests", ()):
            out.extend(wrap(f"{L['failed']}: {test}", columns, "    "))
    if claim.differs:
        applies = {ch["name"]: ch.get("applies") for ch in (r or {}).get("changes", ())}
        out += ["", f"{L['ranges']} ({len(claim.differs)}):"]
        for d in claim.differs:
            head = f"  {d.range} ({d.name})"
            if d.verdict and d.verdict != claim.verdict:
                head += f", {L['verdict_there']}: {verdict_word(d.verdict, lang)}"
            if applies.get(d.name):
                head += f"  [{L['applies']}]"
            out.append(head)
            g = d.gist_zh if lang == "zh" and d.gist_zh else d.gist
            if g:
                out.extend(wrap(g, columns, "    "))
            if d.statements:
                for st in d.statements:
                    out.extend(wrap(f"{L['changes']} {st.id}: {st.text}", columns, "    "))
            else:
                out.extend(wrap(d.truth, columns, "    "))
    if claim.measured:
        out += ["", f"{L['measured']}:"]
        out.extend(wrap(claim.measured, columns, "    "))
    facts = (r or {}).get("facts") or {}
    if facts:
        out += ["", f"{L['facts']} ({_versions_label(report)}):"]
        for name, value in facts.items():
            out.extend(wrap(f"{name} = {value}", columns, "    "))
    if r and r.get("deprecations"):
        out += ["", f"{L['deprecations']}:"]
        for text in r["deprecations"]:
            out.extend(wrap(text, columns, "    "))
    out.append("")
    field("where", catalog.where(claim.id))
    field("run", f"pytest spec --claim {claim.id}")
    return _CONTROL.sub("\ufffd", "\n".join(out)) + "\n"


def _versions_label(report: dict | None) -> str:
    v = (report or {}).get("versions", {})
    return ", ".join(f"{k} {v[k]}" for k in ("torch", "numpy", "tensorflow") if v.get(k))


def run_list(args) -> int:
    catalog = load_catalog(args.catalog)
    report = load_report(args.report)
    claims = select(catalog, verdicts=args.verdict, groups=args.group, sources=args.source,
                    statuses=args.status, report=report, query=args.search or "")
    for line in list_lines(catalog, claims, report=report, lang=args.lang):
        print(line)
    print(footer(len(claims), len(catalog), args.lang))
    return 0


def run_show(args) -> int:
    catalog = load_catalog(args.catalog)
    report = load_report(args.report)
    for i, claim_id in enumerate(args.claims):
        if i:
            print()
        print(card(catalog, find(catalog, claim_id), report=report, lang=args.lang), end="")
    return 0


def add_parsers(sub) -> None:
    """The ``list`` and ``show`` subcommands of ``tensorspec``."""
    common = dict(catalog=("--catalog", dict(metavar="PATH", help=f"the claim catalog (default: {DEFAULT_CATALOG})")),
                  report=("--report", dict(metavar="REPORT.json", help="statuses and facts from a JSON claims report")),
                  lang=("--lang", dict(choices=("en", "zh"), default="en", help="English or Chinese (中文) gists and labels")))
    p = sub.add_parser("list", help="one line per claim: ID, verdict, gist (filters: --verdict, --group, --source, --status)",
                       description="One line per claim of the catalog: ID, verdict (and status, with --report), gist. "
                                   "Filters take several values, repeated or comma-separated; a claim passes when it "
                                   "matches any value of each filter given.")
    p.add_argument("--verdict", action="append", metavar="VERDICT",
                   help=f"one of {', '.join(VERDICTS)} (with --report: the verdict on the versions of that report)")
    p.add_argument("--group", action="append", metavar="GROUP", help="a topic group: the ID's first part (reshape, creation, ...)")
    p.add_argument("--source", "--lesson", action="append", metavar="CODE", dest="source",
                   help="a source code: DL9 (Deeplizard lesson 9), DL (every Deeplizard lesson), BZ, MF, CH2.5, CH2, ...")
    p.add_argument("--status", action="append", metavar="STATUS", help=f"one of {', '.join(STATUSES)} (needs --report)")
    p.add_argument("--search", metavar="WORDS", help="only claims whose ID, quote, claim or gist contain these words")
    for flag, kw in common.values():
        p.add_argument(flag, **kw)
    p.set_defaults(run=run_list)
    p = sub.add_parser("show", help="the card of a claim: the note's words, verdict, gist, sources, statements, ranges",
                       description="The card of each claim named: the note's words, the claim, verdict and gist, the "
                                   "sources, the statements (with their status from --report), the release ranges, "
                                   "the facts of the report and the command that runs its tests.")
    p.add_argument("claims", nargs="+", metavar="CLAIM", help="claim IDs, e.g. reshape.squeeze")
    for flag, kw in common.values():
        p.add_argument(flag, **kw)
    p.set_defaults(run=run_show)
