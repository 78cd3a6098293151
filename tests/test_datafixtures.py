"""The data fixtures plugin (tensorspec.harness.datafixtures): options, the download default, and skipping
(never failing) when the Fashion-MNIST files cannot be had."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tensorspec.harness import datafixtures

SRC = Path(__file__).resolve().parents[1] / "src"


class _Config:
    def __init__(self, chosen):
        self.chosen = chosen

    def getoption(self, name):
        assert name == "download_data"
        return self.chosen


@pytest.mark.parametrize("chosen,ci,allowed", [
    (None, None, True), (None, "true", False), (None, "1", False), (None, "false", True), (None, "0", True),
    (True, "true", True), (False, None, False),
])
def test_download_default_is_off_under_ci_only(monkeypatch: pytest.MonkeyPatch, chosen, ci, allowed):
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    assert datafixtures.download_allowed(_Config(chosen)) is allowed


def test_missing_data_skips_with_where_and_how(tmp_path: Path):
    """Tests using the fixtures are skipped (not failed), the reason naming the folder and the fix."""
    (tmp_path / "test_uses_data.py").write_text(
        "def test_root(fashion_mnist_root):\n    pass\n\n"
        "def test_sets(train_set, test_set):\n    pass\n")
    empty = tmp_path / "empty"
    env = {**os.environ, "PYTHONPATH": str(SRC), "CI": "true"}  # CI: no download by default
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "test_uses_data.py", "-p", "tensorspec.harness.datafixtures", "-rs", "-q",
         "-p", "no:cacheprovider", f"--data-dir={empty}"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0 and "2 skipped" in out, out
    for fragment in ("Fashion-MNIST not available", f"{empty} (none of them)", "FashionMNIST/raw",
                     "TENSORSPEC_DATA_DIR", "--download-data"):
        assert fragment in out, f"skip reason lacks {fragment!r}:\n{out}"
    assert not empty.exists(), "a skipped run must not create the data folder"
