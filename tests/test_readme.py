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
