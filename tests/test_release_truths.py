"""Truths per release range and deprecations, end to end: a toy catalog with one range that the
installed versions fall in and one they do not, a test that reads the range with ``differs``, and a
deprecation raised on a library's code path (pytester, in a subprocess as in test_claims_plugin.py)."""
from __future__ import annotations

import json
from pathlib import Path


CATALOG = '''
[[claim]]
id = "toy.changed"
sources = ["DL1"]
quote = "q"
claim = "a behaviour a release changed"
verdict = "holds"
truth = "the newest behaviour"

[[claim.differs]]
name = "toy_now"
when = ["torch>=0.1"]
verdict = "refuted"
truth = "what these versions do"

[[claim.differs]]
name = "toy_never"
when = ["torch<0.1"]
truth = "what an ancient torch did"
'''

SPEC = '''
import warnings
import pytest
from tensorspec.claims.context import differs

@pytest.mark.claim("toy.changed")
def test_changed():
    assert differs("toy_now") and not differs("toy_never")
    warnings.warn_explicit("old_api is deprecated", FutureWarning, filename="/site/torch/jit/_trace.py", lineno=1)
    warnings.warn_explicit("not ours", DeprecationWarning, filename="/site/hypothesis/core.py", lineno=1)

@pytest.mark.claim("toy.changed")
def test_unknown_name():
    with pytest.raises(KeyError, match="did you mean toy_now"):
        differs("toy_nov")
'''

SRC = Path(__file__).resolve().parents[1] / "src"


def test_the_installed_range_decides_truth_verdict_and_what_the_report_says(pytester, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", str(SRC))
    pytester.makefile(".toml", claims=CATALOG)
    pytester.makepyfile(test_toy=SPEC)
    result = pytester.runpytest_subprocess("-p", "tensorspec.claims.plugin", "--claims-catalog", "claims.toml",
                                           "-p", "no:randomly", "-p", "no:cacheprovider",
                                           "--claims-report", "r.json")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines([
        "1 claims: 1 refuted",
        "*REFUTED  toy.changed: *",
        "VERSIONS installed torch *: 1 release range of the catalog apply here",
        "           toy.changed (its truth): the truth since torch 0.1 applies",
        "DEPRECATED 1 warning on the claims' code paths (-v lists them)",
    ])
    pytester.runpytest_subprocess("-p", "tensorspec.claims.plugin", "--claims-catalog", "claims.toml", "-v",
                                  "-p", "no:randomly", "-p", "no:cacheprovider").stdout.fnmatch_lines([
        "           toy.changed: deprecated in torch *: FutureWarning: old_api is deprecated"])
    summary = result.stdout.str().split(" claims ")[-1]
    assert "not ours" not in summary, "the test machinery's own deprecations are not the course's"
    claim = json.loads((pytester.path / "r.json").read_text(encoding="utf-8"))["claims"][0]
    assert claim["verdict"] == "refuted"
    assert claim["truth"] == "the newest behaviour\nOn the installed versions (since torch 0.1): what these versions do"
    assert [(c["name"], c["range"], c["applies"]) for c in claim["changes"]] == [
        ("toy_now", "since torch 0.1", True), ("toy_never", "before torch 0.1", False)]
    assert len(claim["deprecations"]) == 1
    pytester.runpytest_subprocess("-p", "tensorspec.claims.plugin", "--claims-catalog", "claims.toml",
                                  "-p", "no:randomly", "-p", "no:cacheprovider", "--claims-report", "r.md")
    text = (pytester.path / "r.md").read_text(encoding="utf-8")
    assert "before torch 0.1 [holds]: what an ancient torch did" in text
    assert "deprecated in torch" in text
