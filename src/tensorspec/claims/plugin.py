"""The claims plugin: ties tests to catalog claims and reports what the installed versions do.

* ``@pytest.mark.claim("reshape.squeeze", "drops_all_unit_axes", "dim_out_of_range")`` ties a test
  to a claim and the statements of its truth that the test checks (a claim ID has a dot, a statement
  ID none; markers stack for a test of several claims).  An ID the catalog lacks, or a claim named
  without the statements it checks, is a collection error.
* After the run, a terminal summary: claims per verdict and per status (``verified``, ``broken``,
  ``not run`` with the skip reasons, ``no test``), naming every claim that is not verified.
* ``--claims-report PATH`` writes the same as JSON (``.json``), a Markdown table (``.md``) or a page to read (``.html``).
* A test may record measured facts (an accuracy, an artifact folder) with the ``claim_fact``
  fixture (``claim_fact(name, value)``: the fact of the test's claim); they appear in the summary and
  the report.
* While a test runs (setup, call, teardown) its claim IDs are ``context.current_claims()``, which
  ``repro`` and ``claim_fact`` read: a test names its claims once, in its marker.
* A failing test's report shows each of its claims: the note's words, and the verdict and the truth
  on the installed versions.

Everything a report needs travels in ``report.user_properties``, so under pytest-xdist the controller
builds the summary from all workers' reports, once.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from tensorspec.claims import report as _report
from tensorspec.claims import summary as _summary
from tensorspec.claims import context, deprecations
from tensorspec.claims.catalog import Catalog, CatalogError
from tensorspec.claims.markers import marked, marker_errors, selected

_CLAIMS_KEY = "tensorspec.claims"
_FACT_KEY = "tensorspec.fact"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("tensorspec", "tensorspec claims")
    group.addoption("--claims-report", metavar="PATH", default=None,
                    help="write the claims report to PATH (.json or .md)")
    group.addoption("--claim", metavar="ID", action="append", default=[], dest="claim_select",
                    help="run only the tests of this claim (repeatable; a group name such as 'reduce' "
                         "selects the whole group, ID:STATEMENT the tests of one statement)")
    group.addoption("--claims-catalog", metavar="PATH", default=None,
                    help="the claim catalog (default: spec/claims.toml under the rootdir)")
    group.addoption("--claims-facts", action="store_true", default=False,
                    help="show every measured fact, range and deprecation in the claims summary (as -v does)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "claim(*ids): ties the test to claims of the catalog (spec/claims.toml)")
    path = config.getoption("--claims-catalog") or Path(config.rootpath, "spec", "claims.toml")
    report_path = config.getoption("--claims-report")
    if report_path:
        if Path(report_path).suffix not in _report.SUFFIXES:
            raise pytest.UsageError(f"--claims-report {report_path}: the name must end in "
                                    + " or ".join(_report.SUFFIXES))
        folder = Path(config.invocation_params.dir, report_path).parent
        if not folder.is_dir():
            raise pytest.UsageError(f"--claims-report {report_path}: the folder {folder} does not exist "
                                    "(create it first)")
    try:
        catalog = Catalog.load(path)
    except CatalogError as exc:
        raise pytest.UsageError(str(exc)) from None
    context.set_catalog(catalog)
    config.pluginmanager.register(ClaimsPlugin(config, catalog, report_path), PLUGIN_NAME)


PLUGIN_NAME = "tensorspec-claims"


def _marked(item: pytest.Item) -> tuple[dict[str, list[str]], list[str]]:
    # closest first (function, class, module), so a function's marker comes before its module's
    return marked(m.args for m in item.iter_markers("claim"))


def _claim_ids(item: pytest.Item) -> list[str]:
    return list(_marked(item)[0])


@pytest.fixture
def claim_fact(request: pytest.FixtureRequest):
    """``claim_fact(name, value)``: record a measured fact of the test's claim, shown in the summary
    and the report.  A test tied to several claims names which of its claims: ``claim=ID``."""
    own = _claim_ids(request.node)

    def record(name: str, value, *, claim: str | None = None) -> None:
        if claim is None and len(own) != 1:
            raise ValueError(f"claim_fact({name!r}, ...): the test is tied to {len(own)} claims "
                             f"({', '.join(own) or 'none'}); name one of them with claim=")
        claim_id = claim if claim is not None else own[0]
        if claim_id not in own:
            raise ValueError(f"claim_fact(claim={claim_id!r}): not one of the test's claims ({', '.join(own)})")
        if not isinstance(value, (str, int, float, bool, type(None))):
            value = str(value)  # facts travel to the xdist controller, which takes plain values only
        request.node.user_properties.append((_FACT_KEY, [claim_id, name, value]))

    return record


class ClaimsPlugin:
    def __init__(self, config: pytest.Config, catalog: Catalog, report_path: str | None):
        self.config = config
        self.catalog = catalog
        self.report_path = report_path
        self.is_worker = hasattr(config, "workerinput")  # a pytest-xdist worker reports to its controller
        self.outcomes: dict[str, dict] = {}  # nodeid -> {"claims", "outcome", "reason", "facts"}
        self.deprecations: dict[str, dict[str, None]] = {}  # nodeid -> deprecations met while it ran

    @pytest.hookimpl(hookwrapper=True)
    def pytest_make_collect_report(self, collector: pytest.Collector):
        """Unknown claim IDs (or a claim marker without one) make the module's collection fail."""
        outcome = yield
        rep = outcome.get_result()
        if not rep.passed:
            return
        errors = []
        for node in rep.result or ():
            if isinstance(node, pytest.Item):
                claims, problems = _marked(node)
                benchmark = "benchmark" in getattr(node, "fixturenames", ())
                errors += [f"{node.nodeid}: {e}" for e in problems + marker_errors(
                    self.catalog, claims, require_statements=not benchmark)]
        if errors:
            rep.outcome = "failed"
            rep.longrepr = "\n".join(dict.fromkeys(errors))

    def pytest_collection_modifyitems(self, config: pytest.Config, items: list[pytest.Item]) -> None:
        for item in items:
            claims = _marked(item)[0]
            if claims:
                item.user_properties.append((_CLAIMS_KEY, claims))
        wanted = config.getoption("claim_select")
        if wanted:
            for w in wanted:
                cid, _, sid = w.partition(":")
                if cid not in self.catalog and not (not sid and any(c.group == w for c in self.catalog)):
                    raise pytest.UsageError(f"--claim {w}: {self.catalog.unknown_message(cid)}")
                if sid:
                    try:
                        self.catalog[cid].statement(sid)
                    except KeyError as exc:
                        raise pytest.UsageError(f"--claim {w}: {exc.args[0]}") from None
            keep = [i for i in items if selected(wanted, _marked(i)[0])]
            config.hook.pytest_deselected(items=[i for i in items if i not in keep])
            items[:] = keep

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item):
        """The running test's claims are the context's current claims, from setup to teardown."""
        context.set_current_claims(_claim_ids(item))
        try:
            yield
        finally:
            context.set_current_claims(())

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        """A failure shows the claims it bears on: the note's words, the verdict and the truth."""
        outcome = yield
        rep = outcome.get_result()
        if not rep.failed:
            return
        for cid, statements in _marked(item)[0].items():
            title, text = f"claim {cid}", claim_context(self.catalog[cid], statements, self.catalog.where(cid))
            if hasattr(rep.longrepr, "addsection"):  # shown after the traceback, and sent by xdist workers
                rep.longrepr.addsection(title, text)
            else:
                rep.sections.append((title, text))

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        claims = next((v for k, v in report.user_properties if k == _CLAIMS_KEY), None)
        if claims is None:
            return
        rec = self.outcomes.setdefault(
            report.nodeid, {"nodeid": report.nodeid, "claims": claims, "outcome": None, "reason": "", "facts": []})
        rec["facts"] = [v for k, v in report.user_properties if k == _FACT_KEY] or rec["facts"]
        if report.failed:
            rec["outcome"] = "failed"
        elif report.skipped and rec["outcome"] != "failed":
            rec["outcome"] = "skipped"
            rec["reason"] = _skip_reason(report)
        elif report.when == "call" and report.passed and rec["outcome"] is None:
            rec["outcome"] = "passed"

    def pytest_warning_recorded(self, warning_message, nodeid: str) -> None:
        """A deprecation raised while a claim's test ran is recorded on the claim (xdist forwards these)."""
        text = deprecations.describe(warning_message)
        if text and nodeid:
            self.deprecations.setdefault(nodeid, {})[text] = None

    def _results(self):
        for nodeid, texts in self.deprecations.items():
            if nodeid in self.outcomes:
                self.outcomes[nodeid]["deprecations"] = list(texts)
        return _report.claim_results(self.catalog, self.outcomes.values())

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self) -> None:
        if self.is_worker or not self.report_path:
            return
        path = Path(self.config.invocation_params.dir, self.report_path)
        results = self._results()
        _report.write(path, results, _report.versions(), _report.run_info(self.catalog, results))

    def pytest_terminal_summary(self, terminalreporter) -> None:
        if self.is_worker or not (self.outcomes or self.report_path):
            return
        results = self._results()
        skipped = Counter(rec["reason"] for rec in self.outcomes.values() if rec["outcome"] == "skipped")
        verbose = self.config.option.verbose > 0 or self.config.getoption("--claims-facts")
        for line in _summary.lines(results, versions=_report.versions(), skipped_tests=skipped, verbose=verbose,
                                   not_in_run=len(self.catalog) - len(results)):
            terminalreporter.write_line(line)
        if self.report_path:
            terminalreporter.write_line(f"claims report written to {self.report_path}")


def claim_context(claim, statements=(), where: str = "") -> str:
    """What a reader of a failure needs of a claim: what it says, where the catalog states it, and the
    statements the test checks as they are on the installed versions."""
    lines = [f"{claim.id}: {claim.claim}" + (f"  ({where})" if where else ""),
             f"the note's words: {claim.quote}",
             f"verdict on the installed versions: {claim.installed_verdict}"]
    if claim.statements:
        for sid in statements:
            st, diff = claim.statement_in_force(sid)
            lines.append(f"statement {sid}" + (f" ({diff.range}, installed)" if diff else "") + f": {st.text}")
    else:
        lines.append(f"truth on the installed versions: {claim.installed_truth or 'as claimed'}")
    return "\n".join(lines)


def _skip_reason(report: pytest.TestReport) -> str:
    if hasattr(report, "wasxfail"):
        return f"xfail: {report.wasxfail}"
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr)
