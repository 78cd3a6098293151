"""The ``tensorspec`` command: ``compare`` two claims reports, build the ``changes`` document."""
from __future__ import annotations

import argparse
import sys

from tensorspec.claims import changes, compare, readme


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
    p.add_argument("--catalog", metavar="PATH", help="the current catalog, to name reports run with an older one "
                   "(default: spec/claims.toml here)")
    p.set_defaults(run=changes.run)
    p = sub.add_parser("readme", help="the README's list of the claims the notes get wrong",
                       description=readme.__doc__.split("\n\n")[0])
    p.add_argument("--catalog", metavar="PATH", help="the catalog (default: spec/claims.toml here)")
    p.add_argument("--readme", metavar="PATH", default="README.md", help="the README (default: README.md here)")
    action = p.add_mutually_exclusive_group()
    action.add_argument("--write", action="store_true", help="write the block into the README")
    action.add_argument("--check", action="store_true", help="exit 1 when the README's block differs")
    p.set_defaults(run=readme.run)
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except (compare.ReportError, ValueError) as exc:
        print(f"tensorspec {args.command}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
