"""The pytest plugin of the mutation self-check.

* ``--mutant TABLE.NAME`` applies one planted change for a whole run (``-p tensorspec.harness.mutation.plugin``),
  so its failures can be read: ``pytest spec -p tensorspec.harness.mutation.plugin --mutant NAME --claim ID``.
* ``--mutants``, ``--mutant-jobs N``, ``--mutant-timeout S``: the options of the self-check in
  ``tests/test_mutations.py`` (its tests are deselected unless ``--mutants`` is given).
"""
from __future__ import annotations

import pytest

from tensorspec.harness.mutation.registry import find

def pytest_addoption(parser: pytest.Parser) -> None:
    _self_check_options(parser)
    parser.addoption("--mutant", metavar="TABLE.NAME", default=None,
                     help="apply a planted semantic change (tests/mutants/TABLE.py, function NAME) for the whole run")


_mp_key = pytest.StashKey[pytest.MonkeyPatch]()
_skip_key = pytest.StashKey[str]()


#: the Hypothesis profile of the self-check: ``ci`` (derandomized) without shrinking -- a kill needs a
#: failing example, not the smallest one
PROFILE = "mutants"


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    name = config.getoption("--mutant")
    if not name:
        return
    from hypothesis import Phase, settings

    settings.register_profile(PROFILE, settings.get_profile("ci"),
                              phases=[Phase.explicit, Phase.reuse, Phase.generate])
    m = find(name, config.rootpath)
    mp = pytest.MonkeyPatch()
    config.stash[_mp_key] = mp
    try:
        m.patch(mp)
    except pytest.skip.Exception as exc:  # e.g. importorskip("tensorflow"): the claim cannot be run here
        config.stash[_skip_key] = f"mutant {name} cannot be applied: {exc.msg}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    _deselect_mutants(config, items)
    reason = config.stash.get(_skip_key, None)
    if reason:
        for item in items:
            item.add_marker(pytest.mark.skip(reason=reason))


def pytest_unconfigure(config: pytest.Config) -> None:
    mp = config.stash.get(_mp_key, None)
    if mp is not None:
        mp.undo()


def pytest_report_header(config: pytest.Config) -> str | None:
    name = config.getoption("--mutant")
    return f"MUTANT APPLIED: {name}" if name else None


def _self_check_options(parser: pytest.Parser) -> None:
    group = parser.getgroup("tensorspec-mutants", "tensorspec mutation self-check")
    group.addoption("--mutants", action="store_true",
                    help="run the mutation self-check (tests/test_mutations.py): every planted change must "
                         "break its claim; without it no mutant runs")
    group.addoption("--mutant-jobs", type=int, default=2, metavar="N", help="mutants run at a time (default 2)")
    group.addoption("--mutant-timeout", type=float, default=300.0, metavar="S",
                    help="seconds per mutant before its process is killed and it counts as not run (default 300)")


def _deselect_mutants(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without --mutants, the mutants are deselected: a bare pytest runs none."""
    if config.getoption("--mutants"):
        return
    mutants = [item for item in items if item.get_closest_marker("mutants")]
    if mutants:
        config.hook.pytest_deselected(items=mutants)
        items[:] = [item for item in items if not item.get_closest_marker("mutants")]


def pytest_terminal_summary(terminalreporter):
    """One line for the mutation self-check: how many planted changes the spec caught."""
    from tensorspec.harness.mutation.results import KILLED, SURVIVED, count_line

    outcomes = [dict(r.user_properties).get("mutant_outcome")
                for kind in ("passed", "failed", "skipped") for r in terminalreporter.stats.get(kind, [])
                if "test_mutant_is_killed" in getattr(r, "nodeid", "")
                and (r.when == "call" or (kind == "skipped" and r.when == "setup"))]
    if outcomes:
        killed, survived = outcomes.count(KILLED), outcomes.count(SURVIVED)
        terminalreporter.write_sep("=", "mutation self-check")
        terminalreporter.write_line(count_line(killed, survived, len(outcomes) - killed - survived)
                                    + " (see the skip reasons)")
