"""The claim catalog: ``spec/claims.toml`` loaded, validated and looked up.

One entry per claim of the course notes.  Tests point at entries by ID (the ``claim`` marker);
nothing about a claim is stated anywhere but here.
"""
from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from tensorspec.claims import versions as _versions

VERDICTS = ("holds", "qualified", "refuted", "outdated")
PENDING = "pending"
_FIELDS = ("id", "sources", "quote", "claim", "verdict", "truth")
_ID = re.compile(r"^[a-z_]+\.[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$")


class CatalogError(ValueError):
    """The catalog file is malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class Difference:
    """Where the truth differs in a range of releases (a ``[[claim.differs]]`` table)."""
    name: str  # the switch tests read with ``differs(name)``; unique in the catalog
    when: tuple  # packaging Requirements, all of which the installed versions must meet
    truth: str  # the behaviour in that range
    verdict: str = ""  # the verdict in that range, where it is not the claim's

    @property
    def applies(self) -> bool:
        return _versions.satisfied(self.when)

    @property
    def range(self) -> str:
        return _versions.describe(self.when)


@dataclass(frozen=True)
class Claim:
    id: str
    sources: tuple[str, ...]
    quote: str
    claim: str
    verdict: str
    truth: str
    measured: str = ""  # figures a benchmark or a training run gave, and on which machine
    differs: tuple[Difference, ...] = field(default=())  # truths of other release ranges

    @property
    def group(self) -> str:
        return self.id.split(".", 1)[0]

    @property
    def current(self) -> tuple[Difference, ...]:
        """The differences whose range the installed versions fall in."""
        return tuple(d for d in self.differs if d.applies)

    @property
    def installed_verdict(self) -> str:
        """The verdict on the installed versions."""
        return next((d.verdict for d in self.current if d.verdict), self.verdict)

    @property
    def installed_truth(self) -> str:
        """The truth on the installed versions: the claim's truth, then what differs in their range."""
        return "\n".join([self.truth] + [f"On the installed versions ({d.range}): {d.truth}"
                                          for d in self.current]).strip()


class Catalog:
    """An ordered, validated set of claims."""

    def __init__(self, claims: list[Claim], path: Path | None = None):
        self.path = path
        self._by_id: dict[str, Claim] = {}
        self.differences: dict[str, tuple[Claim, Difference]] = {}
        for c in claims:
            if c.id in self._by_id:
                raise CatalogError(f"{path}: claim {c.id!r} appears twice")
            self._by_id[c.id] = c
            for d in c.differs:
                if d.name in self.differences:
                    raise CatalogError(f"{path}: difference {d.name!r} appears twice "
                                       f"({self.differences[d.name][0].id} and {c.id})")
                self.differences[d.name] = (c, d)

    def __iter__(self):
        return iter(self._by_id.values())

    def __len__(self) -> int:
        return len(self._by_id)

    def __contains__(self, claim_id: str) -> bool:
        return claim_id in self._by_id

    def __getitem__(self, claim_id: str) -> Claim:
        try:
            return self._by_id[claim_id]
        except KeyError:
            raise KeyError(self.unknown_message(claim_id)) from None

    def unknown_message(self, claim_id: str) -> str:
        near = difflib.get_close_matches(claim_id, self._by_id, n=3)
        hint = f"; did you mean {', '.join(near)}?" if near else ""
        return f"unknown claim ID {claim_id!r} (not in {self.path}){hint}"

    def difference(self, name: str) -> tuple[Claim, Difference]:
        """The claim and difference named ``name``; KeyError with suggestions when unknown."""
        try:
            return self.differences[name]
        except KeyError:
            near = difflib.get_close_matches(name, self.differences, n=3)
            hint = f"; did you mean {', '.join(near)}?" if near else ""
            raise KeyError(f"no [[claim.differs]] named {name!r} in {self.path}{hint}") from None

    @classmethod
    def load(cls, path: str | Path) -> "Catalog":
        path = Path(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise CatalogError(f"claim catalog not found: {path}") from None
        except tomllib.TOMLDecodeError as exc:
            raise CatalogError(f"{path}: not valid TOML: {exc}") from None
        entries = data.get("claim")
        if not isinstance(entries, list) or not entries:
            raise CatalogError(f"{path}: expected [[claim]] tables")
        return cls([_parse(path, i, e) for i, e in enumerate(entries)], path)


def _parse(path: Path, index: int, entry: dict) -> Claim:
    where = f"{path}: claim #{index + 1} ({entry.get('id', '?')})"
    missing = [f for f in _FIELDS if f not in entry]
    if missing:
        raise CatalogError(f"{where}: missing field(s) {', '.join(missing)}")
    extra = set(entry) - set(_FIELDS) - {"measured", "differs"}
    if extra:
        raise CatalogError(f"{where}: unknown field(s) {', '.join(sorted(extra))}")
    if not _ID.match(entry["id"]):
        raise CatalogError(f"{where}: ID must look like group.name")
    verdict = entry["verdict"]
    if verdict not in VERDICTS + (PENDING,):
        raise CatalogError(f"{where}: verdict {verdict!r} is not one of {', '.join(VERDICTS)} or {PENDING}")
    if verdict not in ("holds", PENDING) and not entry["truth"].strip():
        raise CatalogError(f"{where}: verdict {verdict!r} needs a truth text stating the precise behaviour")
    return Claim(
        id=entry["id"],
        sources=tuple(entry["sources"]),
        quote=entry["quote"],
        claim=entry["claim"],
        verdict=verdict,
        truth=entry["truth"].strip(),
        measured=entry.get("measured", "").strip(),
        differs=tuple(_parse_difference(where, i, d) for i, d in enumerate(entry.get("differs", []))),
    )


_DIFF_FIELDS = ("name", "when", "truth")


def _parse_difference(where: str, index: int, entry: dict) -> Difference:
    here = f"{where}: differs #{index + 1} ({entry.get('name', '?')})"
    missing = [f for f in _DIFF_FIELDS if f not in entry]
    if missing:
        raise CatalogError(f"{here}: missing field(s) {', '.join(missing)}")
    extra = set(entry) - set(_DIFF_FIELDS) - {"verdict"}
    if extra:
        raise CatalogError(f"{here}: unknown field(s) {', '.join(sorted(extra))}")
    if not re.fullmatch(r"[a-z][a-z0-9_]*", entry["name"]):
        raise CatalogError(f"{here}: name must be a lower_case identifier")
    if entry.get("verdict", "holds") not in VERDICTS:
        raise CatalogError(f"{here}: verdict {entry['verdict']!r} is not one of {', '.join(VERDICTS)}")
    if not entry["truth"].strip():
        raise CatalogError(f"{here}: needs a truth text stating the behaviour in that range")
    try:
        when = _versions.parse_when(entry["when"])
    except ValueError as exc:
        raise CatalogError(f"{here}: when: {exc}") from None
    return Difference(name=entry["name"], when=when, truth=entry["truth"].strip(),
                      verdict=entry.get("verdict", ""))
