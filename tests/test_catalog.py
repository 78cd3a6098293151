"""The claim catalog: complete against ../shared/claims.md, and strict about its own format."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from tensorspec.claims.catalog import PENDING, VERDICTS, Catalog, CatalogError

ROOT = Path(__file__).resolve().parents[1]
CATALOG = ROOT / "spec" / "claims.toml"
CLAIMS_MD = ROOT.parent / "shared" / "claims.md"


def test_the_catalog_holds_every_claim_it_covers_and_nothing_else():
    catalog = Catalog.load(CATALOG)
    assert len(catalog.covers) == 118 and len(set(catalog.covers)) == 118, "covers lists the 118 claims of the notes"
    missing = [i for i in catalog.covers if i not in catalog]
    assert not missing, f"catalog lacks {missing}"
    extra = [c.id for c in catalog if c.id not in catalog.covers and c.id.rsplit(".", 1)[0] not in catalog.covers]
    assert not extra, f"catalog has claims that are neither covered nor sub-claims of covered ones: {extra}"


def test_covers_is_the_list_of_the_notes_where_it_is_at_hand():
    """The repository is self-contained (covers); where ../shared/claims.md is beside it, they agree."""
    if not CLAIMS_MD.is_file():
        pytest.skip(f"{CLAIMS_MD} not found: covers cannot be compared with the shared claim list")
    rows = re.findall(r"^\| ([a-z_]+\.[A-Za-z0-9_]+) \|", CLAIMS_MD.read_text(encoding="utf-8"), re.M)
    assert list(Catalog.load(CATALOG).covers) == rows


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


DIFFERS = ('[[claim.differs]]\nname = "old_way"\nwhen = ["torch<1.0"]\nverdict = "refuted"\n'
           'truth = "the old behaviour"\n')


def test_a_difference_applies_only_in_its_range_and_changes_the_installed_truth(tmp_path):
    body = "[[claim]]\n" + ENTRY + 'verdict = "holds"\ntruth = "new"\n'
    old = Catalog.load(_write(tmp_path, body + DIFFERS))["a.b"]
    assert [d.name for d in old.differs] == ["old_way"] and old.differs[0].range == "before torch 1.0"
    assert not old.current and old.installed_verdict == "holds" and old.installed_truth == "new"
    now = Catalog.load(_write(tmp_path, body + DIFFERS.replace("torch<1.0", "torch>=1.0")))["a.b"]
    assert now.differs[0].range == "since torch 1.0"
    assert now.installed_verdict == "refuted"
    assert now.installed_truth == "new\nOn the installed versions (since torch 1.0): the old behaviour"
    between = Catalog.load(_write(tmp_path, body + DIFFERS.replace("torch<1.0", "torch>=1.0,<1.0.2")))["a.b"]
    assert between.differs[0].range == "from torch 1.0 to before 1.0.2"
    absent = Catalog.load(_write(tmp_path, body + DIFFERS.replace("torch<1.0", "tensorflow>=0")))["a.b"]
    from tensorspec.claims.versions import installed
    assert bool(absent.current) == (installed("tensorflow") is not None)


@pytest.mark.parametrize("differs, message", [
    (DIFFERS.replace('when = ["torch<1.0"]\n', ""), "missing field(s) when"),
    (DIFFERS.replace("torch<1.0", "jax<1.0"), "the package must be one of"),
    (DIFFERS.replace("torch<1.0", "torch"), "names no version range"),
    (DIFFERS.replace("torch<1.0", "torch<<1"), "is not a requirement"),
    (DIFFERS.replace("refuted", "perhaps"), "is not one of"),
    (DIFFERS.replace("old_way", "Old Way"), "lower_case identifier"),
    (DIFFERS + DIFFERS, "appears twice"),
])
def test_a_malformed_difference_is_refused_with_the_reason(tmp_path, differs, message):
    body = "[[claim]]\n" + ENTRY + 'verdict = "holds"\ntruth = "new"\n' + differs
    with pytest.raises(CatalogError, match=re.escape(message)):
        Catalog.load(_write(tmp_path, body))


def test_differs_names_are_looked_up_with_suggestions(tmp_path):
    body = "[[claim]]\n" + ENTRY + 'verdict = "holds"\ntruth = "new"\n' + DIFFERS
    catalog = Catalog.load(_write(tmp_path, body))
    assert catalog.difference("old_way")[0].id == "a.b"
    with pytest.raises(KeyError, match="did you mean old_way"):
        catalog.difference("old_wey")


def test_no_test_writes_its_claim_id_again_in_repro_or_claim_fact():
    """The claim marker names a test's claims; repro() and claim_fact() take them from the running test."""
    import ast

    twice = []
    for path in sorted((ROOT / "spec").glob("test_*.py")):
        for fn in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(fn, ast.FunctionDef):
                continue
            ids = {a.value for d in fn.decorator_list if isinstance(d, ast.Call)
                   and getattr(d.func, "attr", "") == "claim" for a in d.args if isinstance(a, ast.Constant)}
            calls = [n for n in ast.walk(fn) if isinstance(n, ast.Call)
                     and getattr(n.func, "id", getattr(n.func, "attr", "")) in ("repro", "claim_fact")]
            twice += [f"{path.name}::{fn.name}: {a.value}" for n in calls
                      for a in [*n.args, *(k.value for k in n.keywords)]
                      if isinstance(a, ast.Constant) and a.value in ids and len(ids) == 1]
    assert not twice, f"claim IDs written again beside their marker: {twice}"


def test_every_statement_has_a_test(spec_map):
    """Each checked statement of each claim is named by at least one spec test's claim marker."""
    catalog = Catalog.load(CATALOG)
    untested = [f"{c.id}:{st.id} ({catalog.where(c.id)})" for c in catalog for st in c.checked_statements
                if f"{c.id}:{st.id}" not in spec_map]
    assert not untested, f"{len(untested)} statements have no test:\n" + "\n".join(untested)


def _differs_read_in_spec() -> dict[str, list[str]]:
    """The names passed as string literals to differs(...) in spec/ and the spec's helpers
    (src/tensorspec/testing), with where."""
    import ast

    read: dict[str, list[str]] = {}
    for path in sorted([*(ROOT / "spec").glob("*.py"), *(ROOT / "src" / "tensorspec" / "testing").glob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "differs"
                    and node.args and isinstance(node.args[0], ast.Constant)):
                read.setdefault(node.args[0].value, []).append(f"{path.name}:{node.lineno}")
    return read


def test_every_release_range_is_read_by_a_test():
    """A [[claim.differs]] range no test reads with differs(name) is a truth nothing asserts; a name
    read in spec/ must exist in the catalog."""
    catalog = Catalog.load(CATALOG)
    read = _differs_read_in_spec()
    unread = [f"{name} ({catalog.where(c.id)})" for name, (c, _) in catalog.differences.items() if name not in read]
    assert not unread, "ranges no test reads with differs(name):\n" + "\n".join(unread)
    unknown = [f"{name} ({', '.join(where)})" for name, where in read.items() if name not in catalog.differences]
    assert not unknown, f"differs() names that are not in the catalog: {unknown}"


def test_a_statement_range_names_statements_of_its_claim_and_the_truth_follows_the_range(tmp_path):
    body = ("[[claim]]\n" + ENTRY + 'verdict = "holds"\n'
            '[[claim.statement]]\nid = "s1"\ntext = "new one"\n'
            '[[claim.statement]]\nid = "s2"\ntext = "two"\n'
            '[[claim.statement]]\nid = "why"\ntext = "a reason"\ncontext = true\n'
            '[[claim.differs]]\nname = "old_way"\nwhen = ["torch>=1.0"]\n'
            '[[claim.differs.statement]]\nid = "s1"\ntext = "old one"\n')
    claim = Catalog.load(_write(tmp_path, body))["a.b"]
    assert [st.id for st in claim.checked_statements] == ["s1", "s2"]
    assert claim.statement_in_force("s1")[0].text == "old one" and claim.statement_in_force("s2")[1] is None
    assert claim.installed_truth == "old one two a reason"
    with pytest.raises(CatalogError, match="names statement.s. s9 that the claim does not have"):
        Catalog.load(_write(tmp_path, body.replace('id = "s1"\ntext = "old one"', 'id = "s9"\ntext = "x"')))
    with pytest.raises(CatalogError, match="appear twice"):
        Catalog.load(_write(tmp_path, body.replace('"s2"', '"s1"')))
    with pytest.raises(CatalogError, match="has no 'truth' text"):
        Catalog.load(_write(tmp_path, body.replace('verdict = "holds"\n', 'verdict = "holds"\ntruth = "t"\n')))
    with pytest.raises(CatalogError, match="lower_case identifier"):
        Catalog.load(_write(tmp_path, body.replace('"s2"', '"S 2"')))


def test_every_claim_has_a_gist_in_english_and_chinese_and_every_source_code_a_legend():
    catalog = Catalog.load(CATALOG)
    no_gist = [c.id for c in catalog if not (c.gist and c.gist_zh)]
    assert not no_gist, f"claims without gist / gist_zh: {no_gist}"
    not_chinese = [c.id for c in catalog if not re.search(r"[\u4e00-\u9fff]", c.gist_zh)]
    assert not not_chinese, f"gist_zh without Chinese text: {not_chinese}"
    codes = {code for c in catalog for code in c.sources}
    assert not codes - set(catalog.sources), f"source codes without a [sources.CODE] legend: {codes - set(catalog.sources)}"
