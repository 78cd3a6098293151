"""The claim marker: ``@pytest.mark.claim("reshape.squeeze", "drops_all_unit_axes", ...)``.

A claim ID has a dot, a statement ID none: the statements after a claim ID are the ones of its truth
the test checks.  Markers stack (a test of two claims carries two), and a module's ``pytestmark``
may name the claim while each test names its statements.  Read by the claims plugin (collection,
selection, the report) and by the mutation self-check (which tests check a statement).
"""
from __future__ import annotations

from tensorspec.claims.catalog import Catalog


def marked(args_of_markers) -> tuple[dict[str, list[str]], list[str]]:
    """The claims and statements named by claim markers (each given as its args), and the errors:
    ``("a.b", "s1", "s2")`` names claim a.b with statements s1, s2 (a claim ID has a dot)."""
    claims: dict[str, list[str]] = {}
    errors = []
    for args in args_of_markers:
        if not args:
            errors.append("@pytest.mark.claim needs at least one claim ID")
            continue
        current = None
        for arg in args:
            if not isinstance(arg, str):
                errors.append(f"@pytest.mark.claim takes strings, not {arg!r}")
            elif "." in arg:
                current = arg
                claims.setdefault(arg, [])
            elif current is None:
                errors.append(f"@pytest.mark.claim{tuple(args)!r}: statement {arg!r} comes before any claim ID")
            elif arg not in claims[current]:
                claims[current].append(arg)
    return claims, errors


def marker_errors(catalog: Catalog, claims: dict[str, list[str]], *, require_statements: bool = True) -> list[str]:
    """What is wrong with a test's claims and statements, measured against the catalog.  A benchmark
    (``require_statements=False``) may name a claim alone: it measures, it does not check a statement."""
    errors = []
    for cid, statements in claims.items():
        if cid not in catalog:
            errors.append(catalog.unknown_message(cid))
            continue
        claim = catalog[cid]
        if not claim.statements:
            if statements:
                errors.append(f"claim {cid} has no statements in the catalog, but the marker names {statements}")
            continue
        for sid in statements:
            try:
                st = claim.statement(sid)
            except KeyError as exc:
                errors.append(f"{exc.args[0]} ({catalog.where(cid)})")
                continue
            if st.context:
                errors.append(f"statement {cid}:{sid} is marked context (checked by no test), but a test names it")
        if not statements and require_statements:
            errors.append(f"claim {cid}: name the statements the test checks, e.g. @pytest.mark.claim({cid!r}, "
                          f"{claim.checked_statements[0].id!r}) (its statements: "
                          f"{', '.join(st.id for st in claim.checked_statements)}; {catalog.where(cid)})")
    return errors


def selected(wanted: list[str], claims: dict[str, list[str]]) -> bool:
    for w in wanted:
        cid, _, sid = w.partition(":")
        for c, statements in claims.items():
            if sid and c == cid and sid in statements:
                return True
            if not sid and (c == w or c.split(".")[0] == w):
                return True
    return False
