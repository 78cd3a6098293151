"""The ``tensorspec`` command: ``compare`` two claims reports, build the ``changes`` document, ``bisect``
the releases for the first one where a truth changed."""
from __future__ import annotations

import argparse
import sys

from tensorspec.claims import changes, compare
from tensorspec.matrix import bisect


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tensorspec", description="tensorspec: claims reports across releases")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("compare", help="what changed between two claims reports (JSON)",
                       description=compare.__doc__.split("\n\n")[0])
    p.add_argument("old", metavar="OLD.json")
    p.add_argument("new", metavar="NEW.json")
    p.add_argument("--markdown", action="store_true", help="print a Markdown table")
    p.add_argument("--fail-on-change", action="store_true", help="exit 1 when any claim changed")
    p.set_defaults(run=compare.run)
    p = sub.add_parser("changes", help="the changes-by-version document from claims reports",
                       description=changes.__doc__.split("\n\n")[0])
    p.add_argument("reports", nargs="+", metavar="REPORT", help="JSON reports, or folders of them")
    p.add_argument("-o", "--output", metavar="PATH", help="write the Markdown here (default: print it)")
    p.set_defaults(run=changes.run)
    p = sub.add_parser("bisect", help="the first release where a claim's truth changed (a uv environment per probe)",
                       description=bisect.__doc__.split("\n\n")[0], epilog=bisect.__doc__.split("\n\n", 1)[1],
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    bisect.add_arguments(p)
    p.set_defaults(run=bisect.run)
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except (compare.ReportError, ValueError) as exc:
        print(f"tensorspec {args.command}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
