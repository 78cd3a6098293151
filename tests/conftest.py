"""Tests of tensorspec's own code (the spec itself lives in spec/)."""
import pytest

pytest_plugins = ["pytester"]


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("tensorspec-mutants", "tensorspec mutation self-check")
    group.addoption("--mutants", action="store_true",
                    help="run the mutation self-check (tests/test_mutations.py): every planted change must "
                         "break its claim; without it no mutant runs")
    group.addoption("--mutant-jobs", type=int, default=2, metavar="N", help="mutants run at a time (default 2)")
    group.addoption("--mutant-timeout", type=float, default=300.0, metavar="S",
                    help="seconds per mutant before its process is killed and it counts as not run (default 300)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without --mutants, the mutants are deselected: a bare pytest runs none."""
    if config.getoption("--mutants"):
        return
    mutants = [item for item in items if item.get_closest_marker("mutants")]
    if mutants:
        config.hook.pytest_deselected(items=mutants)
        items[:] = [item for item in items if not item.get_closest_marker("mutants")]


def pytest_terminal_summary(terminalreporter):
    """One line for the mutation self-check: how many planted changes the spec caught."""
    from tensorspec.harness.mutation import KILLED, SURVIVED, count_line

    outcomes = [dict(r.user_properties).get("mutant_outcome")
                for kind in ("passed", "failed", "skipped") for r in terminalreporter.stats.get(kind, [])
                if "test_mutant_is_killed" in getattr(r, "nodeid", "")
                and (r.when == "call" or (kind == "skipped" and r.when == "setup"))]
    if outcomes:
        killed, survived = outcomes.count(KILLED), outcomes.count(SURVIVED)
        terminalreporter.write_sep("=", "mutation self-check")
        terminalreporter.write_line(count_line(killed, survived, len(outcomes) - killed - survived)
                                    + " (see the skip reasons)")


@pytest.fixture(scope="session")
def spec_map(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, list[str]]]:
    """Every claim and every ``claim:statement`` of the spec, mapped to the spec files whose tests
    name it (``{"quick": [...], "slow": [...]}``), from one collection of spec/ in a subprocess."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    out = tmp_path_factory.mktemp("spec-map") / "map.json"
    code = ("import sys, pytest; from pathlib import Path; from tensorspec.harness.mutation import ClaimMap; "
            "sys.exit(pytest.main(['spec', '--collect-only', '-q', '-p', 'no:randomly', '-p', 'no:cacheprovider'], "
            "plugins=[ClaimMap(Path(sys.argv[1]))]))")
    done = subprocess.run([sys.executable, "-c", code, str(out)], cwd=root, capture_output=True, text=True)
    if done.returncode != 0 or not out.exists():
        pytest.fail(f"collecting spec/ failed (exit {done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}",
                    pytrace=False)
    return json.loads(out.read_text())
