"""The claim catalog: complete against ../shared/claims.md, and strict about its own format."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from tensorspec.claims.catalog import PENDING, VERDICTS, Catalog, CatalogError

ROOT = Path(__file__).resolve().parents[1]
CATALOG = ROOT / "spec" / "claims.toml"
CLAIMS_MD = ROOT.parent / "shared" / "claims.md"


def shared_ids() -> list[str]:
    if not CLAIMS_MD.is_file():
        pytest.skip(f"{CLAIMS_MD} not found: the catalog cannot be compared with the claim list")
    rows = re.findall(r"^\| ([a-z_]+\.[A-Za-z0-9_]+) \|", CLAIMS_MD.read_text(encoding="utf-8"), re.M)
    return rows


def test_every_listed_claim_is_in_the_catalog_and_nothing_else():
    ids = shared_ids()
    catalog = Catalog.load(CATALOG)
    assert len(ids) == 118, f"claims.md lists {len(ids)} IDs"
    missing = [i for i in ids if i not in catalog]
    assert not missing, f"catalog lacks {missing}"
    extra = [c.id for c in catalog if c.id not in ids and c.id.rsplit(".", 1)[0] not in ids]
    assert not extra, f"catalog has claims that are neither listed nor sub-claims of listed ones: {extra}"


def test_every_claim_has_a_quote_an_english_claim_and_a_decided_verdict():
    catalog = Catalog.load(CATALOG)
    for c in catalog:
        assert c.quote and c.claim and c.sources, f"{c.id}: empty quote, claim or sources"
    undecided = [c.id for c in catalog if c.verdict == PENDING]
    assert not undecided, f"claims whose tests have not decided a verdict yet: {undecided}"


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "claims.toml"
    path.write_text(body, encoding="utf-8")
    return path


ENTRY = 'id = "a.b"\nsources = ["DL1"]\nquote = "q"\nclaim = "c"\n'


@pytest.mark.parametrize("body, message", [
    ("[[claim]]\n" + ENTRY + 'verdict = "maybe"\ntruth = ""\n', "is not one of"),
    ("[[claim]]\n" + ENTRY + 'verdict = "refuted"\ntruth = ""\n', "needs a truth text"),
    ("[[claim]]\n" + ENTRY + 'verdict = "holds"\n', "missing field(s) truth"),
    ("[[claim]]\n" + ENTRY + 'verdict = "holds"\ntruth = ""\nnote = 1\n', "unknown field(s) note"),
    ("[[claim]]\n" + ENTRY.replace("a.b", "nodot") + 'verdict = "holds"\ntruth = ""\n', "group.name"),
    (("[[claim]]\n" + ENTRY + 'verdict = "holds"\ntruth = ""\n') * 2, "appears twice"),
    ("[[claim\n", "not valid TOML"),
    ("x = 1\n", "expected [[claim]] tables"),
])
def test_a_malformed_catalog_is_refused_with_the_reason(tmp_path, body, message):
    with pytest.raises(CatalogError, match=re.escape(message)) as info:
        Catalog.load(_write(tmp_path, body))
    assert str(tmp_path) in str(info.value), "the error should name the file"


def test_a_missing_catalog_and_an_unknown_id_say_what_is_wrong(tmp_path):
    with pytest.raises(CatalogError, match="claim catalog not found"):
        Catalog.load(tmp_path / "nope.toml")
    catalog = Catalog.load(CATALOG)
    with pytest.raises(KeyError, match="did you mean creation.as_tensor_shares"):
        catalog["creation.as_tensor_share"]
    assert set(VERDICTS) == {"holds", "qualified", "refuted", "outdated"}
