"""tensorspec.benchtools.measured: the catalog's ``measured`` texts come from the committed benchmark run."""
from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from tensorspec.benchtools import benchinfo, measured


ROOT = Path(__file__).resolve().parents[1]


def catalog_measured() -> dict[str, str]:
    catalog = tomllib.loads((ROOT / measured.CATALOG).read_text(encoding="utf-8"))
    return {c["id"]: c.get("measured") for c in catalog["claim"]}


def test_the_catalog_says_what_the_committed_run_measured():
    """Sync: each benchmarked claim's ``measured`` text is what the generator writes from the runs in
    bench/baselines/ (regenerate: ``python -m tensorspec.benchtools.measured --write``)."""
    assert measured.baselines(ROOT), f"no committed run in {measured.BASELINES}"
    generated = measured.texts(*measured.baselines(ROOT))
    assert sorted(generated) == sorted(measured.MAKERS), "the committed runs should cover every benchmarked claim"
    in_catalog = catalog_measured()
    for claim, text in generated.items():
        assert in_catalog[claim] == text, (
            f"{claim}: spec/claims.toml's measured text differs from the committed run's; "
            f"run `python -m tensorspec.benchtools.measured --write`")


def test_every_measured_text_of_the_catalog_is_generated():
    """No hand-typed figures: a claim with a ``measured`` text has a maker, and the committed runs
    give that text (a new one: add a benchmark recording the claim, save a run, --write)."""
    typed = sorted(claim for claim, text in catalog_measured().items() if text is not None)
    assert sorted(measured.texts(*measured.baselines(ROOT))) == typed, (
        "these measured texts of spec/claims.toml come from no committed run: "
        f"{sorted(set(typed) - set(measured.texts(*measured.baselines(ROOT))))}")


@pytest.mark.parametrize("path", measured.baselines(ROOT), ids=lambda p: p.name)
def test_the_committed_run_names_its_machine_threads_and_versions(path):
    run = json.loads(path.read_text(encoding="utf-8"))
    info = run["machine_info"]["tensorspec"]
    for key in ("cpu", "cpu_count", "torch", "numpy", "omp_wait_policy"):
        assert info.get(key) not in (None, ""), f"machine_info.tensorspec.{key} is missing"
    assert info.get("load_average") or info.get("load_average_at_end"), "no load average"
    assert run.get("commit_info", {}).get("id"), "the run should name its commit"
    for b in run["benchmarks"]:
        extra = b["extra_info"]
        assert isinstance(extra.get("threads"), int), f"{b['fullname']}: no thread count"
        assert "omp_wait_policy" in extra and len(extra.get("load_average_at_start", [])) == 3, b["fullname"]
        assert extra.get("claims"), f"{b['fullname']}: the claims its marker names are not recorded"



@pytest.mark.parametrize("path", measured.baselines(ROOT), ids=lambda p: p.name)
def test_the_committed_run_keeps_statistics_not_every_round(path):
    """bench/conftest.py leaves each round's timing out of ``--benchmark-json`` (unless
    ``--benchmark-save-data``): a committed run stays small."""
    run = json.loads(path.read_text(encoding="utf-8"))
    assert not [b["fullname"] for b in run["benchmarks"] if "data" in b["stats"]], "per-round data committed"
    assert path.stat().st_size < 1_000_000, f"{path.name}: {path.stat().st_size} bytes"

CLAIMS_OF = {benchinfo.ONE_LOAD: ["creation.as_tensor_round_trips"],
             benchinfo.ROUND_TRIPS: ["creation.as_tensor_round_trips"], benchinfo.OPS: ["device.gpu_not_always_faster"],
             benchinfo.TRAINING: ["device.gpu_speeds_training"],
             benchinfo.NUM_WORKERS: ["data.num_workers_speed", "device.gpu_speeds_training"],
             benchinfo.TIME_TO_TARGET: ["train.reaches_target"], benchinfo.OVERFITTING: ["misc.overfitting"]}


def bench(group: str, seconds: float, claims=None, **info) -> dict:
    return {"group": group, "fullname": f"{group} {sorted(info.items())}", "stats": {"min": seconds},
            "params": {}, "extra_info": {"load_average_at_start": [1.0, 1.0, 1.0],
                                         "claims": claims or CLAIMS_OF[group.split()[0]], **info}}


def full_run(network: str, normalize: bool, claims: list[str], accuracies: list[float]) -> dict:
    return bench(f"{benchinfo.FULL_RUN} {network}", 40.0, claims, network=network, normalize=normalize,
                 threads=1, recipe="Adam (lr 0.01), batch size 128, 3 epochs, seed 1",
                 test_accuracy=accuracies, loss=[1.0 - a for a in accuracies])


@pytest.fixture
def run_file(tmp_path: Path) -> Path:
    benches = [
        *[bench(f"{mode} size={n} threads={t}", 1e-6 * n ** 0.5 * t, function=f"torch.{f}", size=n, threads=t,
                trips=100 if mode == benchinfo.ROUND_TRIPS else 1)
          for mode in (benchinfo.ONE_LOAD, benchinfo.ROUND_TRIPS) for f in ("tensor", "from_numpy")
          for n in (100, 10**6) for t in (1, 2)],
        bench(f"{benchinfo.OPS} add size=16 threads=1", 2e-6, device="cpu", op="add", size=16, threads=1),
        bench(f"{benchinfo.OPS} matmul size=8 threads=1", 3e-6, device="cpu", op="matmul", size=8, threads=1),
        bench(f"{benchinfo.TRAINING} batch_size=100", 3.0, device="cpu", batch_size=100, images=3000, threads=1),
        *[bench(f"{benchinfo.NUM_WORKERS} batch_size={b}", 5.0 + w, num_workers=w, batch_size=b, images=60000,
                threads=1) for w in (0, 2) for b in (100, 1000)],
        *[bench(f"{benchinfo.TIME_TO_TARGET} {n}", 40.0, network=n, threads=1, target=0.9, epoch=5,
                test_accuracy=0.9012, recipe="Adam (lr 0.01), batch size 128, 6 epochs, seed 1")
          for n in ("plain", "batchnorm")],
        full_run("plain", True, ["train.batchnorm_helps", "data.normalize_helps"], [0.8, 0.85, 0.88]),
        full_run("batchnorm", True, ["train.batchnorm_helps"], [0.82, 0.86, 0.8912]),
        full_run("plain", False, ["data.normalize_helps"], [0.75]),
        bench(benchinfo.OVERFITTING, 0.25, device="cpu", threads=1, seed=0, steps=300, training_points=10,
              held_out_points=200, training_mse=0.0221, held_out_mse=0.1923),
    ]
    run = {"machine_info": {"python_version": "3.11.9", "tensorspec": {
        "cpu": "Test CPU", "cpu_count": 2, "gpu": None, "torch": "2.13.0+cpu", "numpy": "2.4.6",
        "omp_wait_policy": "unset", "load_average": [0.5, 0.4, 0.3]}},
        "commit_info": {"id": "0123456789abcdef"}, "datetime": "2030-01-01T00:00:00", "benchmarks": benches}
    path = tmp_path / "run.json"
    path.write_text(json.dumps(run), encoding="utf-8")
    return path


def test_texts_name_the_machine_and_give_the_figures(run_file):
    texts = measured.texts(run_file)
    assert sorted(texts) == sorted(measured.MAKERS)
    for text in texts.values():
        assert "Test CPU, 2 logical cores, no GPU; torch 2.13.0+cpu, NumPy 2.4.6" in text
        assert "commit 01234567" in text and "OMP_WAIT_POLICY unset" in text and "0.5/0.4/0.3" in text
    assert "1 and 2 threads" in texts["creation.as_tensor_round_trips"]
    assert "1 thread, one load: from_numpy 10 us / 1 ms" in texts["creation.as_tensor_round_trips"]
    assert "cpu, 1 thread: a + b at 16: 2 us; a @ b at 8x8: 3 us" in texts["device.gpu_not_always_faster"]
    assert "GPU: not measured (the run had no GPU)" in texts["device.gpu_speeds_training"]
    assert "batch 100: 1,000 images/s (an epoch ~60 s)" in texts["device.gpu_speeds_training"]
    assert "num_workers=0: 5.00 / 5.00; num_workers=2: 7.00 / 7.00" in texts["data.num_workers_speed"]
    assert "plain (1 thread): 0.9012 >= 0.9 after epoch 5, 40.0 s" in texts["train.reaches_target"]
    assert ("plain 0.8000, 0.8500, 0.8800; batchnorm 0.8200, 0.8600, 0.8912. Last-epoch training loss: "
            "plain 0.1200, batchnorm 0.1088") in texts["train.batchnorm_helps"]
    assert "test accuracy 0.8000 normalized vs 0.7500 unnormalized, training loss 0.2000 vs 0.2500" in (
        texts["data.normalize_helps"])
    assert "training MSE 0.022, held-out MSE 0.192 (200 points), 8.7x; 250 ms" in texts["misc.overfitting"]


def test_a_run_without_a_group_leaves_its_claim_out(run_file, tmp_path):
    run = json.loads(run_file.read_text())
    run["benchmarks"] = [b for b in run["benchmarks"] if not b["group"].startswith(benchinfo.NUM_WORKERS)]
    path = tmp_path / "partial.json"
    path.write_text(json.dumps(run))
    texts = measured.texts(path)
    assert "data.num_workers_speed" not in texts and "partial.json" in texts["device.gpu_speeds_training"]
    assert "run.json" in measured.texts(path, run_file)["device.gpu_speeds_training"] and "loader alone" not in texts["device.gpu_speeds_training"]


CATALOG = '''# head
[[claim]]
id = "a"
truth = """x"""
measured = """
old text"""

[[claim]]
id = "b"
truth = "y"

[[claim]]
id = "c"
measured = "keep"
'''


def test_rewrite_replaces_or_adds_only_the_named_texts():
    new = measured.rewrite(CATALOG, {"a": "new a", "b": "new b"})
    parsed = {c["id"]: c for c in tomllib.loads(new)["claim"]}
    assert parsed["a"]["measured"] == "new a" and parsed["b"]["measured"] == "new b"
    assert parsed["c"]["measured"] == "keep" and parsed["a"]["truth"] == "x"
    assert new.replace('measured = """new a"""', 'measured = """\nold text"""').replace(
        'measured = """new b"""\n', "") == CATALOG
    assert measured.rewrite(new, {"a": "new a", "b": "new b"}) == new


def test_check_and_write(run_file, tmp_path, capsys):
    catalog = tmp_path / "claims.toml"
    catalog.write_text(CATALOG.replace('"a"', '"data.num_workers_speed"'), encoding="utf-8")
    assert measured.main([str(run_file), "--catalog", str(catalog), "--check"]) == 1
    assert measured.main([str(run_file), "--catalog", str(catalog), "--write"]) == 0
    assert measured.main([str(run_file), "--catalog", str(catalog), "--check"]) == 0
    assert "num_workers=0: 5.00" in tomllib.loads(catalog.read_text())["claim"][0]["measured"]


def test_the_installed_command_works_from_the_project_folder_or_with_root(run_file, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit):
        measured.main([])  # no bench/baselines here: a clear error
    assert "no saved run in bench/baselines" in capsys.readouterr().err
    assert measured.main(["--root", str(ROOT)]) == 0
    assert "creation.as_tensor_round_trips:" in capsys.readouterr().out
