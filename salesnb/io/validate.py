"""Stage 6, validate: every problem of an import with its file, Excel row and column.

- the header: required columns missing; an unused header suggested for a
  canonical column the file lacks (a check would read that column) — an
  error unless ``allow_unmapped``;
- each chunk: unreadable values, required values empty, text too long,
  people several users answer to;
- the staged rows, set-based (queries in :mod:`salesnb.io.bulk`): duplicate
  ids, references to rows that exist nowhere (for people: with the closest
  names).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd

from ..errors import InputError, Problem
from ..schema import ColumnSpec, TableSpec
from .convert import Chunk, expected_enum
from .headers import HeaderMap
from .messages import msg

CAP = 50


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


# ---------------------------------------------------------------- the header


def header_problems(name: str, header: HeaderMap, allow_unmapped: bool = False) -> list[Problem]:
    """Required columns the source lacks, and (unless ``allow_unmapped``) unused headers that look like
    a canonical column the source lacks."""
    spec = header.spec
    problems = []
    for col in header.missing_required():
        column = spec.column(col)
        hint = next(iter(header.suggested_for(col)), None)
        if hint is None:
            problems.append(Problem(name, header.row, column.zh, msg("io.missing_column", zh=column.zh, name=column.name)))
        else:
            problems.append(Problem(name, header.row, header.texts[hint], _unmapped(header, hint, column, required=True)))
    if not allow_unmapped:
        missing = set(header.missing()) - set(header.missing_required())
        for pos, hint in sorted(header.suggestions.items()):
            if hint.column in missing and header.columns[pos] is None:
                problems.append(Problem(name, header.row, header.texts[pos], _unmapped(header, pos, spec.column(hint.column))))
    return problems


def _unmapped(header: HeaderMap, pos: int, column: ColumnSpec, required: bool = False) -> str:
    hint = header.suggestions[pos]
    text = header.texts[pos]
    key = "io.unmapped.unit" if hint.reason == "unit" else "io.unmapped"
    message = msg(key, header=text, column=column.name, zh=column.zh, score=hint.score, unit=hint.note)
    how = msg("io.unmapped.how_required" if required else "io.unmapped.how", header=text, column=column.name)
    return f"{message}{how}"


def check_header(name: str, header: HeaderMap, log: ProblemLog, allow_unmapped: bool = False) -> bool:
    """Log :func:`header_problems`; True when there are none."""
    problems = header_problems(name, header, allow_unmapped)
    for problem in problems:
        log.add(problem)
    return not problems


# ---------------------------------------------------------------- each chunk


def expected(col: ColumnSpec) -> str:
    if col.enum:
        return msg("io.expected.enum", allowed=expected_enum(col.enum))
    return msg(f"io.expected.{col.kind}")


def max_length(spec: TableSpec, column: str) -> int | None:
    """The declared length of a text column (PostgreSQL enforces it; SQLite would not)."""
    return getattr(spec.model.__table__.c[column].type, "length", None)


def check_chunk(chunk: Chunk, spec: TableSpec, labels: dict[str, str], name: str, log: ProblemLog) -> pd.DataFrame:
    """Log the chunk's problems (sorted by row, then column) and return its typed frame.

    Bad cells become missing values; the caller writes nothing when the log
    is not empty.
    """
    found: list[tuple[int, int, Problem]] = []
    total = 0
    room = log.room
    for order, col in enumerate(spec.columns):
        text = chunk.text.get(col.name)
        if text is None:
            continue
        label = labels.get(col.name, col.zh)
        checks: list[tuple[np.ndarray, str | Callable[[int], str]]] = [(chunk.bad[col.name], expected(col))]
        if col.required and col.default is None:
            checks.append((text == "", msg("io.required")))
        limit = max_length(spec, col.name)
        if limit and col.kind == "str" and not col.enum and len(text) and max(map(len, text)) > limit:
            too_long = np.fromiter(map(len, text), dtype=np.int64, count=len(text)) > limit
            checks.append((too_long, msg("io.too_long", limit=limit)))
            chunk.typed[col.name] = chunk.typed[col.name].where(~too_long, None)  # staged as empty, never as an error
        ambiguous = chunk.ambiguous.get(col.name)
        if ambiguous:
            mask = np.zeros(len(text), dtype=bool)
            mask[list(ambiguous)] = True
            checks.append((mask, lambda i, a=ambiguous, t=text: msg("io.person.ambiguous", value=t[i],
                                                                     candidates="、".join(a[i]))))
        for mask, message in checks:
            where = np.flatnonzero(mask)
            total += len(where)
            for i in where[:room]:
                row = int(chunk.rows[i])
                text_of = message(int(i)) if callable(message) else message
                found.append((row, order, Problem(name, row, label, text_of, text[i])))
    if total:
        found.sort(key=lambda item: (item[0], item[1]))
        log.add_counted([p for _, _, p in found], total)
    return chunk.frame()


# ---------------------------------------------------------------- the staged rows


def log_duplicates(name: str, spec: TableSpec, duplicates: Iterable[tuple[int, tuple, int]],
                   labels: dict[str, str], log: ProblemLog) -> None:
    """Problems for (row, key, first row) of ids seen before in the same source."""
    keys = spec.primary_key
    label = "+".join(labels.get(k, spec.column(k).zh) for k in keys)
    for row, key, first in duplicates:
        shown = "/".join(str(k) for k in key)
        log.add(Problem(name, row, label, msg("io.duplicate", label=label, ident=shown, first=first)))


def log_dangling(name: str, column: str, target: str, dangling: Iterable[tuple[int, str]], labels: dict[str, str],
                 log: ProblemLog, closest: Callable[[str], list[str]] | None = None) -> None:
    """Problems for (row, value) of references found nowhere; ``closest`` names candidates for people."""
    label = labels.get(column, column)
    for row, value in dangling:
        if closest is not None:
            candidates = closest(value)
            key = "io.person.unknown" if candidates else "io.person.unknown_none"
            log.add(Problem(name, row, label, msg(key, value=value, candidates="、".join(candidates))))
        else:
            log.add(Problem(name, row, label, msg("io.dangling", value=value, table=target)))
