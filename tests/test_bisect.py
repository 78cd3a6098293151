"""``tensorspec bisect``: release listing and ordering, the search with a fake probe (no network, no
environments), reading a behaviour from two forced runs, and the ``differs`` override it relies on."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from packaging.version import Version

from tensorspec.claims import context
from tensorspec.claims.catalog import Catalog
from tensorspec.cli import main
from tensorspec.matrix import bisect as b

ROOT = Path(__file__).resolve().parents[1]
V = Version

PIP_OUTPUT = """WARNING: pip index is currently an experimental command.
torch (2.15.0)
Available versions: 2.15.0, 2.14.1, 2.14.0, 2.13.0+cpu, 2.13.0, 2.10.0, 2.9.1, 2.9.0, 2.2.0, 2.1.2, 2.10.0rc1, 2.0.0, 1.13.1
  INSTALLED: 2.13.0+cpu
"""
TORCH = b.final_releases(b.parse_index_versions(PIP_OUTPUT))

CATALOG = """
[[claim]]
id = "a.one"
sources = ["x"]
quote = "q"
claim = "c"
verdict = "holds"
truth = ""
[[claim.differs]]
name = "one_old"
when = ["torch<2.9"]
truth = "old"
[[claim.differs]]
name = "one_numpy"
when = ["torch<2.14", "numpy>=2.3"]
truth = "old numpy"

[[claim]]
id = "a.two"
sources = ["x"]
quote = "q"
claim = "c"
verdict = "holds"
truth = ""
"""


@pytest.fixture
def catalog(tmp_path) -> Catalog:
    path = tmp_path / "claims.toml"
    path.write_text(CATALOG, encoding="utf-8")
    return Catalog.load(path)


def test_releases_are_final_public_and_in_version_order():
    assert TORCH == [V(v) for v in ("1.13.1", "2.0.0", "2.1.2", "2.2.0", "2.9.0", "2.9.1", "2.10.0", "2.13.0",
                                    "2.14.0", "2.14.1", "2.15.0")]  # 2.10.0 after 2.9.1; +cpu once; no rc
    assert b.list_releases("torch", lister=lambda package: PIP_OUTPUT) == TORCH
    with pytest.raises(b.BisectError, match="Available versions"):
        b.parse_index_versions("nothing here")


def test_releases_between_includes_both_ends_and_refuses_unknown_or_reversed_ends():
    assert b.releases_between(TORCH, V("2.2.0"), V("2.10.0")) == [V("2.2.0"), V("2.9.0"), V("2.9.1"), V("2.10.0")]
    with pytest.raises(b.BisectError, match=r"2\.9\.5 is not a published release \(that minor: 2\.9\.0, 2\.9\.1\)"):
        b.releases_between(TORCH, V("2.2.0"), V("2.9.5"))
    with pytest.raises(b.BisectError, match="older release"):
        b.releases_between(TORCH, V("2.10.0"), V("2.2.0"))


def test_targets_resolve_from_a_claim_a_differs_name_or_both(catalog):
    assert b.resolve_targets(catalog, ["a.one"]) == [b.Target("a.one", "one_old"), b.Target("a.one", "one_numpy")]
    assert b.resolve_targets(catalog, ["one_old", "a.one:one_old"]) == [b.Target("a.one", "one_old")]
    assert b.resolve_targets(catalog, ["a.two"]) == [b.Target("a.two")]  # no differs: its status
    with pytest.raises(b.BisectError, match="belongs to a.one"):
        b.resolve_targets(catalog, ["a.two:one_old"])
    with pytest.raises(b.BisectError, match="did you mean a.one"):
        b.resolve_targets(catalog, ["a.onee"])


def test_the_catalog_predicts_each_end_from_the_range_on_the_bisected_package(catalog):
    one, numpy_one = b.Target("a.one", "one_old"), b.Target("a.one", "one_numpy")
    assert b.predicted(catalog, one, "torch", V("2.8.0")) == b.DIFFERS
    assert b.predicted(catalog, one, "torch", V("2.9.0")) == b.TRUTH
    assert b.predicted(catalog, numpy_one, "numpy", V("2.3.0")) == b.DIFFERS  # the torch term is not asked
    assert b.predicted(catalog, one, "numpy", V("2.3.0")) is None
    searches = b.plan(catalog, [one], "torch", TORCH, V("2.2.0"), V("2.10.0"), [])
    assert (searches[0].old, searches[0].new, searches[0].candidates()) == (b.DIFFERS, b.TRUTH, [1, 2])
    with pytest.raises(b.BisectError, match="behave the same way"):
        b.plan(catalog, [one], "torch", TORCH, V("2.9.1"), V("2.10.0"), [])


def _report(torch, status):
    return {"versions": {"torch": torch}, "claims": [{"id": "a.one", "status": status}]}


def test_default_ends_are_the_verified_releases_either_side_of_the_range(catalog):
    reports = [_report("2.13.0+cpu", "verified"), _report("2.2.0", "verified"), _report("2.10.0", "verified"),
               _report("2.9.1", "broken")]  # a broken report is no evidence
    assert b.ends_from_reports(catalog, b.Target("a.one", "one_old"), "torch", reports) == (V("2.2.0"), V("2.10.0"))
    with pytest.raises(b.BisectError, match="--good and --bad"):
        b.ends_from_reports(catalog, b.Target("a.one", "one_old"), "torch", reports[:1])


class FakeProbe:
    """A release behaves the new way from ``first[label]`` on; ``unclear`` releases cannot be told."""

    def __init__(self, first: dict[str, str], unclear=()):
        self.first, self.unclear, self.calls = {k: V(v) for k, v in first.items()}, {V(u) for u in unclear}, []

    def __call__(self, version, targets):
        self.calls.append((str(version), sorted(t.label for t in targets)))
        return {t.label: b.Observation(b.UNCLEAR if version in self.unclear else
                                       b.TRUTH if version >= self.first[t.label] else b.DIFFERS) for t in targets}


def _search(label, releases, old=b.DIFFERS, new=b.TRUTH):
    claim, _, name = label.partition(":")
    return b.Search(b.Target(claim, name or None), releases, 0, len(releases) - 1, old, new)


@pytest.mark.parametrize("first", ["1.0.1", "1.0.5", "1.1.0", "1.3.0", "1.3.1"])
def test_binary_search_finds_the_first_new_release_in_logarithmic_probes(first):
    releases = [V(v) for v in ("1.0.0", "1.0.1", "1.0.2", "1.0.3", "1.0.4", "1.0.5", "1.1.0", "1.2.0", "1.3.0",
                               "1.3.1")]
    s = _search("a.one:x", releases)
    probe = FakeProbe({"a.one:x": first})
    b.run_searches([s], probe, log=lambda line: None)
    assert s.first_new == V(first) and s.last_old == releases[releases.index(V(first)) - 1]
    assert len(probe.calls) <= 4 and not s.unresolved and not s.warnings  # ceil(log2(8 candidates)) + 1


def test_searches_share_their_probes_and_each_release_is_built_once():
    releases = [V(f"2.{i}.0") for i in range(9)]
    a, c = _search("a.one:x", releases), _search("a.one:y", releases)
    probe = FakeProbe({"a.one:x": "2.4.0", "a.one:y": "2.5.0"})
    b.run_searches([a, c], probe, log=lambda line: None)
    assert (a.first_new, c.first_new) == (V("2.4.0"), V("2.5.0"))
    built = [v for v, _ in probe.calls]
    assert len(built) == len(set(built))
    assert probe.calls[0] == ("2.4.0", ["a.one:x", "a.one:y"])  # the common midpoint asks both


def test_a_release_that_cannot_be_told_is_skipped_and_named():
    releases = [V(v) for v in ("1.0.0", "1.0.1", "1.0.2", "1.0.3")]
    s = _search("a.two", releases, old=b.VERIFIED, new=b.BROKEN)

    def probe(version, targets):
        state = b.UNCLEAR if version == V("1.0.2") else b.VERIFIED if version < V("1.0.2") else b.BROKEN
        return {t.label: b.Observation(state) for t in targets}
    b.run_searches([s], probe, log=lambda line: None)
    assert s.done and s.last_old == V("1.0.1") and s.first_new == V("1.0.3") and s.unresolved == [V("1.0.2")]


def test_a_release_out_of_order_is_a_warning():
    releases = [V(v) for v in ("1.0.0", "1.0.1", "1.0.2")]
    s = _search("a.one:x", releases)
    s.record(V("1.0.2"), b.Observation(b.DIFFERS))
    assert s.warnings and "old way after" in s.warnings[0]


def _run(passed, failed, tests=(), reasons=(), status=None):
    return {"status": status or ("broken" if failed else "verified"), "passed": passed, "failed": failed,
            "failed_tests": list(tests), "skip_reasons": list(reasons)}


def test_the_forced_run_that_passes_names_the_behaviour():
    t = b.Target("a.one", "x")
    assert b.classify(t, {True: _run(5, 0), False: _run(4, 1, ["t1"])}).state == b.DIFFERS
    assert b.classify(t, {True: _run(4, 1, ["t1"]), False: _run(5, 0)}).state == b.TRUTH
    # a test failing either way is not about the range: the other tests decide, and it is named
    obs = b.classify(t, {True: _run(3, 2, ["t0", "t1"]), False: _run(4, 1, ["t0"])})
    assert obs.state == b.TRUTH and "failing either way: t0" in obs.detail
    # both pass: not told apart, unless the range's test accepts either behaviour (a missing kernel)
    assert b.classify(t, {True: _run(5, 0), False: _run(5, 0)}).state == b.UNCLEAR
    assert b.classify(t, {True: _run(5, 0), False: _run(5, 0)}, both_pass=b.TRUTH).state == b.TRUTH
    assert b.classify(t, {True: _run(4, 1, ["t0"]), False: _run(4, 1, ["t0"])}, both_pass=b.TRUTH).state == b.TRUTH
    assert b.classify(t, {True: _run(4, 1, ["t1"]), False: _run(4, 1, ["t2"])}).state == b.UNCLEAR
    skipped = _run(0, 0, reasons=["TensorFlow is not installed"], status="not run")
    assert b.classify(t, {True: skipped, False: skipped}).state == b.UNCLEAR
    assert b._needs_tensorflow(skipped)
    assert b.classify(b.Target("a.two"), {None: _run(1, 1, ["t"])}).state == b.BROKEN


def test_pins_give_each_torch_a_numpy_it_supports():
    assert b.pins_for("torch", V("2.2.1"), {}) == {"torch": "2.2.1", "numpy": "1.26.4"}
    assert b.pins_for("torch", V("2.3.0"), {})["numpy"].startswith("2.0")
    assert b.pins_for("torch", V("2.14.0"), {"numpy": "2.3.5"})["numpy"] == "2.3.5"
    assert b.pins_for("numpy", V("1.25.2"), {"torch": "1.13.1"}) == {"torch": "1.13.1", "numpy": "1.25.2"}
    assert b.tensorflow_for_numpy(V("2.0.2")) == "2.18.1" and b.tensorflow_for_numpy(V("2.4.6")) == "2.21.0"
    deps = b.base_requirements(ROOT)
    assert deps and not any(d.startswith(("torch", "numpy", "tensorflow")) for d in deps)


def test_the_suggested_when_moves_only_the_bisected_package(catalog):
    s = b.plan(catalog, [b.Target("a.one", "one_numpy")], "torch", TORCH, V("2.10.0"), V("2.14.1"), [])[0]
    s.record(V("2.13.0"), b.Observation(b.TRUTH))
    assert s.done and b.suggested_when(catalog, s, "torch") == ["torch<2.13", "numpy>=2.3"]
    result = b.result(s, "torch", catalog)
    assert result["first_new"] == "2.13.0" and result["probed"]["2.13.0"]["state"] == b.TRUTH


def test_a_differs_no_test_reads_is_refused(monkeypatch, capsys):
    assert b.read_by_tests(ROOT, "zero_grad_fills_zeros") and b.read_by_tests(ROOT, "bfloat16_complex_is_complex64")
    monkeypatch.setattr(b, "pip_index_versions", lambda package: PIP_OUTPUT)
    monkeypatch.setattr(b, "read_by_tests", lambda root, name: False)
    monkeypatch.chdir(ROOT)
    assert main(["bisect", "zero_grad_fills_zeros", "--dry-run"]) == 2
    assert "no test reads differs('zero_grad_fills_zeros')" in capsys.readouterr().err


def test_spec_files_are_the_modules_naming_the_claim():
    assert b.spec_files(ROOT, "train.zero_grad") == ["spec/test_train_gradients.py"]
    assert b.spec_files(ROOT, "no.such_claim") == ["spec"]


def test_the_cli_lists_releases_and_plans_without_building(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(b, "pip_index_versions", lambda package: PIP_OUTPUT)
    assert main(["bisect", "--package", "torch", "--good", "2.2.0", "--bad", "2.9.1", "--list"]) == 0
    assert capsys.readouterr().out.strip() == "3 torch releases from 2.2.0 to 2.9.1: 2.2.0 2.9.0 2.9.1"
    monkeypatch.chdir(ROOT)
    report = tmp_path / "r"
    report.mkdir()
    for torch in ("2.2.0", "2.14.1"):
        (report / f"{torch}.json").write_text(json.dumps(
            {"versions": {"torch": torch}, "claims": [{"id": "elementwise.unary", "status": "verified"}]}))
    assert main(["bisect", "neg_bool_runtime_error", "--reports", str(report), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "torch 2.2.0 (differs) .. 2.14.1 (truth)" in out and "first probe: torch 2.10.0" in out
    assert main(["bisect", "bfloat16_complex_is_complex64", "--good", "2.14.0", "--bad", "2.14.1", "--dry-run"]) == 2


@pytest.fixture
def toy_catalog_for_differs(monkeypatch, catalog):
    """differs() reads this catalog during the test; the run's own is back before the global-state
    guard looks (a fixture's monkeypatch is undone in its teardown)."""
    monkeypatch.setattr(context, "_catalog", catalog)


def test_assume_differs_forces_the_answer(monkeypatch, toy_catalog_for_differs):
    monkeypatch.setenv(context.ASSUME_ENV, "one_old=true, one_numpy=false")
    assert context.differs("one_old") is True and context.differs("one_numpy") is False
    monkeypatch.setenv(context.ASSUME_ENV, "one_old=maybe")
    with pytest.raises(ValueError, match="name=true or name=false"):
        context.differs("one_old")
    monkeypatch.setenv(context.ASSUME_ENV, "one_old=false")
    with pytest.raises(KeyError, match="no_such"):  # an unknown name stays an error
        context.differs("no_such")
