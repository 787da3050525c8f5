"""Load effective-dated rule tables from TOML and answer "which row was in force on date D".

A table file has three parts (see ``tools/ruledata/README.md`` for the full format):

* ``[table]``: id, title and description;
* ``[sources.<name>]``: one block per source document, with its URL, grade and the date it was
  checked;
* ``[[rows]]``: the values, each with a ``key`` (a code, a payer id, ...), an ``effective_from``
  date, an optional ``effective_to`` date and the ``source`` (or ``sources``) it comes from.

Floats are parsed as `Decimal`, so money never passes through binary floating point. A row is in
force from ``effective_from`` through ``effective_to``, or, without one, until the next row for the
same key starts. Files are validated when first loaded: a broken table fails loudly at load, never
silently at answer time.
"""

from __future__ import annotations

import hashlib
import itertools
import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from tools.common import Grade, RuleRef
from tools.errors import RuleDataMissing


class SourceDoc(BaseModel):
    """A document that rule values are taken from."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    url: str = Field(description="Where the source can be read.")
    title: str = Field(min_length=1, description="Title of the source.")
    publisher: str = Field(min_length=1, description="Who issued it (CMS, a MAC, a payer, ...).")
    grade: Grade = Field(description="primary or secondary.")
    checked: date = Field(description="Date the values were last checked against it.")
    published: date | None = Field(default=None, description="Page or publication date, if known.")

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("https://", "http://")):
            raise ValueError(f"source url must be http(s), got {value!r}")
        return value


class RuleRow(BaseModel):
    """Common fields of every row; each table subclasses this with its value fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str = Field(min_length=1, description="What the row is about (a code, a payer id, ...).")
    effective_from: date = Field(description="First date the row is in force.")
    effective_to: date | None = Field(default=None, description="Last date in force, if closed.")
    source: str | None = Field(default=None, description="Name of the source block for the row.")
    sources: tuple[str, ...] = Field(default=(), description="Several sources, strongest first.")
    note: str = Field(default="", description="Anything a reader of the value should know.")
    conflict: str = Field(default="", description="Where sources disagree, both sides.")
    unconfirmed: bool = Field(
        default=False, description="True when no primary source confirmed the value."
    )

    @property
    def source_names(self) -> tuple[str, ...]:
        """Sources of the row, strongest first."""
        return ((self.source,) if self.source else ()) + self.sources


RowT = TypeVar("RowT", bound=RuleRow)
_MISS = object()


class TableError(ValueError):
    """A rule table file is malformed; the message names the file and the problem."""


@dataclass(frozen=True)
class RuleTable(Generic[RowT]):
    """A validated rule table: rows grouped by key, each key's rows in date order."""

    id: str
    title: str
    description: str
    file: str
    version: str
    sources: dict[str, SourceDoc]
    rows: tuple[RowT, ...]

    def all_keys(self) -> tuple[str, ...]:
        """Every key in file order, without repeats."""
        return tuple(self._by_key_order)  # type: ignore[attr-defined]

    def __post_init__(self) -> None:
        # Index once: the claim validator asks `at` tens of times per claim, in batches of
        # thousands, so a scan of every row per question is the hot spot to avoid.
        index: dict[str, list[RowT]] = {}
        for row in self.rows:
            index.setdefault(row.key, []).append(row)
        by_key = {k: tuple(sorted(v, key=lambda r: r.effective_from)) for k, v in index.items()}
        ends: dict[int, date | None] = {}
        for rows in by_key.values():
            for i, row in enumerate(rows):
                nxt = rows[i + 1].effective_from - timedelta(days=1) if i + 1 < len(rows) else None
                ends[id(row)] = row.effective_to if row.effective_to is not None else nxt
        object.__setattr__(self, "_by_key", by_key)
        object.__setattr__(self, "_ends", ends)
        object.__setattr__(self, "_memo", {})
        object.__setattr__(self, "_force_memo", {})
        object.__setattr__(self, "_by_key_order", tuple(dict.fromkeys(r.key for r in self.rows)))

    def history(self, key: str) -> tuple[RowT, ...]:
        """All rows for one key, oldest first."""
        by_key: dict[str, tuple[RowT, ...]] = self._by_key  # type: ignore[attr-defined]
        return by_key.get(key, ())

    def end_of(self, row: RowT) -> date | None:
        """Last day `row` is in force: its own end, else the day before the key's next row."""
        ends: dict[int, date | None] = self._ends  # type: ignore[attr-defined]
        if id(row) in ends:
            return ends[id(row)]
        if row.effective_to is not None:
            return row.effective_to
        later = [
            r.effective_from for r in self.history(row.key) if r.effective_from > row.effective_from
        ]
        return min(later) - timedelta(days=1) if later else None

    def at(self, key: str, when: date) -> RowT | None:
        """The row for `key` in force on `when`, or None (memoised: tables never change)."""
        memo: dict[tuple[str, date], RowT | None] = self._memo  # type: ignore[attr-defined]
        found = memo.get((key, when), _MISS)
        if found is not _MISS:
            return found  # type: ignore[return-value]
        if len(memo) > 100_000:
            memo.clear()
        row = self._at(key, when)
        memo[(key, when)] = row
        return row

    def _at(self, key: str, when: date) -> RowT | None:
        for row in reversed(self.history(key)):
            if row.effective_from <= when:
                end = self.end_of(row)
                return row if end is None or when <= end else None
        return None

    def require(self, key: str, when: date) -> RowT:
        """Like `at`, but raise `RuleDataMissing` when nothing is in force."""
        row = self.at(key, when)
        if row is None:
            raise RuleDataMissing(self.id, key, when)
        return row

    def in_force(self, when: date) -> tuple[RowT, ...]:
        """One row per key: those in force on `when` (memoised)."""
        memo: dict[date, tuple[RowT, ...]] = self._force_memo  # type: ignore[attr-defined]
        if when not in memo:
            if len(memo) > 10_000:
                memo.clear()
            found = (self.at(key, when) for key in self.all_keys())
            memo[when] = tuple(row for row in found if row is not None)
        return memo[when]

    def ref(self, row: RowT) -> RuleRef:
        """Provenance of `row` for a tool result, citing its strongest source."""
        primary = self.sources[row.source_names[0]]
        notes = [n for n in (row.note, row.conflict and f"CONFLICT: {row.conflict}") if n]
        if row.unconfirmed:
            notes.append("UNCONFIRMED: no primary source confirmed this value")
        return RuleRef(
            table=self.id,
            key=row.key,
            effective_from=row.effective_from,
            effective_to=self.end_of(row),
            url=primary.url,
            source=primary.title,
            grade=primary.grade,
            checked=primary.checked,
            note=" ".join(notes),
        )


def _parse(text: str, file: str, row_model: type[RowT]) -> RuleTable[RowT]:
    try:
        data: dict[str, Any] = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise TableError(f"{file}: not valid TOML: {exc}") from exc
    head = data.get("table")
    if not isinstance(head, dict) or not {"id", "title", "description"} <= head.keys():
        raise TableError(f"{file}: needs a [table] block with id, title and description")
    try:
        sources = {
            name: SourceDoc.model_validate(body) for name, body in data.get("sources", {}).items()
        }
        rows = tuple(row_model.model_validate(raw) for raw in data.get("rows", []))
    except ValidationError as exc:
        raise TableError(f"{file}: {exc}") from exc
    if not rows:
        raise TableError(f"{file}: has no [[rows]]")
    table = RuleTable(
        id=str(head["id"]),
        title=str(head["title"]),
        description=str(head["description"]),
        file=file,
        version=hashlib.sha256(text.encode()).hexdigest()[:12],
        sources=sources,
        rows=rows,
    )
    _check(table)
    return table


def _check(table: RuleTable[RowT]) -> None:
    """Refuse tables with dangling sources, unsourced rows or overlapping periods."""
    for row in table.rows:
        if not row.source_names:
            raise TableError(f"{table.file}: row {row.key!r} ({row.effective_from}) has no source")
        for name in row.source_names:
            if name not in table.sources:
                raise TableError(f"{table.file}: row {row.key!r} cites unknown source {name!r}")
        if row.effective_to is not None and row.effective_to < row.effective_from:
            raise TableError(f"{table.file}: row {row.key!r} ends before it starts")
    for key in table.all_keys():
        in_file_order = [r.effective_from for r in table.rows if r.key == key]
        if in_file_order != sorted(set(in_file_order)):
            raise TableError(
                f"{table.file}: rows for {key!r} are not in strictly increasing date order"
            )
        hist = table.history(key)
        for earlier, later in itertools.pairwise(hist):
            if earlier.effective_to is not None and earlier.effective_to >= later.effective_from:
                raise TableError(
                    f"{table.file}: rows for {key!r} overlap at {later.effective_from}"
                )


@cache
def _load_cached(name: str, row_model: type[RuleRow]) -> RuleTable[RuleRow]:
    file = f"{name}.toml"
    text = resources.files("tools.ruledata").joinpath(file).read_text(encoding="utf-8")
    return _parse(text, file, row_model)


def load_table(name: str, row_model: type[RowT]) -> RuleTable[RowT]:
    """Load and validate ``tools/ruledata/<name>.toml`` (cached per process)."""
    return _load_cached(name, row_model)  # type: ignore[return-value]


def parse_table(text: str, row_model: type[RowT], file: str = "<string>") -> RuleTable[RowT]:
    """Validate a table from text; used by tests to prove bad tables are refused."""
    return _parse(text, file, row_model)
