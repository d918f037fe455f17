"""Row-level validation: required columns and values, types, enum values — every problem with its Excel row.

Checks that need the whole file or the database (duplicate ids, references)
run set-based in SQL on the staged rows (:mod:`salesnb.io.bulk`).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..errors import InputError, Problem
from ..schema import ColumnSpec, TableSpec
from .convert import cell_text, expected_enum, parse_column
from .headers import HeaderMap
from .messages import msg
from .readers import Mapped

CAP = 50
# ids become file names and URL parts: no path separator, no control or invisible formatting character
UNSAFE_ID = re.compile(r"[/\\\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2028\u2029\u2060-\u206f\ufeff]")


def is_id_column(col: ColumnSpec) -> bool:
    """Columns holding an id of a record (``*_id``): their values must be safe in a file name."""
    return col.kind == "str" and col.name.endswith("_id")


class ProblemLog:
    """Collects problems: keeps the first ``cap`` and counts them all."""

    def __init__(self, cap: int = CAP):
        self.cap = cap
        self.problems: list[Problem] = []
        self.total = 0

    @property
    def room(self) -> int:
        return max(0, self.cap - len(self.problems))

    def add(self, problem: Problem) -> None:
        self.total += 1
        if self.room:
            self.problems.append(problem)

    def add_counted(self, problems: list[Problem], total: int) -> None:
        """Add already-sorted problems of which there are ``total`` in all (only the first are materialised)."""
        self.total += total
        self.problems.extend(problems[: self.room])

    def mark(self) -> tuple[int, int]:
        """The log's state now, for :meth:`reset`."""
        return len(self.problems), self.total

    def reset(self, mark: tuple[int, int]) -> None:
        """Forget what was logged since ``mark`` (a source about to be read again)."""
        kept, self.total = mark
        del self.problems[kept:]

    def absorb(self, error: InputError) -> None:
        self.add_counted(list(error.problems), error.total)

    def __bool__(self) -> bool:
        return self.total > 0

    def raise_if_any(self) -> None:
        if self.total:
            raise InputError(self.problems, total=self.total, cap=self.cap)


def check_header(name: str, header: HeaderMap, log: ProblemLog) -> bool:
    """Report required columns the source lacks; True when none is missing."""
    missing = header.missing_required()
    for col in missing:
        spec = header.spec.column(col)
        log.add(Problem(name, header.row, spec.zh, msg("io.missing_column", zh=spec.zh, name=spec.name)))
    return not missing


def expected(col: ColumnSpec) -> str:
    if col.enum:
        return msg("io.expected.enum", allowed=expected_enum(col.enum))
    return msg(f"io.expected.{col.kind}")


def max_length(spec: TableSpec, column: str) -> int | None:
    """The declared length of a text column (PostgreSQL enforces it; SQLite would not)."""
    return getattr(spec.model.__table__.c[column].type, "length", None)


def convert_chunk(mapped: Mapped, spec: TableSpec, labels: dict[str, str], name: str, log: ProblemLog) -> pd.DataFrame:
    """Parse one chunk into typed columns, logging required-empty and unreadable cells.

    Bad cells become missing values; the caller writes nothing when the log
    is not empty.  Empty cells of a column with a default take the default.
    """
    typed: dict[str, pd.Series] = {}
    found: list[tuple[int, int, Problem]] = []
    total = 0
    room = log.room
    for order, col in enumerate(spec.columns):
        text = mapped.values.get(col.name)
        if text is None:
            continue
        empty = text == ""
        if col.default is not None and empty.any():
            text = np.where(empty, cell_text(col.default), text).astype(object)
            empty = np.zeros(len(text), dtype=bool)
        parsed = parse_column(text, col.kind, col.enum)
        typed[col.name] = parsed.values
        label = labels.get(col.name, col.zh)
        checks = [(parsed.bad, expected(col))]
        if col.required and col.default is None:
            checks.append((empty, msg("io.required")))
        if is_id_column(col):
            unsafe = pd.Series(text, dtype=object).str.contains(UNSAFE_ID).fillna(False).to_numpy(dtype=bool)
            if unsafe.any():
                checks.append((unsafe, msg("io.unsafe_id")))
        limit = max_length(spec, col.name)
        if limit and col.kind == "str" and not col.enum and len(text) and max(map(len, text)) > limit:
            too_long = np.fromiter(map(len, text), dtype=np.int64, count=len(text)) > limit
            checks.append((too_long, msg("io.too_long", limit=limit)))
            typed[col.name] = parsed.values.where(~too_long, None)  # staged as empty, never as an error
        for mask, message in checks:
            where = np.flatnonzero(mask)
            total += len(where)
            for i in where[:room]:
                found.append((int(mapped.rows[i]), order, Problem(name, int(mapped.rows[i]), label, message, text[i])))
    if mapped.extra is not None:
        typed["extra"] = pd.Series(mapped.extra, dtype=object)
    if total:
        found.sort(key=lambda item: (item[0], item[1]))
        log.add_counted([p for _, _, p in found], total)
    return pd.DataFrame(typed)
