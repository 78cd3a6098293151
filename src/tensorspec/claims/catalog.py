"""The claim catalog: ``spec/claims.toml`` loaded, validated and looked up.

One entry per claim of the course notes.  A claim's truth is a list of short statements
(``[[claim.statement]]``: ``id``, ``text``), each checked by the tests that name it in their marker
(``@pytest.mark.claim("reshape.squeeze", "drops_all_unit_axes")``); a sentence that no test checks is
marked ``context = true``.  A ``[[claim.differs]]`` range replaces the text of the statements it names
(``[[claim.differs.statement]]``) for the releases in its range.  Nothing about a claim is stated
anywhere but here.
"""
from __future__ import annotations

import difflib
import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from tensorspec.claims import versions as _versions

VERDICTS = ("holds", "qualified", "refuted", "outdated")
PENDING = "pending"
_FIELDS = ("id", "sources", "quote", "claim", "verdict")
_OPTIONAL = ("truth", "measured", "differs", "statement", "gist", "gist_zh", "measured_facts")
_ID = re.compile(r"^[a-z_]+\.[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$")
_STATEMENT_ID = re.compile(r"^[a-z][a-z0-9_]*$")
GIST_MAX = 140


class CatalogError(ValueError):
    """The catalog file is malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class Source:
    """A code of the ``sources`` fields (``DL9``: Deeplizard lesson 9) and what it stands for."""
    code: str
    title: str
    title_zh: str = ""
    file: str = ""  # the seed file of the notes


@dataclass(frozen=True)
class Statement:
    """One checkable sentence of a truth (a ``[[claim.statement]]`` table)."""
    id: str  # unique within its claim; tests name it in their claim marker
    text: str
    context: bool = False  # context for the reader, checked by no test
    no_mutant: str = ""  # why no planted change can turn it red here (e.g. it needs a GPU)

    @property
    def checked(self) -> bool:
        return not self.context


@dataclass(frozen=True)
class Difference:
    """Where the truth differs in a range of releases (a ``[[claim.differs]]`` table)."""
    name: str  # the switch tests read with ``differs(name)``; unique in the catalog
    when: tuple  # packaging Requirements, all of which the installed versions must meet
    truth: str  # the behaviour in that range (the replaced statements' texts, joined)
    verdict: str = ""  # the verdict in that range, where it is not the claim's
    statements: tuple[Statement, ...] = ()  # the claim's statements as they are in this range
    gist: str = ""
    gist_zh: str = ""

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
    statements: tuple[Statement, ...] = field(default=())  # the truth, one checkable sentence each
    gist: str = ""  # the answer for a learner, in English (<= 140 characters)
    gist_zh: str = ""  # the same in Chinese
    measured_facts: tuple[str, ...] = ()  # facts that are measurements (timings, accuracies), not behaviour
    line: int = 0  # the line of its ``id`` in the catalog file

    @property
    def group(self) -> str:
        return self.id.split(".", 1)[0]

    def statement(self, statement_id: str) -> Statement:
        for st in self.statements:
            if st.id == statement_id:
                return st
        near = difflib.get_close_matches(statement_id, [st.id for st in self.statements], n=3)
        hint = f"; did you mean {', '.join(near)}?" if near else ""
        raise KeyError(f"claim {self.id} has no statement {statement_id!r}{hint}")

    @property
    def checked_statements(self) -> tuple[Statement, ...]:
        return tuple(st for st in self.statements if st.checked)

    def statement_in_force(self, statement_id: str) -> tuple[Statement, Difference | None]:
        """The statement as it is on the installed versions, and the range that changed it (or None)."""
        found = self.statement(statement_id)
        for d in self.current:
            for st in d.statements:
                if st.id == statement_id:
                    return Statement(st.id, st.text, found.context, found.no_mutant), d
        return found, None

    @property
    def installed_gist(self) -> str:
        return next((d.gist for d in self.current if d.gist), self.gist)

    @property
    def installed_gist_zh(self) -> str:
        return next((d.gist_zh for d in self.current if d.gist_zh), self.gist_zh)

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
        """The truth on the installed versions: its statements as they are there (or, for a claim not
        yet written as statements, the claim's truth, then what differs in their range)."""
        if self.statements:
            return " ".join(self.statement_in_force(st.id)[0].text for st in self.statements)
        return "\n".join([self.truth] + [f"On the installed versions ({d.range}): {d.truth}"
                                          for d in self.current]).strip()


_LOADED: dict[tuple, "Catalog"] = {}  # the last catalog loaded, by (path, mtime, size)


class Catalog:
    """An ordered, validated set of claims."""

    def __init__(self, claims: list[Claim], path: Path | None = None, sources: dict | None = None):
        self.path = path
        self.sha256 = ""  # of the file's text, recorded in every report
        self.sources: dict[str, Source] = sources or {}  # the legend of the source codes (DL9, BZ, CH2.5)
        self.covers: tuple[str, ...] = ()  # the claim IDs it must hold (``covers``)
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
        """The catalog at ``path``, parsed and checked (a file parsed before and unchanged since is not
        parsed again: a Catalog is never changed after loading)."""
        path = Path(path)
        try:
            stat = path.stat()
            key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
        except FileNotFoundError:
            raise CatalogError(f"claim catalog not found: {path}") from None
        if key not in _LOADED:
            _LOADED.clear()
            _LOADED[key] = cls._parse_file(path)
        return _LOADED[key]

    @classmethod
    def _parse_file(cls, path: Path) -> "Catalog":
        try:
            text = path.read_text(encoding="utf-8")
            data = tomllib.loads(text)
        except FileNotFoundError:
            raise CatalogError(f"claim catalog not found: {path}") from None
        except tomllib.TOMLDecodeError as exc:
            raise CatalogError(f"{path}: not valid TOML: {exc}") from None
        entries = data.get("claim")
        if not isinstance(entries, list) or not entries:
            raise CatalogError(f"{path}: expected [[claim]] tables")
        extra = set(data) - {"claim", "sources", "covers"}
        if extra:
            raise CatalogError(f"{path}: unknown top-level table(s) {', '.join(sorted(extra))}")
        sources = {}
        for code, entry in data.get("sources", {}).items():
            if not isinstance(entry, dict) or not entry.get("title"):
                raise CatalogError(f"{path}: [sources.{code}] needs a title")
            unknown = set(entry) - {"title", "title_zh", "file"}
            if unknown:
                raise CatalogError(f"{path}: [sources.{code}]: unknown field(s) {', '.join(sorted(unknown))}")
            sources[code] = Source(code, entry["title"], entry.get("title_zh", ""), entry.get("file", ""))
        lines = {m.group(1): text.count("\n", 0, m.start()) + 1
                 for m in re.finditer(r'^id\s*=\s*"([^"]+)"', text, re.M)}
        catalog = cls([_parse(path, i, e, lines) for i, e in enumerate(entries)], path, sources)
        catalog.covers = tuple(data.get("covers", ()))
        catalog.sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
        return catalog

    def where(self, claim_id: str) -> str:
        """``spec/claims.toml:LINE`` of a claim, relative to the working folder where it can be."""
        path = self.path or Path("claims.toml")
        try:
            path = path.resolve().relative_to(Path.cwd())
        except ValueError:
            pass
        return f"{path}:{self[claim_id].line}"


def _parse(path: Path, index: int, entry: dict, lines: dict | None = None) -> Claim:
    where = f"{path}: claim #{index + 1} ({entry.get('id', '?')})"
    missing = [f for f in _FIELDS if f not in entry]
    if "truth" not in entry and "statement" not in entry:
        missing.append("truth (or [[claim.statement]] tables)")
    if missing:
        raise CatalogError(f"{where}: missing field(s) {', '.join(missing)}")
    extra = set(entry) - set(_FIELDS) - set(_OPTIONAL)
    if extra:
        raise CatalogError(f"{where}: unknown field(s) {', '.join(sorted(extra))}")
    if not _ID.match(entry["id"]):
        raise CatalogError(f"{where}: ID must look like group.name")
    verdict = entry["verdict"]
    if verdict not in VERDICTS + (PENDING,):
        raise CatalogError(f"{where}: verdict {verdict!r} is not one of {', '.join(VERDICTS)} or {PENDING}")
    statements = tuple(_parse_statement(f"{where}: statement #{i + 1}", st)
                       for i, st in enumerate(entry.get("statement", [])))
    ids = [st.id for st in statements]
    if len(set(ids)) != len(ids):
        raise CatalogError(f"{where}: statement ID(s) {sorted({i for i in ids if ids.count(i) > 1})} appear twice")
    if statements and "truth" in entry:
        raise CatalogError(f"{where}: a claim written as statements has no 'truth' text (context is a "
                           "statement with context = true)")
    if statements and not any(st.checked for st in statements):
        raise CatalogError(f"{where}: every statement is context; at least one must be checked")
    truth = entry.get("truth", "").strip()
    if verdict not in ("holds", PENDING) and not (truth or statements):
        raise CatalogError(f"{where}: verdict {verdict!r} needs a truth text stating the precise behaviour")
    for key in ("gist", "gist_zh"):
        if len(entry.get(key, "")) > GIST_MAX:
            raise CatalogError(f"{where}: {key} is {len(entry[key])} characters; at most {GIST_MAX}")
    differs = tuple(_parse_difference(where, i, d, ids) for i, d in enumerate(entry.get("differs", [])))
    return Claim(
        id=entry["id"],
        sources=tuple(entry["sources"]),
        quote=entry["quote"],
        claim=entry["claim"],
        verdict=verdict,
        truth=truth or " ".join(st.text for st in statements),
        measured=entry.get("measured", "").strip(),
        differs=differs,
        statements=statements,
        gist=entry.get("gist", "").strip(),
        gist_zh=entry.get("gist_zh", "").strip(),
        measured_facts=tuple(entry.get("measured_facts", ())),
        line=(lines or {}).get(entry["id"], 0),
    )


def _parse_statement(where: str, entry: dict, *, replacement: bool = False) -> Statement:
    if not isinstance(entry, dict) or "id" not in entry or "text" not in entry:
        raise CatalogError(f"{where}: a statement needs 'id' and 'text'")
    allowed = {"id", "text"} if replacement else {"id", "text", "context", "no_mutant"}
    extra = set(entry) - allowed
    if extra:
        raise CatalogError(f"{where} ({entry['id']}): unknown field(s) {', '.join(sorted(extra))}")
    if not _STATEMENT_ID.match(entry["id"]):
        raise CatalogError(f"{where} ({entry['id']}): a statement ID is a lower_case identifier")
    if not entry["text"].strip():
        raise CatalogError(f"{where} ({entry['id']}): empty text")
    return Statement(id=entry["id"], text=" ".join(entry["text"].split()), context=bool(entry.get("context")),
                     no_mutant=entry.get("no_mutant", "").strip())


_DIFF_FIELDS = ("name", "when")


def _parse_difference(where: str, index: int, entry: dict, statement_ids: list[str] = ()) -> Difference:
    here = f"{where}: differs #{index + 1} ({entry.get('name', '?')})"
    missing = [f for f in _DIFF_FIELDS if f not in entry]
    if statement_ids and "statement" not in entry:
        missing.append("statement (the statements this range changes: [[claim.differs.statement]])")
    elif not statement_ids and "truth" not in entry:
        missing.append("truth")
    if missing:
        raise CatalogError(f"{here}: missing field(s) {', '.join(missing)}")
    extra = set(entry) - set(_DIFF_FIELDS) - {"verdict", "truth", "statement", "gist", "gist_zh"}
    if statement_ids and "truth" in entry:
        extra.add("truth (a range of a claim written as statements says what its statements are there)")
    if extra:
        raise CatalogError(f"{here}: unknown field(s) {', '.join(sorted(extra))}")
    if not re.fullmatch(r"[a-z][a-z0-9_]*", entry["name"]):
        raise CatalogError(f"{here}: name must be a lower_case identifier")
    if entry.get("verdict", "holds") not in VERDICTS:
        raise CatalogError(f"{here}: verdict {entry['verdict']!r} is not one of {', '.join(VERDICTS)}")
    statements = tuple(_parse_statement(f"{here}: statement #{i + 1}", st, replacement=True)
                       for i, st in enumerate(entry.get("statement", [])))
    unknown = [st.id for st in statements if st.id not in statement_ids]
    if unknown:
        raise CatalogError(f"{here}: names statement(s) {', '.join(unknown)} that the claim does not have")
    truth = entry.get("truth", "").strip() or " ".join(st.text for st in statements)
    if not truth:
        raise CatalogError(f"{here}: needs a truth text stating the behaviour in that range")
    for key in ("gist", "gist_zh"):
        if len(entry.get(key, "")) > GIST_MAX:
            raise CatalogError(f"{here}: {key} is {len(entry[key])} characters; at most {GIST_MAX}")
    try:
        when = _versions.parse_when(entry["when"])
    except ValueError as exc:
        raise CatalogError(f"{here}: when: {exc}") from None
    return Difference(name=entry["name"], when=when, truth=truth, verdict=entry.get("verdict", ""),
                      statements=statements, gist=entry.get("gist", "").strip(),
                      gist_zh=entry.get("gist_zh", "").strip())
