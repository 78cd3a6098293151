"""``python -m tensorspec.harness.mutation [NAME...]``: run planted changes outside pytest."""
from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict
from pathlib import Path

from tensorspec.harness.mutation.pool import run_mutants
from tensorspec.harness.mutation.registry import REGISTRY, default_tables, load_tables
from tensorspec.harness.mutation.results import ERROR, SURVIVED, Result, count

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tensorspec.harness.mutation",
        description="The mutation self-check: every planted change in tests/mutants must break its claim.")
    parser.add_argument("names", nargs="*", metavar="TABLE.NAME", help="only these mutants (default: all)")
    parser.add_argument("--root", default=".", help="the project root (default: the current folder)")
    parser.add_argument("--jobs", type=int, default=2, help="mutants run at a time (default 2)")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per mutant before it is killed")
    parser.add_argument("--json", metavar="PATH", help="write the results here")
    parser.add_argument("--workdir", metavar="DIR", help="where the children write (default: a new temp folder)")
    args = parser.parse_args(argv)
    root = Path(args.root).resolve()
    mutants = load_tables(default_tables(root))
    if args.names:
        unknown = [n for n in args.names if n not in REGISTRY]
        if unknown:
            parser.error(f"no such mutant: {', '.join(unknown)}")
        mutants = [m for m in mutants if m.name in args.names]
    start = time.monotonic()

    def progress(r: Result) -> None:
        print(f"{r.outcome.upper():9} {r.name} [{r.claim}{':' + r.statement if r.statement else ''}] {r.seconds:.1f} s"
              + (f": {r.reason}" if r.reason else ""), file=sys.stderr, flush=True)

    results = run_mutants(mutants, root, jobs=args.jobs, timeout=args.timeout, workdir=args.workdir,
                          progress=progress)
    for r in results:
        if r.outcome in (SURVIVED, ERROR):
            print(f"\n{r.outcome.upper()}: {r.name} ({r.description}): {r.reason}\n{r.tail}", file=sys.stderr)
    line = count(results)
    print(f"{line} ({time.monotonic() - start:.0f} s, {args.jobs} at a time)", file=sys.stderr)
    if args.json:
        Path(args.json).write_text(json.dumps({"count": line, "results": [asdict(r) for r in results]}, indent=1))
    return 1 if any(r.outcome in (SURVIVED, ERROR) for r in results) else 0
