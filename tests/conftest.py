"""Tests of tensorspec's own code (the spec itself lives in spec/)."""
import pytest

pytest_plugins = ["pytester", "tensorspec.harness.mutation.plugin"]


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
    code = ("import sys, pytest; from pathlib import Path; from tensorspec.harness.mutation.pool import ClaimMap; "
            "sys.exit(pytest.main(['spec', '--collect-only', '-q', '-p', 'no:randomly', '-p', 'no:cacheprovider'], "
            "plugins=[ClaimMap(Path(sys.argv[1]))]))")
    done = subprocess.run([sys.executable, "-c", code, str(out)], cwd=root, capture_output=True, text=True)
    if done.returncode != 0 or not out.exists():
        pytest.fail(f"collecting spec/ failed (exit {done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}",
                    pytrace=False)
    return json.loads(out.read_text())
