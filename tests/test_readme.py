"""The README's list of the claims the notes get wrong is the catalog's (tensorspec readme --write)."""
from __future__ import annotations

from pathlib import Path

from tensorspec.claims import readme
from tensorspec.claims.catalog import Catalog

ROOT = Path(__file__).resolve().parents[1]


def test_the_readme_lists_exactly_the_claims_the_catalog_calls_wrong():
    catalog = Catalog.load(ROOT / "spec" / "claims.toml")
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme.replace_block(text, readme.block(catalog)) == text, (
        "README.md's list of wrong claims differs from the catalog: run `tensorspec readme --write`")
    wrong = [c.id for c in catalog if c.verdict in readme.WRONG]
    assert wrong and all(f"`{cid}`" in text for cid in wrong)


def test_the_readme_counts_are_the_catalogs_and_the_mutant_tables():
    """The counts written by hand in the README: claims, statements, planted changes."""
    import re

    from tensorspec.harness.mutation.registry import default_tables, load_tables

    catalog = Catalog.load(ROOT / "spec" / "claims.toml")
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    claims, statements = len(list(catalog)), sum(len(c.statements) for c in catalog)
    assert f"({claims} claims, written as {statements} short statements)" in text, (
        f"README.md: write '({claims} claims, written as {statements} short statements)'")
    planted = len(load_tables(default_tables(ROOT)))
    assert re.search(rf"plant {planted} semantic changes", text), f"README.md: write 'plant {planted} semantic changes'"
