"""The claims as one self-contained HTML page: a claims report, or the changes across the release matrix.

``render_report(report)`` is what ``pytest spec --claims-report claims.html`` writes (and ``tensorspec
page REPORT.json -o claims.html``); ``render_changes(reports)`` is ``tensorspec changes reports --html
docs/changes.html``: the same page with a row of coloured cells per claim, the configurations ordered
by torch version, in the manner of caniuse (the data holds a cell per configuration; the page draws
adjacent equal ones as one cell, labelled with its torch releases).

The page opens offline: one Jinja2 template (``templates/page.html.j2``, autoescaped) with the CSS and
the script inline, and the data as ONE JSON blob that the script renders.  A report may come from
another machine, so every text it carries reaches the page only as JSON with ``<``, ``>`` and ``&``
escaped (no ``</script>`` can close the blob) and is put into the page by the script as text, never
as HTML.  The page reads its filters from the URL fragment (``page.html#verdict=refuted&lang=zh``), so
a filtered view is a link.

Reports written before the catalog had gists, claim sentences, sources or statements (the committed
matrix reports) are completed from the catalog where one is given.
"""
from __future__ import annotations

import json
from pathlib import Path

from tensorspec.claims import cards
from tensorspec.claims.catalog import VERDICTS, Catalog

#: a cell's status code in the timeline, and the claim statuses they stand for
CELL_CODES = {"verified": "v", "broken": "b", "partly run": "p", "not run": "n", "no test": "t"}


def optional_catalog(path: str | Path | None = None) -> Catalog | None:
    """The catalog at ``path``; without a path, ``spec/claims.toml`` where it exists, else None."""
    if path:
        return cards.load_catalog(path)
    return cards.load_catalog() if cards.DEFAULT_CATALOG.is_file() else None


def _sort_key(report: dict):
    from tensorspec.claims.changes import _sort_key as key

    return key(report)


def _config(report: dict) -> dict:
    from tensorspec.claims.changes import config_name

    v = report.get("versions") or {}
    counts: dict[str, int] = {}
    for c in report.get("claims", ()):
        counts[c.get("status", "?")] = counts.get(c.get("status", "?"), 0) + 1
    return {"name": config_name(v), "torch": str(v.get("torch") or "?").split("+")[0],
            "versions": {k: v[k] for k in ("python", "torch", "numpy", "tensorflow", "cuda", "device") if v.get(k)},
            "counts": counts}


def _statement(st: dict, base: dict | None = None) -> dict:
    out = {"id": st.get("id", ""), "text": st.get("text", ""), "status": st.get("status", "")}
    if base and base.get("context"):
        out["status"] = out["status"] or "context"
    for key in ("range", "skip_reasons", "failed_tests"):
        if st.get(key):
            out[key] = st[key]
    return out


def _claim(cid: str, main: dict | None, catalog: Catalog | None, *, newest_truth: bool = False) -> dict:
    """One claim for the page: the report's fields, completed from the catalog where it lacks them (the
    catalog's words as they are on the report's versions: a range the report says applies replaces them)."""
    main = main or {}
    c = catalog[cid] if catalog is not None and cid in catalog else None
    applied = [d for d in (c.differs if c else ()) if d.name in
               {ch.get("name") for ch in main.get("changes") or () if ch.get("applies")}]

    def pick(key: str, fallback=""):
        value = main.get(key)
        if value:
            return value
        if c is None:
            return fallback
        if key in ("gist", "gist_zh"):
            return next((getattr(d, key) for d in applied if getattr(d, key)), getattr(c, key))
        return getattr(c, key, fallback)

    sources = list(pick("sources", ()))
    statements = [_statement(st) for st in main.get("statements") or ()]
    if not statements and c is not None and c.statements:  # a report from before statements
        for st in c.statements:
            text, where = st.text, ""
            for d in applied:
                for rst in d.statements:
                    if rst.id == st.id:
                        text, where = rst.text, d.range
            statements.append({"id": st.id, "text": text, "status": "context" if st.context else "",
                               **({"range": where} if where else {})})
    out = {"id": cid, "group": cid.split(".", 1)[0], "quote": pick("quote"), "claim": pick("claim"),
           "verdict": main.get("verdict") or (c.verdict if c else ""), "status": main.get("status", "absent"),
           "gist": pick("gist"), "gist_zh": pick("gist_zh"), "sources": sources, "statements": statements}
    if c is not None and c.verdict != out["verdict"]:
        out["catalog_verdict"] = c.verdict
    if not statements:
        truth = main.get("truth") or (c.truth if c else "")
        # the page of several releases states the newest truth; the ranges are shown beside it
        out["truth"] = truth.split("\nOn the installed versions")[0] if newest_truth else truth
    for key in ("facts", "measured", "skip_reasons", "failed_tests", "deprecations", "measured_facts"):
        value = main.get(key) or (getattr(c, key, None) if key == "measured" and c is not None else None)
        if value:
            out[key] = value
    out["where"] = main.get("where") or (catalog.where(cid) if c is not None else "")
    return out


def _ranges(cid: str, indexed: list[dict[str, dict]], catalog: Catalog | None) -> list[dict]:
    """Every release range of a claim (catalog order, then any only the reports know), with the
    statements it replaces."""
    found: dict[str, dict] = {}
    c = catalog[cid] if catalog is not None and cid in catalog else None
    for d in (c.differs if c else ()):
        found[d.name] = {"name": d.name, "range": d.range, "verdict": d.verdict or c.verdict, "gist": d.gist,
                         "gist_zh": d.gist_zh, "truth": d.truth,
                         "statements": [{"id": st.id, "text": st.text} for st in d.statements]}
    for by in reversed(indexed):  # the newest report's words first
        claim = by.get(cid) or {}
        for ch in claim.get("changes") or ():
            entry = found.setdefault(ch["name"], {"name": ch["name"], "range": ch.get("range", ""),
                                                  "verdict": ch.get("verdict", ""), "truth": ch.get("truth", ""),
                                                  "gist": ch.get("gist", ""), "gist_zh": ch.get("gist_zh", ""),
                                                  "statements": ch.get("statements") or []})
            for key in ("gist", "gist_zh", "statements"):
                if not entry.get(key) and ch.get(key):
                    entry[key] = ch[key]
            entry["reported"] = entry.get("reported", 0) + 1  # reports that know the range (older ones may not)
    return list(found.values())


def _by_id(report: dict) -> dict[str, dict]:
    return {c["id"]: c for c in report.get("claims", ())}


def _cell(claim: dict | None, ranges: list[dict]) -> str:
    """``v`` verified, ``c0.2`` verified with the truth of ranges 0 and 2, ``b`` broken, ``p`` partly run,
    ``n`` not run, ``t`` no test, ``-`` not in that report."""
    if claim is None:
        return "-"
    applied = [i for i, rg in enumerate(ranges)
               for ch in claim.get("changes") or () if ch.get("applies") and ch["name"] == rg["name"]]
    code = CELL_CODES.get(claim.get("status", ""), "t")
    if code == "v" and applied:
        return "c" + ".".join(map(str, applied))
    return code + (".".join(map(str, applied)) if applied and code != "t" else "")


def page_data(reports: list[dict], catalog: Catalog | None = None, *, mode: str = "report") -> dict:
    """What the page's script renders: configurations, the legend of sources, groups and claims."""
    if not reports:
        raise ValueError("no reports given")
    reports = sorted(reports, key=_sort_key) if mode == "changes" else list(reports)
    indexed = [_by_id(r) for r in reports]
    main = reports[-1]
    ids = list(dict.fromkeys(cid for by in indexed for cid in by))
    if catalog is not None:  # catalog order; claims only a report knows at the end
        order = {c.id: i for i, c in enumerate(catalog)}
        ids.sort(key=lambda cid: order.get(cid, len(order)))
    claims = []
    for cid in ids:
        newest = next((by[cid] for by in reversed(indexed) if cid in by), None)
        claim = _claim(cid, newest, catalog, newest_truth=mode == "changes")
        claim["ranges"] = _ranges(cid, indexed, catalog)
        if mode == "changes":
            claim["cells"] = [_cell(by.get(cid), claim["ranges"]) for by in indexed]
        else:
            applied = {ch["name"] for ch in (newest or {}).get("changes") or () if ch.get("applies")}
            for rg in claim["ranges"]:
                rg["applies"] = rg["name"] in applied
        claims.append(claim)
    sources = {}
    for code, src in (catalog.sources.items() if catalog is not None else ()):
        sources[code] = {"title": src.title, "title_zh": src.title_zh}
    for r in reversed(reports):
        for code, src in (r.get("sources") or {}).items():
            sources.setdefault(code, {"title": src.get("title", ""), "title_zh": src.get("title_zh", "")})
    used = [s for c in claims for s in c["sources"]]
    for code in used:
        sources.setdefault(code, {"title": "", "title_zh": ""})
    groups = list(dict.fromkeys(c["group"] for c in claims))
    return {
        "mode": mode,
        "configs": [_config(r) for r in reports],
        "catalog": main.get("catalog") or {},  # what the (newest) report was made from
        "completed_from": _shown_path(catalog.path) if catalog is not None and any(
            not (_by_id(r).get(cid) or {}).get("gist") for r in reports[-1:] for cid in ids) else "",
        "not_in_this_run": main.get("not_in_this_run") or [],
        "verdicts": list(VERDICTS),
        "sources": [{"code": code, **sources[code]} for code in sources if code in used],
        "groups": [{"id": g, "en": cards.group_title(g, "en"), "zh": cards.group_title(g, "zh")} for g in groups],
        "claims": claims,
    }


def _shown_path(path) -> str:
    """A path as a reader may see it: relative to the working folder where it can be (no home folders)."""
    path = Path(path or "spec/claims.toml")
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return path.name


def json_blob(data: dict) -> str:
    """The data as JSON that is safe inside ``<script>``: no ``<``, ``>`` or ``&`` can end the element
    or start a comment, and the line separators JavaScript once refused are escaped too."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return text


def _environment():
    import jinja2

    return jinja2.Environment(loader=jinja2.PackageLoader("tensorspec.claims", "templates"),
                              autoescape=jinja2.select_autoescape(("html", "html.j2", "j2")),
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def render(data: dict, title: str) -> str:
    return _environment().get_template("page.html.j2").render(title=title, blob=json_blob(data))


def render_report(report: dict, catalog: Catalog | None = None) -> str:
    """One claims report (the dict of its JSON) as a page."""
    v = report.get("versions") or {}
    title = f"tensorspec claims: torch {v.get('torch', '?')}"
    return render(page_data([report], catalog, mode="report"), title)


def render_changes(reports: list[dict], catalog: Catalog | None = None) -> str:
    """Several claims reports (the release matrix) as a page with a version timeline per claim."""
    data = page_data(reports, catalog, mode="changes")
    torches = [c["torch"] for c in data["configs"]]
    return render(data, f"tensorspec: the claims from torch {torches[0]} to {torches[-1]}")
