"""The ``tensorspec`` command: ``list`` and ``show`` the claims of the catalog, ``compare`` two claims
reports, build the ``changes`` document (Markdown or an HTML page), render a report as a ``page``,
keep the README's list of wrong claims, ``bisect`` the releases for the first one where a truth changed.

It never imports torch: every subcommand reads the catalog or reports only (bisect runs torch in
environments of its own)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tensorspec.claims import cards, changes, compare, readme
from tensorspec.matrix import bisect


def _page(args) -> int:
    from tensorspec.claims import page, report

    text = page.render_report(compare.load(args.report), catalog=page.optional_catalog(args.catalog))
    report.write_text(Path(args.output), text)
    print(f"wrote {args.output}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tensorspec", description="tensorspec: the claims of the catalog, and claims reports across releases")
    sub = parser.add_subparsers(dest="command", required=True)
    cards.add_parsers(sub)
    p = sub.add_parser("compare", help="what changed between two claims reports (JSON)",
                       description=compare.__doc__.split("\n\n")[0])
    p.add_argument("old", metavar="OLD.json")
    p.add_argument("new", metavar="NEW.json")
    p.add_argument("--markdown", action="store_true", help="print a Markdown table")
    p.add_argument("--fail-on-change", action="store_true", help="exit 1 when any claim changed")
    p.set_defaults(run=compare.run)
    p = sub.add_parser("changes", help="the changes-by-version document (Markdown, or a page with --html) from claims reports",
                       description=changes.__doc__.split("\n\n")[0])
    p.add_argument("reports", nargs="+", metavar="REPORT", help="JSON reports, or folders of them")
    p.add_argument("-o", "--output", metavar="PATH", help="write the Markdown here (default: print it)")
    p.add_argument("--html", metavar="PATH", help="write the page of the changes (a version timeline per claim) here")
    p.add_argument("--catalog", metavar="PATH",
                   help=f"gists and statements for reports that lack them (default: {cards.DEFAULT_CATALOG}, if present)")
    p.set_defaults(run=changes.run)
    p = sub.add_parser("page", help="a claims report (JSON) as one self-contained HTML page",
                       description="Render a JSON claims report as the HTML page that pytest spec --claims-report "
                                   "NAME.html writes; gists and statements missing from an older report come from "
                                   "the catalog.")
    p.add_argument("report", metavar="REPORT.json")
    p.add_argument("-o", "--output", metavar="PATH", required=True, help="the HTML file to write")
    p.add_argument("--catalog", metavar="PATH", help=f"the claim catalog (default: {cards.DEFAULT_CATALOG}, if present)")
    p.set_defaults(run=_page)
    p = sub.add_parser("readme", help="the README's list of the claims the notes get wrong",
                       description=readme.__doc__.split("\n\n")[0])
    p.add_argument("--catalog", metavar="PATH", help="the catalog (default: spec/claims.toml here)")
    p.add_argument("--readme", metavar="PATH", default="README.md", help="the README (default: README.md here)")
    action = p.add_mutually_exclusive_group()
    action.add_argument("--write", action="store_true", help="write the block into the README")
    action.add_argument("--check", action="store_true", help="exit 1 when the README's block differs")
    p.set_defaults(run=readme.run)
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
