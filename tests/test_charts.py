"""tensorspec-charts: PNG charts from saved pytest-benchmark runs (synthetic runs in tmp_path)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from matplotlib.image import imread

from tensorspec.benchtools import benchinfo

from tensorspec.benchtools import charts

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
MACHINE = "Linux-CPython-3.11-64bit"


def bench(group: str, name: str, seconds: float, **info) -> dict:
    """One benchmark record as pytest-benchmark saves it (the fields the charts read, and a few more);
    ``seconds`` is the best round, the figure the charts show."""
    return {"group": group, "name": name, "fullname": f"bench/test_x.py::{name}", "params": {},
            "stats": {"min": seconds, "max": seconds * 1.5, "mean": seconds * 1.2, "median": seconds * 1.1,
                      "rounds": 2},
            "extra_info": {"torch": "2.13.0", "threads": 2, **info}}


def synthetic_benchmarks(gpu: bool = True) -> list[dict]:
    out = [bench(f"{benchinfo.NUM_WORKERS} batch_size={b}", f"nw[w{w}-b{b}]", 4.0 + w - b / 10000,
                 device="cpu", num_workers=w, batch_size=b, images=60000)
           for w in (0, 1, 2, 4) for b in (100, 1000, 10000)]
    for device in ("cpu", "cuda") if gpu else ("cpu",):
        fast = 20.0 if device == "cuda" else 1.0
        out += [bench(f"{benchinfo.TRAINING} batch_size={b}", f"train[{device}-{b}]", 3 * b / 1500 / fast,
                      device=device, batch_size=b, steps=3, images=3 * b) for b in (100, 1000, 10000)]
        out += [bench(f"{benchinfo.OPS} {op} size={n}", f"op[{device}-{op}{n}]",
                      (1e-5 if device == "cuda" else 1e-6) + n * (1e-10 if device == "cuda" else 1e-8),
                      device=device, op=op, size=n) for op in ("add", "matmul") for n in (16, 4096, 2**20)]
    out += [bench(f"{mode} size={n}", f"create[{mode}-{f}-{n}]", (n * 1e-9 if f in ("tensor", "Tensor") else 1e-6)
                  * (100 if mode == benchinfo.ROUND_TRIPS else 1), device="cpu", function=f"torch.{f}", size=n,
                  trips=100 if mode == benchinfo.ROUND_TRIPS else 1)
            for mode in (benchinfo.ONE_LOAD, benchinfo.ROUND_TRIPS)
            for f in ("Tensor", "tensor", "as_tensor", "from_numpy") for n in (100, 10**4, 10**6)]
    return out


def save_run(storage: Path, number: int, benchmarks: list[dict], gpu: str | None = "NVIDIA H100") -> Path:
    path = storage / MACHINE / f"{number:04d}_abc_20250101_000000.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({
        "machine_info": {"machine": "x86_64", "cpu": {"brand_raw": "Test CPU", "count": 2},
                         "tensorspec": {"gpu": gpu, "torch": "2.13.0", "cpu_count": 2}},
        "commit_info": {}, "benchmarks": benchmarks, "datetime": "2025-01-01T00:00:00", "version": "5.3.1"}))
    os.utime(path, (1e9 + number, 1e9 + number))  # later runs are newer
    return path


def assert_png(path: Path) -> None:
    assert path.read_bytes()[:8] == PNG_MAGIC, f"{path} is not a PNG"
    pixels = imread(path)
    assert pixels.shape[0] > 200 and pixels.shape[1] > 300, f"{path}: {pixels.shape}"
    assert np.ptp(pixels[..., :3]) > 0, f"{path} is blank"


def test_charts_of_the_newest_saved_run(tmp_path, capsys):
    storage = tmp_path / ".benchmarks"
    save_run(storage, 1, [bench(f"{benchinfo.ONE_LOAD} size=1", "old", 1.0, function="torch.tensor", size=1)])
    newest = save_run(storage, 2, synthetic_benchmarks())
    assert charts.main(["--storage", str(storage)]) == 0
    out = capsys.readouterr().out
    assert newest.name in out
    for name in ("num_workers.png", "gpu.png", "creation.png"):
        assert str(storage / "charts" / name) in out
        assert_png(storage / "charts" / name)


def test_only_the_groups_a_run_holds_are_drawn(tmp_path):
    only_creation = [b for b in synthetic_benchmarks(gpu=False) if b["group"].startswith("creation")]
    run = save_run(tmp_path, 1, only_creation, gpu=None)
    written = charts.make_charts([run], tmp_path / "out")
    assert [p.name for p in written] == ["creation.png"]


def test_runs_are_merged_later_files_winning(tmp_path):
    cpu_run = save_run(tmp_path / "a", 1, synthetic_benchmarks(gpu=False), gpu=None)
    gpu_run = save_run(tmp_path / "b", 1, [bench(f"{benchinfo.TRAINING} batch_size=100", "train[cpu-100]", 99.0,
                                                 device="cpu", batch_size=100, steps=3, images=300)])
    runs = charts.load([cpu_run, gpu_run])
    training = runs.of(benchinfo.TRAINING)
    assert [b.seconds for b in training if b.get("batch_size") == 100] == [99.0]
    assert "no GPU" in runs.label and "NVIDIA H100" in runs.label


def test_no_saved_runs_is_a_clear_error(tmp_path, capsys):
    assert charts.main(["--storage", str(tmp_path / "nowhere")]) == 2
    err = capsys.readouterr().err
    assert "no saved benchmark runs" in err and "pytest bench" in err


@pytest.mark.parametrize("content", ["not json", json.dumps({"no": "benchmarks"})])
def test_a_file_that_is_not_a_run_is_named(tmp_path, capsys, content):
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    assert charts.main([str(bad), "--out", str(tmp_path / "out")]) == 2
    assert f"{bad}: not a saved pytest-benchmark run" in capsys.readouterr().err


def test_a_run_without_known_groups_says_nothing_to_chart(tmp_path, capsys):
    run = save_run(tmp_path, 1, [bench("other", "x", 1.0)])
    assert charts.main([str(run), "--out", str(tmp_path / "out")]) == 2
    assert "nothing to chart" in capsys.readouterr().err


def test_the_console_script_leaves_pyplot_alone(tmp_path):
    """Run as a program, without importing matplotlib.pyplot (no global figure state)."""
    run = save_run(tmp_path, 1, synthetic_benchmarks(gpu=False), gpu=None)
    code = ("import sys; from tensorspec.benchtools.charts import main; rc = main(sys.argv[1:]); "
            "print('pyplot imported' if 'matplotlib.pyplot' in sys.modules else 'no pyplot'); sys.exit(rc)")
    proc = subprocess.run([sys.executable, "-c", code, str(run), "--out", str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(Path(charts.__file__).parents[1])})
    assert proc.returncode == 0, proc.stderr
    assert "no pyplot" in proc.stdout
    assert_png(tmp_path / "out" / "gpu.png")
