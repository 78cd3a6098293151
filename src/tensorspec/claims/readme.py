"""The README's list of the claims the notes get wrong, generated from the catalog.

    tensorspec readme            # print the block
    tensorspec readme --write    # put it into README.md between its markers
    tensorspec readme --check    # exit 1 when README.md's block differs (tests/test_readme.py does the same)
"""
from __future__ import annotations

from pathlib import Path

from tensorspec.claims.catalog import Catalog

BEGIN = "<!-- BEGIN wrong-claims: generated from spec/claims.toml by `tensorspec readme --write` -->"
END = "<!-- END wrong-claims -->"
WRONG = ("refuted", "outdated")


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())


def wrong_claims(catalog: Catalog) -> str:
    """A Markdown table of the refuted and outdated claims: the note's words, what is true, in English
    and Chinese, and the releases where the verdict differs."""
    rows = [c for c in catalog if c.verdict in WRONG]
    lines = [f"{len(rows)} of the {len(catalog)} claims are wrong on the newest releases "
             f"({sum(c.verdict == 'refuted' for c in rows)} refuted, {sum(c.verdict == 'outdated' for c in rows)} "
             "outdated); `tensorspec list --verdict refuted` prints them, `tensorspec show ID` explains one.", "",
             "| claim | the notes say | verdict | what is true | 要点 |", "|---|---|---|---|---|"]
    for c in rows:
        lines.append(f"| `{c.id}` | {_cell(c.quote)} | {c.verdict} | {_cell(c.gist)} | {_cell(c.gist_zh)} |")
    changed = [(c, d) for c in catalog for d in c.differs if d.verdict and d.verdict != c.verdict]
    if changed:
        lines += ["", "Where a release changes the verdict: " + "; ".join(
            f"`{c.id}` is {d.verdict} {d.range}" for c, d in changed) + "."]
    return "\n".join(lines)


def block(catalog: Catalog) -> str:
    return f"{BEGIN}\n{wrong_claims(catalog)}\n{END}"


def replace_block(readme: str, new_block: str) -> str:
    if BEGIN not in readme or END not in readme:
        raise ValueError(f"README has no {BEGIN!r} ... {END!r} block")
    head, rest = readme.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return head + new_block + tail


def run(args) -> int:
    catalog = Catalog.load(Path(args.catalog or Path("spec", "claims.toml")))
    text = block(catalog)
    readme = Path(args.readme)
    if not (args.write or args.check):
        print(text)
        return 0
    old = readme.read_text(encoding="utf-8")
    new = replace_block(old, text)
    if args.check:
        if new != old:
            print(f"{readme}: the list of wrong claims differs from the catalog's; run `tensorspec readme --write`")
            return 1
        return 0
    readme.write_text(new, encoding="utf-8")
    print(f"{readme}: wrote the list of wrong claims")
    return 0
