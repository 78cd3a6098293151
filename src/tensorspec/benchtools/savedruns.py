"""The one reader of saved benchmark runs (pytest-benchmark's JSON), for the charts and the catalog's
``measured`` texts.

A benchmark records the claims it bears on (``extra_info["claims"]``, from its ``@pytest.mark.claim``
marker; ``bench/conftest.py`` writes it), so a reader asks a run which benchmarks measure a claim
instead of keeping its own table.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path


class RunError(Exception):
    """A run file that cannot be read: the message names it and says why."""


@dataclass
class Bench:
    """One benchmark of a saved run: its group, what it recorded (parameters and extra info), and its
    best (min) seconds per round -- the figure least disturbed by other work on the machine."""
    group: str
    info: dict
    seconds: float
    fullname: str = ""

    def get(self, key: str, default=None):
        return self.info.get(key, default)

    @property
    def kind(self) -> str:
        """The group without its parameters (``gpu-ops`` of ``gpu-ops add 1 thread``)."""
        return self.group.split(" ")[0]

    @property
    def claims(self) -> tuple[str, ...]:
        return tuple(self.info.get("claims") or ())


@dataclass
class SavedRun:
    path: Path
    data: dict = field(repr=False)
    benches: list[Bench]

    @property
    def machine(self) -> dict:
        return self.data.get("machine_info") or {}

    def of_claim(self, claim: str) -> list[Bench]:
        return [b for b in self.benches if claim in b.claims]

    @property
    def claims(self) -> list[str]:
        return list(dict.fromkeys(c for b in self.benches for c in b.claims))


def read(path: str | Path) -> SavedRun:
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        benchmarks = data["benchmarks"]
        benches = [Bench(b.get("group") or "", {**(b.get("params") or {}), **(b.get("extra_info") or {})},
                         float(b["stats"]["min"]), b.get("fullname", "")) for b in benchmarks]
    except FileNotFoundError:
        raise RunError(f"{path}: no such file") from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise RunError(f"{path}: not a saved pytest-benchmark run ({type(exc).__name__}: {exc})") from None
    return SavedRun(path, data, benches)


def find(storage: Path) -> list[Path]:
    """Saved runs under ``storage`` (pytest-benchmark's ``<machine>/NNNN_*.json``), oldest first."""
    if not storage.is_dir():
        return []
    return sorted((p for p in storage.rglob("*.json") if p.is_file()), key=lambda p: (p.stat().st_mtime, p.name))
