"""The claims plugin, run on a toy catalog and toy spec files (pytester).

Every run is a subprocess: an in-process run would unload and re-import torch's modules, which torch
does not support (its operator libraries register once per process).
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

TOY_CATALOG = '''
[[claim]]
id = "toy.holds"
sources = ["DL1"]
quote = "一 | 二"
claim = "a claim that holds"
verdict = "holds"
truth = ""

[[claim]]
id = "toy.wrong"
sources = ["DL2"]
quote = "错"
claim = "a claim the notes get wrong"
verdict = "refuted"
truth = "the precise truth"

[[claim]]
id = "toy.gpu"
sources = ["DL3"]
quote = "gpu"
claim = "a claim checked on a device"
verdict = "holds"
truth = ""

[[claim]]
id = "toy.untested"
sources = ["DL4"]
quote = "none"
claim = "a claim with no test"
verdict = "holds"
truth = ""

[[claim]]
id = "toy.parts"
sources = ["DL5"]
quote = "两句"
claim = "a claim whose truth is two statements and a context sentence"
verdict = "qualified"

[[claim.statement]]
id = "first"
text = "the first statement"

[[claim.statement]]
id = "second"
text = "the second statement"

[[claim.statement]]
id = "why"
text = "a sentence no test checks"
context = true

[[claim.differs]]
name = "toy_second_differs"
when = ["python >= 3"]

[[claim.differs.statement]]
id = "second"
text = "the second statement, as it is on these versions"
'''

TOY_SPEC = '''
import pytest
from tensorspec.testing.devices import on_devices

@pytest.mark.claim("toy.holds")
def test_holds(claim_fact):
    claim_fact("accuracy", 0.91)

@pytest.mark.claim("toy.wrong")
def test_wrong():
    assert {result}

@pytest.mark.claim("toy.gpu")
@on_devices
def test_gpu(device):
    if device == "cpu":
        pytest.skip("only the GPU variant counts here")

@pytest.mark.claim("toy.parts", "first")
def test_first():
    pass

@pytest.mark.claim("toy.parts", "second")
@on_devices
def test_second(device):
    pass
'''


SRC = Path(__file__).resolve().parents[1] / "src"


@pytest.fixture
def run(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch):
    """Run pytest on the toy files in a subprocess, with the claims plugin and the toy catalog."""
    monkeypatch.setenv("PYTHONPATH", str(SRC))
    pytester.makefile(".toml", claims=TOY_CATALOG)

    def run(*args):
        return pytester.runpytest_subprocess("-p", "tensorspec.claims.plugin", "-p", "tensorspec.harness.guard",
                                             "-p", "tensorspec.testing.devices", "--claims-catalog", "claims.toml",
                                             "-p", "no:randomly", "-p", "no:cacheprovider", *args)

    return run


@pytest.fixture
def toy(pytester: pytest.Pytester, run):
    def toy(*args, result="True"):
        pytester.makepyfile(test_toy=TOY_SPEC.format(result=result))
        return run(*args)

    return toy


def _report(pytester: pytest.Pytester, name: str = "r.json") -> dict:
    data = json.loads((pytester.path / name).read_text(encoding="utf-8"))
    return {c["id"]: c for c in data["claims"]} | {"versions": data["versions"]}


def test_the_summary_answers_first_and_keeps_facts_for_verbose(toy):
    result = toy()
    result.assert_outcomes(passed=4, skipped=3)
    result.stdout.fnmatch_lines([
        "*= claims =*",
        "4 claims: 2 holds, 1 qualified, 1 refuted (1 more in the catalog, not in this run)",
        "status: 3 verified, 1 not run; 2 of 2 statements verified",
        "What the notes get wrong on torch *, NumPy *:",
        "  REFUTED  toy.wrong: a claim the notes get wrong",
        "SKIPPED  2 tests: CUDA not available*",
        "SKIPPED  1 test: only the GPU variant counts here",
        "NOT RUN  1 claim: toy.gpu",
        "VERSIONS installed torch *: 1 release range of the catalog apply here",
        "*toy.parts (second): the truth since python 3 applies",
        "FACTS    1 measured facts: -v or --claims-facts shows them",
    ])
    assert "FACT     toy.holds" not in result.stdout.str()
    toy("--claims-facts").stdout.fnmatch_lines(["FACT     toy.holds: accuracy = 0.91"])


def test_a_failing_test_marks_its_claim_broken(toy, pytester):
    result = toy("--claims-report", "r.json", result="False")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["BROKEN   toy.wrong ?refuted?: the catalog's truth does not hold here (1 failed; "
                                 "claims.toml:*)", "*test_toy.py::test_wrong"])
    assert _report(pytester)["toy.wrong"]["status"] == "broken"


def test_the_json_report(toy, pytester):
    toy("--claims-report", "r.json").assert_outcomes(passed=4, skipped=3)
    report = _report(pytester)
    assert set(report["versions"]) == {"python", "torch", "numpy", "tensorflow", "cuda", "device"}
    assert [report[i]["status"] for i in ("toy.holds", "toy.wrong", "toy.gpu")] == [
        "verified", "verified", "not run"]
    assert "toy.untested" not in report, "a claim the run did not touch is not reported as untested"
    data = json.loads((pytester.path / "r.json").read_text(encoding="utf-8"))
    assert data["not_in_this_run"] == ["toy.untested"] and len(data["catalog"]["sha256"]) == 64
    assert (pytester.path / "r.json").stat().st_mode & 0o777 == 0o644, "a report is readable by others"
    wrong = report["toy.wrong"]
    assert {k: wrong[k] for k in ("id", "verdict", "passed", "failed", "skipped", "truth")} == {
        "id": "toy.wrong", "verdict": "refuted", "passed": 1, "failed": 0, "skipped": 0,
        "truth": "the precise truth"}
    assert report["toy.gpu"]["skipped"] == 2 and "CUDA not available" in report["toy.gpu"]["skip_reasons"]
    assert report["toy.holds"]["facts"] == {"accuracy": 0.91}


def test_the_markdown_report_is_a_table_a_learner_can_read(toy, pytester):
    toy("--claims-report", "r.md")
    text = (pytester.path / "r.md").read_text(encoding="utf-8")
    assert "| ID | the note's words | verdict | status | truth |" in text
    assert "| `toy.wrong` | 错 | refuted | verified | the precise truth |" in text
    assert "一 \\| 二" in text, "a | inside a cell must be escaped"
    assert "not run: " in text and "CUDA not available" in text


def test_an_unknown_claim_id_is_a_collection_error_with_a_suggestion(pytester, run):
    pytester.makepyfile(test_bad='import pytest\n@pytest.mark.claim("toy.hold")\ndef test_x(): pass\n'
                                 '@pytest.mark.claim()\ndef test_y(): pass\n')
    result = run()
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(["*test_x: unknown claim ID 'toy.hold'*did you mean toy.holds*",
                                 "*test_y: @pytest.mark.claim needs at least one claim ID*",
                                 "*1 error during collection*"])


def test_claim_selects_the_tests_of_one_claim_or_group(toy):
    toy("--claim", "toy.wrong").assert_outcomes(passed=1)
    toy("--claim", "toy").assert_outcomes(passed=4, skipped=3)
    result = toy("--claim", "toy.nope")
    assert result.ret == pytest.ExitCode.USAGE_ERROR


def test_each_statement_has_its_status_and_a_claim_is_verified_only_when_all_are(toy, pytester):
    toy("--claims-report", "r.json").assert_outcomes(passed=4, skipped=3)
    parts = _report(pytester)["toy.parts"]
    by_id = {st["id"]: st for st in parts["statements"]}
    assert {k: v["status"] for k, v in by_id.items()} == {"first": "verified", "second": "verified",
                                                          "why": "context"}
    assert parts["status"] == "verified"
    assert by_id["second"]["text"] == "the second statement, as it is on these versions"
    assert by_id["second"]["range"] == "since python 3"
    assert by_id["second"]["skip_reasons"] and "CUDA not available" in by_id["second"]["skip_reasons"][0]


def test_a_run_of_one_statement_reports_its_claim_partly_run_and_nothing_else(toy, pytester):
    toy("--claim", "toy.parts:first", "--claims-report", "r.json").assert_outcomes(passed=1)
    report = _report(pytester)
    assert set(report) - {"versions"} == {"toy.parts"}
    assert report["toy.parts"]["status"] == "partly run"
    assert [st["status"] for st in report["toy.parts"]["statements"]] == ["verified", "no test", "context"]
    assert toy("--claim", "toy.parts:nope").ret == pytest.ExitCode.USAGE_ERROR


def test_a_marker_must_name_known_statements_of_a_claim_written_as_statements(pytester, run):
    pytester.makepyfile(test_bad="import pytest\n"
                                 "@pytest.mark.claim('toy.parts')\ndef test_x(): pass\n"
                                 "@pytest.mark.claim('toy.parts', 'frist')\ndef test_y(): pass\n"
                                 "@pytest.mark.claim('toy.parts', 'why')\ndef test_z(): pass\n"
                                 "@pytest.mark.claim('first', 'toy.parts')\ndef test_w(): pass\n"
                                 "@pytest.mark.claim('toy.holds', 'first')\ndef test_v(): pass\n")
    result = run()
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines_random([
        "*test_x: claim toy.parts: name the statements the test checks*its statements: first, second*",
        "*test_y: claim toy.parts has no statement 'frist'; did you mean first?*",
        "*test_z: statement toy.parts:why is marked context*",
        "*test_w: *statement 'first' comes before any claim ID*",
        "*test_v: claim toy.holds has no statements in the catalog*"])


def test_cuda_selects_exactly_the_gpu_variants_and_exits_0_on_a_cpu_machine(toy):
    pytest.importorskip("torch")
    import torch
    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU: the cuda variants run instead of skipping")
    result = toy("-m", "cuda")
    assert result.ret == pytest.ExitCode.OK
    result.assert_outcomes(skipped=2, deselected=5)
    result.stdout.fnmatch_lines(["SKIPPED  2 tests: CUDA not available", "NOT RUN  2 claims: toy.gpu, toy.parts"])


def test_under_xdist_the_report_is_made_once_from_all_workers(toy, pytester):
    pytest.importorskip("xdist")
    result = toy("-n", "2", "--claims-report", "r.json")
    result.assert_outcomes(passed=4, skipped=3)
    assert result.stdout.str().count("= claims =") == 1
    report = _report(pytester)
    assert report["toy.holds"]["status"] == "verified" and report["toy.holds"]["facts"] == {"accuracy": 0.91}
    assert report["toy.gpu"]["skipped"] == 2


def test_a_bad_report_name_or_catalog_is_a_usage_error(pytester, run):
    pytester.makepyfile(test_ok="def test_ok(): pass\n")
    result = run("--claims-report", "r.txt")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--claims-report r.txt: the name must end in .json or .md or .html*"])
    result = run("--claims-report", "nowhere/r.json")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--claims-report nowhere/r.json: the folder */nowhere does not exist*"])
    result = run("--claims-catalog", "missing.toml")
    result.stderr.fnmatch_lines(["*claim catalog not found*missing.toml*"])


def test_a_default_device_left_by_a_failing_test_is_restored_before_the_next(pytester, run):
    pytester.makepyfile(test_meta='''
import numpy as np
import pytest
import torch
from tensorspec.testing.defaults import get_default_device

@pytest.fixture
def sees_the_state():
    yield
    assert get_default_device() == torch.device("cpu"), "a fixture's teardown saw the leaked device"
    assert torch.get_default_dtype() == torch.float32

def test_leaks_and_fails(sees_the_state):
    torch.set_default_device("meta")
    torch.set_default_dtype(torch.float64)
    np.set_printoptions(precision=3)
    assert False, "the test fails"

def test_after():
    assert get_default_device() == torch.device("cpu")
    assert torch.zeros(1).device.type == "cpu"
    assert np.get_printoptions()["precision"] == 8
''')
    result = run("-p", "no:randomly")
    result.assert_outcomes(passed=1, failed=1, errors=1)
    result.stdout.fnmatch_lines([
        "*the test left global state changed (now restored): *"
        "torch.get_default_device() was device(type='cpu'), is now device(type='meta')*"
        "np.get_printoptions(): precision was 8, is now 3*"])
    assert "a fixture's teardown saw" not in result.stdout.str()


def test_a_test_that_leaks_global_state_fails_and_the_state_is_restored(pytester, run):
    pytester.makepyfile(test_leak="import torch\n"
                                  "def test_leak():\n    torch.set_default_dtype(torch.float64)\n"
                                  "def test_after():\n    assert torch.get_default_dtype() == torch.float32\n")
    result = run()
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*the test left global state changed (now restored): "
                                 "torch.get_default_dtype() was torch.float32, is now torch.float64*"])


DIFFERS_HERE = '''truth = "the precise truth"

[[claim.differs]]
name = "toy_everywhere"
when = ["python >= 3"]
verdict = "outdated"
truth = "the truth on these versions"
'''


def test_a_failing_test_shows_its_claims_words_verdict_and_truth(pytester, run):
    """In the normal failure output: the reproducer headed by the claim IDs, then per claim the note's
    words, and the verdict and the truth on the installed versions (a [[claim.differs]] range applies)."""
    pytester.makefile(".toml", claims=TOY_CATALOG.replace('truth = "the precise truth"\n', DIFFERS_HERE))
    pytester.makepyfile(test_fail='''
import pytest
from hypothesis import given, strategies as st
from tensorspec.testing.assertions import repro

@pytest.mark.claim("toy.wrong")
def test_plain():
    with repro("torch.zeros(2)"):
        assert 1 == 2

@pytest.mark.claim("toy.holds", "toy.gpu")
@given(st.integers())
def test_drawn(x):
    with repro(f"x = {x}"):
        assert x < 0
''')
    result = run()
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines([
        "*_ test_plain _*",
        "*claim toy.wrong: reproduce with:*",
        "*torch.zeros(2)*",
        "*- claim toy.wrong -*",
        "toy.wrong: a claim the notes get wrong  (claims.toml:*)",
        "the note's words: 错",
        "verdict on the installed versions: outdated",
        "truth on the installed versions: the precise truth",
        "On the installed versions (*): the truth on these versions",
        "*_ test_drawn _*",
        "*claim toy.holds, toy.gpu: reproduce with:*",
        "*- claim toy.holds -*",
        "toy.holds: a claim that holds  (claims.toml:*)",
        "the note's words: 一 | 二",
        "verdict on the installed versions: holds",
        "truth on the installed versions: as claimed",
        "*- claim toy.gpu -*",
    ])


def test_claim_fact_takes_the_claim_from_the_test(pytester, run):
    pytester.makepyfile(test_facts='''
import pytest

@pytest.mark.claim("toy.holds", "toy.gpu")
def test_names_one_of_its_claims(claim_fact):
    claim_fact("n", 1, claim="toy.gpu")
    with pytest.raises(ValueError, match="tied to 2 claims"):
        claim_fact("n", 2)
    with pytest.raises(ValueError, match="not one of the test's claims"):
        claim_fact("n", 3, claim="toy.wrong")
''')
    result = run("--claims-report", "r.json")
    result.assert_outcomes(passed=1)
    report = _report(pytester)
    assert report["toy.gpu"]["facts"] == {"n": 1} and not report["toy.holds"]["facts"]


def test_a_test_that_replaces_the_catalog_fails_and_the_catalog_is_restored(pytester, run):
    """differs() reads the catalog the plugin loaded: a test that swaps it (and forgets to put it back)
    would change what every later test asserts."""
    pytester.makepyfile(test_swap="from tensorspec.claims import context\n"
                                  "def test_swap():\n    context.set_catalog(None)\n"
                                  "def test_after():\n    assert context.loaded_catalog() is not None\n")
    result = run("-p", "no:randomly")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*the test left global state changed (now restored): "
                                 "the catalog differs() reads was <tensorspec.claims.catalog.Catalog object at *>, "
                                 "is now None*"])
