"""Tests of tensorspec's own code (the spec itself lives in spec/)."""
pytest_plugins = ["pytester"]


def pytest_terminal_summary(terminalreporter):
    """One line for the mutation self-check: how many planted changes the spec caught."""
    def mutants(outcome: str) -> int:
        # a mutant's verdict is its call phase; a skip (its claim could not run here) may come earlier
        return sum(1 for r in terminalreporter.stats.get(outcome, [])
                   if "test_mutant_is_killed" in getattr(r, "nodeid", "")
                   and (r.when == "call" or outcome == "skipped"))

    killed, survived, not_run = mutants("passed"), mutants("failed"), mutants("skipped")
    if killed or survived or not_run:
        terminalreporter.write_sep("=", "mutation self-check")
        terminalreporter.write_line(
            f"{killed} of {killed + survived + not_run} planted semantic changes killed by the spec, "
            f"{survived} survived, {not_run} could not run here (see the skip reasons)")
