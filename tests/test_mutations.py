"""The specification can fail: every planted semantic change (tests/mutants/*.py) turns its claim red.

Opt-in (``pytest tests/test_mutations.py --mutants``): one pool process (``python -m
tensorspec.harness.mutation``) runs every selected mutant in its own forked child, with the tests of
its claim; the claims report must then call the claim ``broken``.  One test per mutant reads its
result: a survivor fails with its description and the run's tail, a mutant whose claim could not
run here (no data, no CUDA, a timeout) skips with the reason.  ``-k NAME`` runs only those mutants.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from tensorspec.harness import mutation

ROOT = Path(__file__).resolve().parents[1]
MUTANTS = mutation.load_tables(mutation.default_tables(ROOT))


def test_the_table_is_large_and_covers_every_group():
    from tensorspec.claims.catalog import Catalog

    catalog = Catalog.load(ROOT / "spec" / "claims.toml")
    unknown = [m.claim for m in MUTANTS if m.claim not in catalog]
    assert not unknown, f"mutants name unknown claims: {unknown}"
    groups = {c.group for c in catalog}
    covered = {m.claim.split(".")[0] for m in MUTANTS}
    print(f"{len(MUTANTS)} mutants over {len(covered)} of {len(groups)} claim groups")
    assert len(MUTANTS) >= 40, f"only {len(MUTANTS)} mutants; the self-check asks for at least 40"
    assert covered == groups, f"groups without a mutant: {sorted(groups - covered)}"


def test_every_statement_has_a_planted_change_or_says_why_none_can_be_planted():
    """A statement no planted change turns red could be a test that cannot fail."""
    from tensorspec.claims.catalog import Catalog

    catalog = Catalog.load(ROOT / "spec" / "claims.toml")
    planted = {(m.claim, m.statement) for m in MUTANTS}
    unknown = [f"{m.name}: {m.selector}" for m in MUTANTS if m.statement and m.statement not in
               {st.id for st in catalog[m.claim].statements}]
    assert not unknown, f"mutants name statements their claim does not have: {unknown}"
    legacy = [m.name for m in MUTANTS if not m.statement and catalog[m.claim].statements]
    assert not legacy, f"mutants of claims written as statements must name their statement: {legacy}"
    bare = [f"{c.id}:{st.id} ({catalog.where(c.id)})" for c in catalog for st in c.checked_statements
            if (c.id, st.id) not in planted and not st.no_mutant]
    assert not bare, (f"{len(bare)} statements have no planted change (tests/mutants) and no no_mutant reason "
                      "in the catalog:\n" + "\n".join(bare))


def test_a_mutant_is_named_by_its_table_and_function_and_described_by_its_docstring(monkeypatch):
    from tensorspec.harness.mutation import registry

    monkeypatch.setattr(registry, "REGISTRY", {})

    def rounds_up(mp):
        """math.floor   rounds
        up."""
    rounds_up.__module__ = "_tensorspec_mutants.demo"  # as load_tables imports tests/mutants/demo.py
    mutation.mutant("reduce.whole")(rounds_up)
    assert list(registry.REGISTRY.values()) == [
        mutation.Mutant("demo.rounds_up", "reduce.whole", "math.floor rounds up.", rounds_up)]
    mutation.mutant("reduce.whole", "by_dim")(rounds_up)
    assert registry.REGISTRY["demo.rounds_up"].selector == "reduce.whole:by_dim"
    with pytest.raises(TypeError, match="docstring must describe the planted change"):
        mutation.mutant("reduce.whole")(lambda mp: None)


def test_wrap_passes_the_original_in_and_undo_restores_it():
    def floor(x):
        return int(x // 1)

    owner, mp = SimpleNamespace(floor=floor), pytest.MonkeyPatch()

    @mutation.wrap(mp, owner, "floor")
    def rounds_up(orig, x):
        return orig(x) + 1

    assert (owner.floor(2.5), owner.floor.__name__) == (3, "floor")
    mp.undo()
    assert owner.floor is floor


def test_wrap_also_patches_the_holders_that_re_export_the_function():
    def floor(x):
        return int(x // 1)

    module, package, mp = SimpleNamespace(floor=floor), SimpleNamespace(floor=floor), pytest.MonkeyPatch()

    @mutation.wrap(mp, module, "floor", also=[package])
    def rounds_up(orig, x):
        return orig(x) + 1

    assert (module.floor(2.5), package.floor(2.5)) == (3, 3)
    mp.undo()
    assert module.floor is floor and package.floor is floor


def test_per_spelling_plants_the_change_once_per_spelling_in_the_calling_table(monkeypatch):
    import torch

    from tensorspec.harness.mutation import registry

    monkeypatch.setattr(registry, "REGISTRY", {})

    @mutation.per_spelling("reduce.whole", "by_dim", "neg_{kind}_adds_one", "`{form}` adds one ({spelling} only).",
                           {"-t": "Tensor.__neg__", "t.neg()": "Tensor.neg", "torch.neg(t)": "torch.neg"})
    def adds_one(orig, t):
        return orig(t) + 1

    table = __name__.rpartition(".")[2]
    assert {m.name: (m.selector, m.description) for m in registry.REGISTRY.values()} == {
        f"{table}.neg_operator_adds_one": ("reduce.whole:by_dim", "`-t` adds one (Tensor.__neg__ only)."),
        f"{table}.neg_method_adds_one": ("reduce.whole:by_dim", "`t.neg()` adds one (Tensor.neg only)."),
        f"{table}.neg_function_adds_one": ("reduce.whole:by_dim", "`torch.neg(t)` adds one (torch.neg only).")}
    registry.REGISTRY[f"{table}.neg_method_adds_one"].patch(monkeypatch)
    t = torch.tensor([1])
    assert (t.neg().item(), (-t).item(), torch.neg(t).item()) == (0, -1, -1)


def test_when_changes_one_case_and_raising_replaces_the_call_by_an_error():
    doubles_negatives = mutation.when(lambda x: x < 0, lambda orig, x: 2 * orig(x))
    assert [doubles_negatives(abs, x) for x in (-2, 3)] == [4, 3]
    refuses_zero = mutation.when(lambda x: x == 0, mutation.raising(ZeroDivisionError, "no zero"))
    assert refuses_zero(abs, -5) == 5
    with pytest.raises(ZeroDivisionError, match="no zero"):
        refuses_zero(abs, 0)


def test_a_spelling_names_its_owner_and_one_of_a_missing_library_skips():
    import torch

    assert mutation.owner_of("torch.nn.functional.linear") == (torch.nn.functional, "linear")
    assert mutation.owner_of("Tensor.__add__") == (torch.Tensor, "__add__")
    assert [mutation.kind_of(s) for s in ("Tensor.__add__", "Tensor.add", "torch.add")] == [
        "operator", "method", "function"]
    with pytest.raises(pytest.skip.Exception, match="no_such_library not installed"):
        mutation.owner_of("no_such_library.add")


@pytest.fixture(scope="session")
def self_check(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """Run the selected mutants once, in one pool process; their results by name."""
    config = request.config
    if hasattr(config, "workerinput"):
        pytest.skip("the mutation self-check runs its own pool of processes: run it without -n")
    selected = [item.callspec.params["m"].name for item in request.session.items
                if item.originalname == "test_mutant_is_killed"]
    work = tmp_path_factory.mktemp("mutants")
    out = work / "results.json"
    cmd = [sys.executable, "-m", "tensorspec.harness.mutation", *selected, "--root", str(ROOT), "--json", str(out),
           "--workdir", str(work), "--jobs", str(config.getoption("mutant_jobs")),
           "--timeout", str(config.getoption("mutant_timeout"))]
    capman = config.pluginmanager.getplugin("capturemanager")
    with capman.global_and_fixture_disabled():  # one progress line per mutant, as they finish
        print(f"\nmutation self-check: {len(selected)} mutants, {config.getoption('mutant_jobs')} at a time",
              file=sys.stderr, flush=True)
        subprocess.run(cmd, cwd=ROOT, check=False)
    if not out.exists():
        pytest.fail("the mutation pool wrote no results (see its output above)", pytrace=False)
    return {r["name"]: r for r in json.loads(out.read_text())["results"]}


@pytest.mark.mutants
@pytest.mark.parametrize("m", MUTANTS, ids=lambda m: m.name)
def test_mutant_is_killed(m: mutation.Mutant, self_check: dict[str, dict], record_property):
    r = self_check[m.name]
    record_property("mutant_outcome", r["outcome"])
    if r["outcome"] in (mutation.NOT_RUN, mutation.TIMED_OUT):
        pytest.skip(f"{m.name} could not run here: {r['reason']}")
    assert r["outcome"] == mutation.KILLED, (
        f"mutant {m.name} ({m.description}) {r['outcome'].upper()}: {r['reason']}\n"
        f"ran: {' '.join(r['target'])} --claim {m.selector}\n{r['tail']}")
