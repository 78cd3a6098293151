"""``tensorspec-charts``: PNG charts from saved benchmark runs (``pytest bench`` saves them).

    tensorspec-charts                      # the newest run under .benchmarks/
    tensorspec-charts RUN.json [RUN.json]  # given runs, merged (later files win for the same benchmark)
    tensorspec-charts --storage DIR --out DIR

Writes, for the benchmark groups the run(s) hold:

* ``num_workers.png`` -- seconds for one pass over the training set, num_workers x batch_size;
* ``gpu.png`` -- training images per second, CPU vs GPU per batch size, and single ops over sizes;
* ``creation.png`` -- torch.Tensor / tensor / as_tensor / from_numpy over sizes, one load and round trips.

Where a group ran with several thread counts, the charts show the fewest threads.
Matplotlib's Agg canvas is used directly (no pyplot, no global state).
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from tensorspec.benchtools import benchinfo, savedruns
from tensorspec.benchtools.savedruns import Bench

DEVICE_COLORS = {"cpu": "#4c72b0", "cuda": "#55a868"}
FUNCTION_ORDER = ["torch.Tensor", "torch.tensor", "torch.as_tensor", "torch.from_numpy"]


class ChartsError(Exception):
    """Nothing to draw, or a run file that cannot be read: the message says which and what to do."""


@dataclass
class Runs:
    benches: list[Bench]
    label: str  # where the figures come from: machine, GPU, torch, run file(s)

    def of(self, group: str) -> list[Bench]:
        """The group's benchmarks; where they ran with several thread counts, those with the fewest
        threads (one point per configuration)."""
        found = [b for b in self.benches if b.kind == group]
        counts = {b.get("threads") for b in found} - {None}
        if len(counts) > 1:
            found = [b for b in found if b.get("threads") in (None, min(counts))]
        return found


def load(paths: list[Path]) -> Runs:
    """Read and merge runs; a benchmark present in several files is taken from the last."""
    merged: dict[str, Bench] = {}
    labels = []
    for path in paths:
        try:
            run = savedruns.read(path)
        except savedruns.RunError as exc:
            raise ChartsError(str(exc)) from None
        merged.update((b.fullname, b) for b in run.benches)
        labels.append(_machine_label(run.data, path))
    return Runs(list(merged.values()), "\n".join(dict.fromkeys(labels)))


def _machine_label(data: dict, path: Path) -> str:
    machine = data.get("machine_info") or {}
    extra = machine.get("tensorspec") or {}
    cpu = (machine.get("cpu") or {}).get("brand_raw") or machine.get("processor") or machine.get("machine") or "?"
    cores = extra.get("cpu_count") or (machine.get("cpu") or {}).get("count")
    gpu = extra.get("gpu") or "no GPU"
    torch_version = extra.get("torch", "?")
    when = (data.get("datetime") or "")[:16].replace("T", " ")
    run = path.name.split("_")[0] if path.name[:4].isdigit() else path.stem[:24]
    return f"{cpu}{f' ({cores} cores)' if cores else ''} · {gpu} · torch {torch_version} · {when} · run {run}"


def _new_figure(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _save(fig: Figure, title: str, runs: Runs, path: Path) -> Path:
    fig.suptitle(f"{title}\n{runs.label}", fontsize=10)
    fig.savefig(path, dpi=110)
    return path


def _rate(b: Bench) -> float:
    return b.get("images", 0) / b.seconds if b.seconds else 0.0


def chart_num_workers(runs: Runs, out: Path) -> Path | None:
    """Heat map: rows batch_size, columns num_workers, cells seconds per pass (and images/s)."""
    benches = runs.of(benchinfo.NUM_WORKERS)
    if not benches:
        return None
    workers = sorted({b.get("num_workers") for b in benches})
    sizes = sorted({b.get("batch_size") for b in benches})
    cell = {(b.get("batch_size"), b.get("num_workers")): b for b in benches}
    grid = [[cell[(s, w)].seconds if (s, w) in cell else float("nan") for w in workers] for s in sizes]
    fig = _new_figure(1.6 * len(workers) + 3, 1.0 * len(sizes) + 2.2)
    ax = fig.add_subplot()
    image = ax.imshow(grid, cmap="viridis_r", aspect="auto")
    fig.colorbar(image, ax=ax, label="seconds per pass, best round (lower is better)")
    best = min(cell.values(), key=lambda b: b.seconds)
    lo, hi = min(b.seconds for b in benches), max(b.seconds for b in benches)
    for i, s in enumerate(sizes):
        for j, w in enumerate(workers):
            b = cell.get((s, w))
            if b is None:
                continue
            dark = (b.seconds - lo) / ((hi - lo) or 1) > 0.5  # viridis_r: slow cells are dark
            text = f"{b.seconds:.2f} s\n{_rate(b):,.0f} img/s" + ("\nbest" if b is best else "")
            ax.text(j, i, text, ha="center", va="center", fontsize=9, color="white" if dark else "black",
                    fontweight="bold" if b is best else "normal")
    ax.set_xticks(range(len(workers)), [str(w) for w in workers])
    ax.set_yticks(range(len(sizes)), [str(s) for s in sizes])
    ax.set_xlabel("num_workers")
    ax.set_ylabel("batch_size")
    images = max(b.get("images", 0) for b in benches)
    return _save(fig, f"DataLoader: one pass over {images:,} images with per-sample transforms",
                 runs, out / "num_workers.png")


def chart_gpu(runs: Runs, out: Path) -> Path | None:
    """Training throughput per batch size (bars per device), and single ops over sizes (lines)."""
    training, ops = runs.of(benchinfo.TRAINING), runs.of(benchinfo.OPS)
    op_names = sorted({b.get("op") for b in ops})
    panels = ([training] if training else []) + [[b for b in ops if b.get("op") == o] for o in op_names]
    if not panels:
        return None
    fig = _new_figure(5.2 * len(panels), 4.4)
    axes = fig.subplots(1, len(panels), squeeze=False)[0]
    k = 0
    if training:
        _training_bars(axes[0], training)
        k = 1
    for ax, name, benches in zip(axes[k:], op_names, panels[k:]):
        _op_lines(ax, name, benches)
    devices = {b.get("device") for b in training + ops}
    note = "" if "cuda" in devices else " (no GPU figures in these runs)"
    return _save(fig, f"CPU vs GPU{note}", runs, out / "gpu.png")


def _training_bars(ax, benches: list[Bench]) -> None:
    sizes = sorted({b.get("batch_size") for b in benches})
    devices = [d for d in DEVICE_COLORS if any(b.get("device") == d for b in benches)]
    width = 0.8 / len(devices)
    for k, device in enumerate(devices):
        for i, size in enumerate(sizes):
            match = [b for b in benches if b.get("device") == device and b.get("batch_size") == size]
            if not match:
                continue
            rate = _rate(match[0])
            x = i + (k - (len(devices) - 1) / 2) * width
            ax.bar(x, rate, width, color=DEVICE_COLORS[device], label=device if i == 0 else None)
            ax.annotate(f"{rate:,.0f}", (x, rate), ha="center", va="bottom", fontsize=8)
    images = {b.get("batch_size"): b.get("images", 0) for b in benches}
    ax.set_xticks(range(len(sizes)), [f"{s}\n({images[s]:,} images)" for s in sizes])
    ax.set_xlabel("batch_size")
    ax.set_ylabel("images per second, best round (higher is better)")
    ax.set_title("training the course network (data from a DataLoader)", fontsize=10)
    ax.legend()
    ax.margins(y=0.12)


def _op_lines(ax, op: str, benches: list[Bench]) -> None:
    for device, color in DEVICE_COLORS.items():
        points = sorted((b.get("size"), b.seconds) for b in benches if b.get("device") == device)
        if points:
            ax.plot([p[0] for p in points], [p[1] * 1e6 for p in points], "o-", color=color, label=device)
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel("elements" if op == "add" else "n (n×n matrices)")
    ax.set_ylabel("µs per call (lower is better)")
    ax.set_title("a + b" if op == "add" else "a @ b", fontsize=10)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend()


def chart_creation(runs: Runs, out: Path) -> Path | None:
    """Median time vs array size, one line per function; one panel for one load, one for round trips."""
    modes = [m for m in (benchinfo.ONE_LOAD, benchinfo.ROUND_TRIPS) if runs.of(m)]
    if not modes:
        return None
    fig = _new_figure(5.5 * len(modes), 4.4)
    axes = fig.subplots(1, len(modes), squeeze=False)[0]
    for ax, mode in zip(axes, modes):
        benches = runs.of(mode)
        functions = sorted({b.get("function") for b in benches},
                           key=lambda f: FUNCTION_ORDER.index(f) if f in FUNCTION_ORDER else len(FUNCTION_ORDER))
        for function in functions:
            points = sorted((b.get("size"), b.seconds) for b in benches if b.get("function") == function)
            ax.plot([p[0] for p in points], [p[1] * 1e6 for p in points], "o-", label=function)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("float32 elements")
        ax.set_ylabel("µs per call (lower is better)")
        trips = max(b.get("trips", 1) for b in benches)
        ax.set_title("one load: f(ndarray)" if mode == benchinfo.ONE_LOAD
                     else f"{trips} round trips: x = f(x).numpy()", fontsize=10)
        ax.grid(True, which="major", alpha=0.3)
        ax.legend()
    return _save(fig, "Making tensors from ndarrays", runs, out / "creation.png")


CHARTS = (chart_num_workers, chart_gpu, chart_creation)


def make_charts(paths: list[Path], out: Path) -> list[Path]:
    """Draw every chart the runs have data for into ``out``; the PNGs written."""
    runs = load(paths)
    out.mkdir(parents=True, exist_ok=True)
    written = [p for chart in CHARTS if (p := chart(runs, out)) is not None]
    if not written:
        groups = ", ".join((benchinfo.NUM_WORKERS, benchinfo.TRAINING, benchinfo.OPS, benchinfo.ONE_LOAD,
                            benchinfo.ROUND_TRIPS))
        raise ChartsError(f"nothing to chart: {', '.join(map(str, paths))} hold no benchmarks of the groups {groups} "
                          "(benchmarks run with --benchmark-disable are not saved)")
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tensorspec-charts", description=__doc__.split("\n\n")[0])
    parser.add_argument("runs", nargs="*", type=Path, metavar="RUN.json",
                        help="saved runs to chart (default: the newest under --storage)")
    parser.add_argument("--storage", type=Path, default=Path(".benchmarks"),
                        help="where pytest bench saves its runs (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=None, help="folder for the PNGs (default: STORAGE/charts)")
    args = parser.parse_args(argv)
    try:
        paths = args.runs
        if not paths:
            saved = savedruns.find(args.storage)
            if not saved:
                raise ChartsError(f"no saved benchmark runs under {args.storage.resolve()}: run `pytest bench` "
                                  "first (it saves each run there), or name run files")
            paths = saved[-1:]
        written = make_charts(paths, args.out or args.storage / "charts")
    except ChartsError as exc:
        print(f"tensorspec-charts: error: {exc}", file=sys.stderr)
        return 2
    print(f"charts from {', '.join(map(str, paths))}:")
    for path in written:
        print(f"  {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
