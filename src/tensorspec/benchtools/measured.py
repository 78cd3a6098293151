"""The catalog's ``measured`` texts of the benchmarked claims, generated from a saved benchmark run.

    tensorspec-measured                      # print them (the committed runs, bench/baselines/ under --root)
    tensorspec-measured RUN.json --write     # write them into spec/claims.toml
    tensorspec-measured --check              # exit 1 if the catalog differs

A saved run is pytest-benchmark's JSON (``pytest bench --benchmark-json=RUN.json``, or a file that
``pytest bench`` autosaves under ``.benchmarks/``); the committed ones live in ``bench/baselines/``
(read in name order: a later file's figures replace an earlier one's for the claims it covers, so a
part of the suite can be re-measured alone, e.g. ``-k time_to_target``).  Each text names the run file, the machine (CPU, cores, GPU or none), torch and NumPy, the thread
counts, ``OMP_WAIT_POLICY`` and the load average when the run started, and gives the best (min) round
of each benchmark: the figure least disturbed by other work.  Claims whose benchmarks the run does not
hold are left out (their texts stay as they are); GPU figures are given only when the run has them.
Which benchmarks measure a claim, the run says: each benchmark records its ``@pytest.mark.claim``
(``extra_info["claims"]``).  Paths are relative to ``--root`` (default: the current folder), so the
installed command works in any checkout.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from tensorspec.benchtools import benchinfo, savedruns
from tensorspec.benchtools.savedruns import Bench

BASELINES = Path("bench", "baselines")  # under the project root
CATALOG = Path("spec", "claims.toml")


def baselines(root: str | Path = ".") -> list[Path]:
    """The committed runs: the JSON files in ``bench/baselines/`` under ``root``, in name order."""
    return sorted(Path(root, BASELINES).glob("*.json"))


def duration(seconds: float) -> str:
    """Two or three significant figures in us, ms or s."""
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if seconds >= scale or unit == "us":
            value = seconds / scale
            return f"{value:.3g} {unit}" if value < 100 else f"{value:.0f} {unit}"
    raise AssertionError


def _flat(b: Bench) -> dict:
    return {"group": b.group, "min": b.seconds, **b.info}


def _of(benches: list[dict], group: str) -> list[dict]:
    return [b for b in benches if b["group"].split(" ")[0] == group]


def _per_device(benches: list[dict]) -> list[tuple[str, list[dict]]]:
    """(device, its benchmarks) for each device the benchmarks ran on, in order."""
    return [(d, [b for b in benches if b["device"] == d]) for d in sorted({b["device"] for b in benches})]


def _thread_count(n: int) -> str:
    return f"{n} thread{'s' if n > 1 else ''}"


def _threads(benches: list[dict]) -> str:
    counts = sorted({b.get("threads") for b in benches} - {None})
    return " and ".join(map(str, counts)) + (" thread" if counts == [1] else " threads")


def _loads(benches: list[dict]) -> str:
    loads = [b["load_average_at_start"][0] for b in benches if b.get("load_average_at_start")]
    return f"{min(loads):.1f}-{max(loads):.1f}" if loads else "?"


def header(run: dict, path: Path, benches: list[dict]) -> str:
    """Where and how the run's figures were taken."""
    machine = run.get("machine_info") or {}
    extra = machine.get("tensorspec") or {}
    cpu = extra.get("cpu") or (machine.get("cpu") or {}).get("brand_raw") or machine.get("processor") or "?"
    gpu = extra.get("gpu") or "no GPU"
    if "load_average" in extra:
        load = f"load average {'/'.join(map(str, extra['load_average']))} at the start of the run"
    else:  # a run saved before the start was recorded
        load = f"load average {'/'.join(map(str, extra.get('load_average_at_end', '?')))} at the end of the run"
    commit = (run.get("commit_info") or {}).get("id") or "?"
    return (f"saved run bench/baselines/{path.name} (commit {commit[:8]}, {(run.get('datetime') or '')[:16]}): "
            f"{cpu}, {extra.get('cpu_count', '?')} logical cores, {gpu}; torch {extra.get('torch', '?')}, "
            f"NumPy {extra.get('numpy', '?')}, Python {machine.get('python_version', '?')}; "
            f"{_threads(benches)}, OMP_WAIT_POLICY {extra.get('omp_wait_policy', '?')}, "
            f"{load}, {_loads(benches)} (1 minute) at the start of these benchmarks; best round of each")


def size(n: int) -> str:
    """16, 4096, 2^20: a power of two above 10^5 as a power."""
    return f"2^{n.bit_length() - 1}" if n > 10**5 and n & (n - 1) == 0 else str(n)


def _by(benches, *keys):
    table = {}
    for b in benches:
        table[tuple(b.get(k) for k in keys)] = b
    return table


def _no_gpu(benches) -> str:
    return "" if any(b.get("device") == "cuda" for b in benches) else " GPU: not measured (the run had no GPU)."


def creation(benches: list[dict]) -> str | None:
    one, trips = _of(benches, benchinfo.ONE_LOAD), _of(benches, benchinfo.ROUND_TRIPS)
    if not one and not trips:
        return None
    parts = []
    sizes = sorted({b["size"] for b in one + trips})
    size_names = "/".join(f"10^{len(str(s)) - 1}" for s in sizes)
    for threads in sorted({b["threads"] for b in one + trips}):
        for label, group in (("one load", one), (f"{(trips or [{}])[0].get('trips', '?')} round trips (x = f(x).numpy())", trips)):
            table = _by([b for b in group if b["threads"] == threads], "function", "size")
            functions = [f for f in ("torch.from_numpy", "torch.as_tensor", "torch.Tensor", "torch.tensor")
                         if any(k[0] == f for k in table)]
            cells = ", ".join(f"{f.removeprefix('torch.')} " + " / ".join(
                duration(table[(f, s)]["min"]) if (f, s) in table else "-" for s in sizes) for f in functions)
            parts.append(f"{_thread_count(threads)}, {label}: {cells}")
    return f"float32 arrays of {size_names} elements. " + "; ".join(parts) + "."


def _add_and_matmul(benches: list[dict]) -> str:
    table = _by(benches, "op", "size")
    add = ", ".join(f"{size(s)}: {duration(table[('add', s)]['min'])}" for _, s in sorted(k for k in table if k[0] == "add"))
    mm = ", ".join(f"{s}x{s}: {duration(table[('matmul', s)]['min'])}"
                   for _, s in sorted(k for k in table if k[0] == "matmul"))
    return f"a + b at {add}; a @ b at {mm}"


def single_ops(benches: list[dict]) -> str | None:
    ops = _of(benches, benchinfo.OPS)
    if not ops:
        return None
    parts = [f"{device}, {_thread_count(threads)}: "
             + _add_and_matmul([b for b in on_device if b["threads"] == threads])
             for device, on_device in _per_device(ops) for threads in sorted({b["threads"] for b in ops})]
    return "; ".join(parts) + "." + _no_gpu(ops)


def training_speed(benches: list[dict]) -> str | None:
    train = _of(benches, benchinfo.TRAINING)
    if not train:
        return None
    parts = []
    for device, on_device in _per_device(train):
        rows = sorted(on_device, key=lambda b: b["batch_size"])
        cells = ", ".join(f"batch {b['batch_size']:,}: {b['images'] / b['min']:,.0f} images/s "
                          f"(an epoch ~{60000 * b['min'] / b['images']:.0f} s)" for b in rows)
        parts.append(f"training on DataLoader batches ({rows[0]['images']:,}+ images per round, "
                     f"{device}, {_threads(rows)}): {cells}")
    loader = sorted((b for b in _of(benches, benchinfo.NUM_WORKERS) if b.get("num_workers") == 0),
                    key=lambda b: b["batch_size"])
    if loader:
        parts.append("the loader alone (num_workers=0, same transforms): " + ", ".join(
            f"{b['images'] / b['min']:,.0f} images/s at batch {b['batch_size']:,}" for b in loader))
    return "; ".join(parts) + "." + _no_gpu(train)


def num_workers(benches: list[dict]) -> str | None:
    loads = _of(benches, benchinfo.NUM_WORKERS)
    if not loads:
        return None
    table = _by(loads, "num_workers", "batch_size")
    sizes = sorted({b["batch_size"] for b in loads})
    rows = []
    for w in sorted({b["num_workers"] for b in loads}):
        rows.append(f"num_workers={w}: " + " / ".join(
            f"{table[(w, s)]['min']:.2f}" if (w, s) in table else "-" for s in sizes))
    best = min(loads, key=lambda b: b["min"])
    return (f"one pass over the {best['images']:,} training images with ToTensor + Normalize per sample "
            f"({_threads(loads)} in the main process), seconds at batch {' / '.join(f'{s:,}' for s in sizes)}: "
            + "; ".join(rows) + f". Best: num_workers={best['num_workers']}, batch {best['batch_size']:,} "
            f"({best['min']:.2f} s, {best['images'] / best['min']:,.0f} images/s).")


def time_to_target(benches: list[dict]) -> str | None:
    runs = _of(benches, benchinfo.TIME_TO_TARGET)
    if not runs:
        return None
    cells = [f"{b['network']} ({_thread_count(b['threads'])}): "
             f"{b['test_accuracy']:.4f} >= {b['target']} after epoch {b['epoch']}, {b['min']:.1f} s"
             for b in sorted(runs, key=lambda b: (b["network"] != "plain", b["threads"]))]
    return (f"time to the target test accuracy ({runs[0]['recipe']}; training and the per-epoch test "
            f"evaluations): " + "; ".join(cells) + ".")


def _full_runs(benches: list[dict], *keys: tuple[str, bool]) -> list[dict]:
    """The full-run benchmarks of these (network, normalized inputs); none if one is missing."""
    table = _by(_of(benches, benchinfo.FULL_RUN), "network", "normalize")
    return [] if any(key not in table for key in keys) else [table[key] for key in keys]


def batchnorm_helps(benches: list[dict]) -> str | None:
    runs = _full_runs(benches, ("plain", True), ("batchnorm", True))
    if not runs:
        return None
    accuracies = "; ".join(f"{b['network']} " + ", ".join(f"{a:.4f}" for a in b["test_accuracy"]) for b in runs)
    losses = ", ".join(f"{b['network']} {b['loss'][-1]:.4f}" for b in runs)
    seconds = " and ".join(f"{b['min']:.0f} s" for b in runs)
    return (f"the recipe of train.reaches_target ({runs[0]['recipe']}), normalized inputs, test accuracy per "
            f"epoch: {accuracies}. Last-epoch training loss: {losses} ({seconds} of training and evaluation).")


def normalize_helps(benches: list[dict]) -> str | None:
    runs = _full_runs(benches, ("plain", True), ("plain", False))
    if not runs:
        return None
    normalized, raw = runs
    return (f"the course network's first epoch of the recipe of train.reaches_target ({normalized['recipe']}): "
            f"test accuracy {normalized['test_accuracy'][0]:.4f} normalized vs {raw['test_accuracy'][0]:.4f} "
            f"unnormalized, training loss {normalized['loss'][0]:.4f} vs {raw['loss'][0]:.4f}.")


def overfitting(benches: list[dict]) -> str | None:
    runs = _of(benches, benchinfo.OVERFITTING)
    if not runs:
        return None
    b = runs[0]
    return (f"seed {b['seed']}, {b['steps']} Adam steps on {b['training_points']} points: training MSE "
            f"{b['training_mse']:.3f}, held-out MSE {b['held_out_mse']:.3f} ({b['held_out_points']} points), "
            f"{b['held_out_mse'] / b['training_mse']:.1f}x; {duration(b['min'])} per training.")


MAKERS = {"creation.as_tensor_round_trips": creation, "device.gpu_not_always_faster": single_ops,
          "device.gpu_speeds_training": training_speed, "data.num_workers_speed": num_workers,
          "train.reaches_target": time_to_target, "train.batchnorm_helps": batchnorm_helps,
          "data.normalize_helps": normalize_helps, "misc.overfitting": overfitting}


def texts(*paths: Path) -> dict[str, str]:
    """``{claim id: measured text}`` for the benchmarked claims the runs at ``paths`` hold (a later
    run's text replaces an earlier one's)."""
    out = {}
    for path in paths:
        out.update(_texts(Path(path)))
    return out


def _texts(path: Path) -> dict[str, str]:
    run = savedruns.read(path)
    out = {}
    for claim in run.claims:
        make = MAKERS.get(claim)
        mine = [_flat(b) for b in run.of_claim(claim)]
        body = make(mine) if make else None
        if body is not None:
            out[claim] = f"{header(run.data, path, mine)}. {body}"
    return out


_BLOCK = re.compile(r'(?ms)^\[\[claim\]\]\n(?:(?!^\[\[).)*')


def rewrite(catalog: str, measured: dict[str, str]) -> str:
    """The catalog text with the ``measured`` value of each claim in ``measured`` replaced (or added
    at the end of its block); everything else is left byte for byte."""
    def one(match: re.Match) -> str:
        block = match.group(0)
        found = re.search(r'(?m)^id = "([^"]+)"', block)
        if not found or found.group(1) not in measured:
            return block
        text = measured[found.group(1)]
        assert '"""' not in text and "\\" not in text, text
        line = f'measured = """{text}"""'
        if re.search(r'(?m)^measured = ', block):
            return re.sub(r'(?ms)^measured = (""".*?"""|"(?:[^"\\\n]|\\.)*")', lambda _: line, block, count=1)
        body = block.rstrip("\n")
        return body + "\n" + line + block[len(body):]
    return _BLOCK.sub(one, catalog)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tensorspec-measured", description=__doc__.split("\n")[0])
    parser.add_argument("runs", nargs="*", type=Path, help="saved pytest-benchmark runs (default: bench/baselines/*.json)")
    parser.add_argument("--root", type=Path, default=Path("."), help="the project folder (default: the current one)")
    parser.add_argument("--catalog", type=Path, default=None, help="the catalog (default: ROOT/spec/claims.toml)")
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--write", action="store_true", help="write the texts into the catalog")
    action.add_argument("--check", action="store_true", help="exit 1 if the catalog's texts differ")
    args = parser.parse_args(argv)
    args.catalog = args.catalog or args.root / CATALOG
    runs = args.runs or baselines(args.root)
    if not runs:
        parser.error(f"no saved run in {args.root / BASELINES}: save one with `pytest bench --benchmark-json=...`")
    if not args.catalog.is_file():
        parser.error(f"no catalog at {args.catalog}: run in the project folder or give --root / --catalog")
    try:
        measured = texts(*runs)
    except savedruns.RunError as exc:
        parser.error(str(exc))
    if not (args.write or args.check):
        for claim, text in measured.items():
            print(f"{claim}:\n  {text}\n")
        return 0
    old = args.catalog.read_text(encoding="utf-8")
    new = rewrite(old, measured)
    if args.check:
        if new != old:
            print(f"{args.catalog}: the measured texts of {', '.join(measured)} differ from the run's; "
                  f"run `python -m tensorspec.benchtools.measured --write`", file=sys.stderr)
            return 1
        return 0
    args.catalog.write_text(new, encoding="utf-8")
    print(f"{args.catalog}: wrote the measured texts of {', '.join(measured)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
