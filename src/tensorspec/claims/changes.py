"""``tensorspec changes REPORT...``: the document of what changed between releases.

Built from claims reports only (``pytest spec --claims-report reports/NAME.json``, one per
configuration of the release matrix), so the committed document can be checked against the committed
reports.  It holds the configurations, one table claim × configuration, and the changes in words with
the release each came in.  The table stays readable with the whole matrix (29 configurations): adjacent
configurations whose cells agree for every claim share a column headed by their torch releases
(``2.4.0–2.7.1``), a cell that differs from its left neighbour is bold, and the claims that are the same
everywhere are listed once under the table.  ``--html PATH`` writes the same as a page
(``page.render_changes``): a row of coloured cells per claim in the manner of caniuse, adjacent
configurations with the same cell drawn as one.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

from packaging.version import InvalidVersion, Version

from tensorspec.claims.compare import label, load

CELLS = {"verified": "✓", "changed": "Δ", "partly run": "◐", "broken": "✗", "not run": "–", "no test": "·"}
LEGEND = ("✓ verified with the catalog's truth · Δ2 verified with the truth of the claim's release range 2 "
          "(numbered under *What changed* below) · ◐ partly run (some statements skipped, e.g. GPU-only ones) · "
          "✗ broken · – not run (skipped with a reason) · · no test in that run. **Bold**: the cell differs from "
          "the one on its left, so the claim changed in that column's first release.")


def config_name(versions: dict) -> str:
    """A configuration's short name: ``torch 2.4.1 / np 2.0.2 / tf 2.18.1`` (+ the GPU where there was one)."""
    parts = [f"torch {str(versions.get('torch', '?')).split('+')[0]}", f"np {versions.get('numpy', '?')}"]
    parts.append(f"tf {versions['tensorflow']}" if versions.get("tensorflow") else "no tf")
    if versions.get("cuda") and not str(versions.get("device", "cpu")).startswith("cpu"):  # a GPU ran it
        parts.append(f"cuda {versions['cuda']} {versions.get('device', '')}".strip())
    return " / ".join(parts)


def _sort_key(report: dict):
    v = report.get("versions", {})

    def ver(key):
        try:
            return Version(str(v.get(key) or "0"))
        except InvalidVersion:
            return Version("0")
    return ver("torch"), ver("numpy"), ver("tensorflow"), bool(v.get("cuda"))


def cell(claim: dict) -> str:
    if claim["status"] in ("verified", "partly run") and any(ch.get("applies") for ch in claim.get("changes", ())):
        return CELLS["changed"]
    return CELLS.get(claim["status"], "?")


def catalog_note(report: dict, sha256: str | None) -> str:
    """How a report's catalog compares with the current one: "current", "older catalog" or "unknown"."""
    theirs = (report.get("catalog") or {}).get("sha256")
    if not theirs:
        return "unknown (the report predates catalog hashes)"
    if sha256 is None:
        return theirs[:10]
    return "current" if theirs == sha256 else f"older catalog ({theirs[:10]})"


def _applied(claim: dict) -> list[str]:
    return [ch["name"] for ch in claim.get("changes", ()) if ch.get("applies")]


def _runs(indices: list[int]) -> list[tuple[int, int]]:
    """Consecutive runs of sorted indices: [1, 2, 3, 7] -> [(1, 3), (7, 7)]."""
    runs: list[tuple[int, int]] = []
    for i in indices:
        if runs and runs[-1][1] == i - 1:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs


def _span(first: str, last: str) -> str:
    return first if first == last else f"{first}–{last}"


def _seen(where: list[int], torches: list[str]) -> str:
    """``#1–#9: torch 1.13.1–2.7.1``: the configurations (1-based) where a range applied, by run."""
    if not where:
        return "none of these configurations"
    runs = _runs(where)
    return (", ".join(_span(f"#{a}", f"#{b}") for a, b in runs) + ": torch "
            + ", ".join(_span(torches[a - 1], torches[b - 1]) for a, b in runs))


def columns(cells: list[tuple[str, ...]]) -> list[list[int]]:
    """The configurations (indices, in release order) as columns: adjacent ones whose cells agree for
    every claim share one."""
    groups: list[list[int]] = []
    for i, col in enumerate(cells):
        if groups and cells[groups[-1][0]] == col:
            groups[-1].append(i)
        else:
            groups.append([i])
    return groups


def column_labels(groups: list[list[int]], torches: list[str]) -> list[str]:
    """A column's heading: its torch releases (``2.3.1–2.7.1``), with its configurations' numbers where
    two columns would read alike (the same torch with another NumPy, say)."""
    labels = [_span(torches[g[0]], torches[g[-1]]) for g in groups]
    return [f"{label} ({_span(f'#{g[0] + 1}', f'#{g[-1] + 1}')})" if labels.count(label) > 1 else label
            for label, g in zip(labels, groups)]


def _table(claims: list[str], cells: list[tuple[str, ...]], groups: list[list[int]], labels: list[str]) -> list[str]:
    """The claim × column table of the claims whose cells differ between columns (bold where a cell
    differs from its left neighbour), then the others once each, by their one cell."""
    rows = {cid: [cells[g[0]][k] for g in groups] for k, cid in enumerate(claims)}
    varying = [cid for cid in claims if len(set(rows[cid])) > 1]
    out = []
    if varying:
        out += ["| claim | " + " | ".join(labels) + " |", "|---|" + "---|" * len(groups)]
        for cid in varying:
            row = rows[cid]
            out.append(f"| `{cid}` | " + " | ".join(
                f"**{text}**" if j and text != row[j - 1] and text.strip() else text for j, text in enumerate(row)) + " |")
    else:
        out.append("No claim's cell differs between the configurations.")
    same: dict[str, list[str]] = {}
    for cid in claims:
        if cid not in varying:
            same.setdefault(rows[cid][0], []).append(cid)
    if same:
        words = {symbol: status for status, symbol in CELLS.items()}
        words[CELLS["changed"]] = "verified with the truth of the ranges numbered below"
        order = list(CELLS.values())
        out += ["", "### The same in every configuration", ""]
        out += [f"- {text} {words.get(text[:1], 'unknown status')} ({len(ids)}): " + ", ".join(f"`{cid}`" for cid in ids)
                for text, ids in sorted(same.items(), key=lambda item: (
                    order.index(item[0][:1]) if item[0][:1] in order else len(order), item[0]))]
    return out


def _what_changed(claims: list[str], by: list[dict], ranges: dict[str, list[str]], torches: list[str]) -> list[str]:
    """Per claim with release ranges: the catalog's truth, then each range, numbered as the Δ cells
    name them, with the configurations where it applied."""
    out = []
    for cid in claims:
        if not ranges[cid]:
            continue
        newest = next(b[cid] for b in reversed(by) if cid in b)
        main_truth = newest["truth"].split("\nOn the installed versions")[0]
        out += [f"### `{cid}`", "", f"**Catalog truth** ({newest['verdict']}): {main_truth}", ""]
        for n, name in enumerate(ranges[cid], 1):
            ch = next(ch for b in by for ch in (b.get(cid) or {}).get("changes", ()) if ch["name"] == name)
            where = [i for i, b in enumerate(by, 1) if name in _applied(b.get(cid) or {})]
            out.append(f"{n}. **{ch['range']}** ({ch['verdict']}; seen in {_seen(where, torches)}): {ch['truth']}")
        out.append("")
    return out or ["No claim's truth depends on the release in these configurations."]


def render(paths: list[Path], catalog_sha256: str | None = None) -> str:
    """The document; with ``catalog_sha256`` (the current catalog's), reports run with another catalog
    are named as stale evidence."""
    reports = sorted((load(p) for p in paths), key=_sort_key)
    if not reports:
        raise ValueError("no reports given")
    notes = [catalog_note(r, catalog_sha256) for r in reports]
    names = [config_name(r.get("versions", {})) for r in reports]
    torches = [str(r.get("versions", {}).get("torch", "?")).split("+")[0] for r in reports]
    claims = list(dict.fromkeys(c["id"] for r in reports for c in r["claims"]))
    by = [{c["id"]: c for c in r["claims"]} for r in reports]
    # every release range a claim knows, numbered in order of first appearance; a Δ cell names the ranges
    # that applied there, so the columns split where those change too
    ranges = {cid: list(dict.fromkeys(ch["name"] for b in by for ch in (b.get(cid) or {}).get("changes", ())))
              for cid in claims}

    def shown(b: dict, cid: str) -> str:
        if cid not in b:
            return " "
        text = cell(b[cid])
        if text == CELLS["changed"]:
            text += ",".join(str(ranges[cid].index(name) + 1) for name in _applied(b[cid]))
        return text

    cells = [tuple(shown(b, cid) for cid in claims) for b in by]
    groups = columns(cells)
    labels = column_labels(groups, torches)
    column_of = {i: labels[k] for k, g in enumerate(groups) for i in g}
    same = sum(len({cells[g[0]][k] for g in groups}) == 1 for k in range(len(claims)))
    out = ["# Changes by version", "",
           "Generated by `tensorspec changes reports/*.json -o docs/changes-by-version.md` from the committed "
           "claims reports of the release matrix (`nox -s spec`); `tests/test_compare.py` checks that it "
           "matches them. Do not edit by hand.", "",
           (f"{len(reports)} configurations in {len(groups)} columns, {len(claims)} claims ({len(claims) - same} "
            f"that differ between the columns, {same} the same in every configuration)."), ""]
    stale = [i for i, note in enumerate(notes, 1) if note != "current"] if catalog_sha256 else []
    if stale:
        out += [f"**Stale evidence:** {len(stale)} of {len(reports)} reports were not run with the current "
                f"catalog (configurations {', '.join(f'#{i}' for i in stale)}): re-run them (`nox -s spec`).", ""]
    out += ["## Configurations", "",
            ("In release order. Adjacent configurations whose cells agree for every claim share a column of the "
             "table below, headed by their torch releases."), "",
            "| # | column | configuration | versions | verified | broken | partly run | not run | catalog |",
            "|---|---|---|---|---|---|---|---|---|"]
    for i, r in enumerate(reports):
        n = Counter(c["status"] for c in r["claims"])
        out.append(f"| {i + 1} | {column_of[i]} | {names[i]} | {label(r.get('versions', {}))} | {n['verified']} | "
                   f"{n['broken']} | {n['partly run']} | {n['not run']} | {notes[i]} |")
    out += ["", "## Claim × configuration", "", LEGEND, ""] + _table(claims, cells, groups, labels)
    out += ["", "## What changed, and in which release", ""] + _what_changed(claims, by, ranges, torches)
    broken = [(names[i], c["id"]) for i, r in enumerate(reports) for c in r["claims"] if c["status"] == "broken"]
    if broken:
        out += ["", "## Broken", ""] + [f"- {cid} on {name}" for name, cid in broken]
    return "\n".join(out).rstrip() + "\n"


def current_sha256(path: str | Path | None) -> str | None:
    """The hash of the catalog at ``path`` (default ``spec/claims.toml`` here), or None without one."""
    from tensorspec.claims.catalog import Catalog, CatalogError

    path = Path(path or Path("spec", "claims.toml"))
    try:
        return Catalog.load(path).sha256 if path.is_file() else None
    except CatalogError:
        return None


def run(args) -> int:
    paths = [p for arg in args.reports for p in (sorted(Path(arg).glob("*.json")) if Path(arg).is_dir() else [Path(arg)])]
    if getattr(args, "html", None):
        from tensorspec.claims import page
        from tensorspec.claims.report import write_text

        if not paths:
            raise ValueError("no reports given")
        html = page.render_changes([load(p) for p in paths], catalog=page.optional_catalog(getattr(args, "catalog", None)))
        Path(args.html).parent.mkdir(parents=True, exist_ok=True)
        write_text(Path(args.html), html)
        print(f"wrote {args.html} from {len(paths)} reports")
        if not args.output:
            return 0
    text = render(paths, current_sha256(getattr(args, "catalog", None)))
    if args.output:
        Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"wrote {args.output} from {len(paths)} reports")
    else:
        print(text, end="")
    return 0
