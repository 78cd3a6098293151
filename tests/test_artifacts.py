"""The training artifacts folder: stable, named, kept for the newest runs only."""
from __future__ import annotations

import os

from tensorspec.harness import artifacts


def test_each_run_gets_its_own_folder_latest_points_at_it_and_old_runs_go(tmp_path):
    runs = []
    for i in range(artifacts.KEEP + 2):
        run = artifacts.new_run(tmp_path)
        (run / f"made-{i}").touch()
        os.utime(run, (1000 + i, 1000 + i))  # distinct ages, oldest first
        runs.append(run)
    kept = sorted(p.name for p in tmp_path.glob("run-*/made-*"))
    assert kept == sorted(f"made-{i}" for i in range(2, artifacts.KEEP + 2)), "the newest runs are kept"
    assert (tmp_path / "latest").resolve() == runs[-1].resolve()


def test_the_folder_is_the_option_then_the_environment_then_the_cache(pytester, monkeypatch, tmp_path):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert artifacts.default_dir() == tmp_path / "cache" / "tensorspec" / "artifacts"
    pytester.makeconftest('pytest_plugins = ["tensorspec.harness.artifacts"]')
    pytester.makepyfile(test_a="def test_a(artifacts_dir):\n    (artifacts_dir / 'x.txt').write_text('1')\n")
    result = pytester.runpytest_subprocess("-p", "no:randomly", "--artifacts-dir", str(tmp_path / "mine"))
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines([f"ARTIFACTS * in {tmp_path / 'mine'}/run-*"])
    assert len(list((tmp_path / "mine").glob("run-*/x.txt"))) == 1
    monkeypatch.setenv(artifacts.ENV_VAR, str(tmp_path / "env"))
    pytester.runpytest_subprocess("-p", "no:randomly").assert_outcomes(passed=1)
    assert len(list((tmp_path / "env").glob("run-*/x.txt"))) == 1
