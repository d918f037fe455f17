"""What an import will do with one file, before any row is read: the plan a person can check and correct.

:class:`ImportPlan` holds the detected table, sheet and header row, every
header with the column it maps to (score and reason) or why it is not used
(and the closest column), the canonical columns the file lacks — optional
ones included — and the problems known already.  The CLI prints it, the
import app shows it as a table, the folder source logs it; nothing here
knows of widgets.  :class:`MappingReport` is the part every import report
carries per file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import Problem
from ..schema import table_spec
from .headers import CREDIT, DEBIT, IGNORE, HeaderMap, Suggestion
from .mappings import HeaderMappings
from .messages import msg

if TYPE_CHECKING:
    from .readers import Source


def column_letter(position: int) -> str:
    """Excel's letter for a 0-based column position (0 → A, 26 → AA)."""
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass(frozen=True)
class ColumnPlan:
    """One header of the file and what becomes of it."""

    position: int  # 0-based
    letter: str  # Excel column letter
    header: str
    column: str | None  # canonical column; None: not used (kept in ``extra``)
    score: int | None = None  # 0-100 when mapped
    reason: str | None = None  # given, remembered, file, name, header, alias, label, normalised, qualifier, synonym, fuzzy
    via: str = ""  # the known header it matched
    suggestion: Suggestion | None = None  # for an unused header: the closest column
    ignored: bool = False  # a person said not to use it

    def to_dict(self) -> dict[str, Any]:
        out = {"position": self.position, "letter": self.letter, "header": self.header, "column": self.column,
               "score": self.score, "reason": self.reason, "via": self.via, "ignored": self.ignored}
        if self.suggestion is not None:
            out["suggestion"] = {"column": self.suggestion.column, "score": self.suggestion.score,
                                 "reason": self.suggestion.reason, "note": self.suggestion.note}
        return out


@dataclass
class MappingReport:
    """Per file: which headers fed which column, which were not used, which columns the file lacks."""

    header_row: int
    used: list[ColumnPlan] = field(default_factory=list)
    unused: list[ColumnPlan] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # canonical columns, required and optional

    def to_dict(self) -> dict[str, Any]:
        return {"header_row": self.header_row, "used": [c.to_dict() for c in self.used],
                "unused": [c.to_dict() for c in self.unused], "missing": list(self.missing)}

    def lines(self, table: str, limit: int = 30) -> list[str]:
        """The report in words, one line each for used, unused and missing (long lists cut at ``limit``)."""
        spec = table_spec(table)

        def cut(items: list[str]) -> str:
            shown = msg("io.report.sep").join(items[:limit])
            return shown + (msg("io.report.more", count=len(items)) if len(items) > limit else "")

        out = []
        if self.used:
            out.append(msg("io.report.used", items=cut([_used(c) for c in self.used])))
        if self.unused:
            out.append(msg("io.report.unused", items=cut([_unused(c, spec) for c in self.unused])))
        if self.missing:
            out.append(msg("io.report.missing", items=cut([_note(c, spec.column(c).zh) for c in self.missing])))
        return out


def _note(item: str, note: str) -> str:
    return msg("io.report.note", item=item, note=note)


def _used(c: ColumnPlan) -> str:
    if c.reason in ("name", "header") and c.score == 100:
        return f"{c.header}→{c.column}"
    return _note(f"{c.header}→{c.column}", f"{msg('io.reason.' + (c.reason or 'name'))} {c.score}")


def _unused(c: ColumnPlan, spec) -> str:
    if c.ignored:
        return _note(c.header, msg("io.reason.ignored"))
    s = c.suggestion
    if s is None:
        return c.header
    if s.reason == "taken":
        return _note(c.header, msg("io.suggest.taken", column=s.column))
    if s.reason == "unit":
        return _note(c.header, msg("io.suggest.unit", column=s.column, unit=s.note))
    return _note(c.header, msg("io.suggest.fuzzy", column=s.column, zh=spec.column(s.column).zh, score=s.score))


@dataclass
class ImportPlan:
    """One file, read up to its header: what will be imported where (see the module docstring)."""

    name: str
    table: str
    kind: str  # text, excel, html, xml, frame
    encoding: str | None
    header_row: int
    columns: list[ColumnPlan]
    missing: list[str]
    missing_required: list[str]
    problems: list[Problem]
    source_system: str = ""
    allow_unmapped: bool = False
    header: HeaderMap | None = field(default=None, repr=False)
    source: Source | None = field(default=None, repr=False)
    candidate: int = 0  # which reading of the source (sheet, table of a page, delimiter)
    given: HeaderMappings | None = field(default=None, repr=False)  # the mappings people gave, all places
    path: Path | None = None
    temporary: bool = False  # ``path`` was written from bytes and is removed by :meth:`close`

    @property
    def ok(self) -> bool:
        """No problem known before reading the rows."""
        return not self.problems

    @property
    def used(self) -> list[ColumnPlan]:
        return [c for c in self.columns if c.column is not None]

    @property
    def unused(self) -> list[ColumnPlan]:
        return [c for c in self.columns if c.column is None and c.header.strip()]

    def mapping(self) -> dict[str, str]:
        """Header text → canonical column (``""`` for headers not used), as the import will do it."""
        return {c.header: c.column or IGNORE for c in self.columns if c.header.strip()}

    def report(self) -> MappingReport:
        return MappingReport(self.header_row, self.used, self.unused, list(self.missing))

    def lines(self) -> list[str]:
        """The plan in words: file, table and header row, then used / unused / missing, then problems."""
        head = msg("io.plan.head", name=self.name, table=self.table, row=self.header_row)
        return [head, *("  " + line for line in self.report().lines(self.table)),
                *("  " + str(p) for p in self.problems)]

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name, "table": self.table, "kind": self.kind, "encoding": self.encoding,
            "header_row": self.header_row, "source_system": self.source_system,
            "columns": [c.to_dict() for c in self.columns], "missing": list(self.missing),
            "missing_required": list(self.missing_required),
            "problems": [{"file": p.file, "row": p.row, "column": p.column, "message": p.message} for p in self.problems],
        }

    def close(self) -> None:
        """Remove the temporary copy of an uploaded file (plans of paths keep their file)."""
        if self.temporary and self.path is not None:
            self.path.unlink(missing_ok=True)
            self.temporary = False

    def __enter__(self) -> ImportPlan:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def columns_of(header: HeaderMap) -> list[ColumnPlan]:
    """One :class:`ColumnPlan` per source column with header text."""
    out = []
    for pos, text in enumerate(header.texts):
        if not text.strip():
            continue
        column = header.columns[pos]
        match = header.matches.get(pos)
        reason = match.reason if match and column else None
        if pos in header.merged:  # a time joined to its date
            column = header.columns[header.merged[pos]]
        elif column in (CREDIT, DEBIT):  # one half of a bank's credit/debit pair
            column, reason = "amount", ("credit" if column == CREDIT else "debit")
        out.append(ColumnPlan(
            pos, column_letter(pos), text, column if column else None,
            match.score if match and column else None, reason,
            match.via if match and column else "", header.suggestions.get(pos), pos in header.ignored,
        ))
    return out
