"""Writing one batch: the other system's columns → canonical ones, then validated and upserted exactly
like an import (:func:`salesnb.io.import_frame` / :func:`salesnb.io.import_plans`), in the caller's transaction.

A bad row raises :class:`BadRows`: every problem with source, stream, the
row's key, the column (the source's own name) and what was expected; the
caller rolls the whole batch back, cursor included.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from ..errors import InputError, SyncError, shorten, shown
from ..io import TableResult, import_frame, import_plans
from ..schema import header_index, normalise_header, table_spec
from ..i18n import t
from .base import Batch, Stream


@dataclass(frozen=True)
class RowProblem:
    """One bad row of a batch: where it came from, its key, the column and what was expected."""

    source: str
    stream: str
    key: str | None
    column: str | None
    message: str
    value: Any = None

    def __str__(self) -> str:
        got = "" if self.value in (None, "") else t("errors.where.got", value=shown(self.value))
        return t("sync.row_problem", source=self.source, stream=self.stream, row_key=self.key or "-",
                 column=self.column or "-", message=shorten(self.message, 400)) + got

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "stream": self.stream, "key": self.key, "column": self.column,
                "message": self.message, "value": None if self.value is None else str(self.value)}


class BadRows(SyncError):
    """A batch with bad rows: nothing of it was written."""

    def __init__(self, source: str, stream: str, problems: list[RowProblem], total: int):
        super().__init__("sync.bad_rows", source=source, stream=stream, total=total)
        self.problems = problems
        self.total = total

    def render(self, language: str | None = None) -> str:
        head = super().render(language)
        return "\n".join([head, *("  " + str(p) for p in self.problems[:20])])


def _from_file(source: str, stream: Stream, problem) -> RowProblem:
    """A file's problem (file, Excel row, column) as a sync problem: the key is the file and its row."""
    key = f"{problem.file}" + (" " + t("errors.where.row", row=problem.row) if problem.row else "")
    return RowProblem(source, stream.name, key, problem.column, problem.message, problem.value)


def canonical_frame(frame: pd.DataFrame, stream: Stream) -> tuple[pd.DataFrame, dict[str, str]]:
    """The frame with canonical column names where the source's names (or the stream's ``columns``) say so.

    Returns the frame and canonical column → the source's column name (for problems).
    Columns mapped to ``""`` are dropped; others unknown stay (kept in ``extra`` by the import).
    """
    index = header_index(stream.table)
    rename: dict[str, str] = {}
    drop = []
    for col in frame.columns:
        given = stream.columns.get(str(col))
        if given == "":
            drop.append(col)
            continue
        target = given or index.get(normalise_header(col))
        if target and target not in rename.values():
            rename[col] = target
    out = frame.drop(columns=drop).rename(columns=rename)
    return out, {v: str(k) for k, v in rename.items()}


def keys_of(frame: pd.DataFrame, table: str) -> pd.Series | None:
    """The rows' primary keys as text (``a|b`` for two-column keys), or None when the frame lacks them."""
    pk = list(table_spec(table).primary_key)
    if not all(k in frame.columns for k in pk):
        return None
    parts = [frame[k].map(_key_text) for k in pk]
    keys = parts[0]
    for part in parts[1:]:
        keys = keys + "|" + part
    return keys


def _key_text(value: Any) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if hasattr(value, "isoformat") and not isinstance(value, str):
        text = value.isoformat()
        return text[:10] if text.endswith("T00:00:00") else text
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def write_batch(session: Session, source: str, stream: Stream, batch: Batch, actor: str) -> list[TableResult]:
    """Validate and upsert the batch's rows in ``session`` (raises :class:`BadRows`, nothing written)."""
    label = f"{source}/{stream.name}"
    if batch.problem is not None:
        if isinstance(batch.problem, InputError):
            raise BadRows(source, stream.name, [_from_file(source, stream, p) for p in batch.problem.problems],
                          batch.problem.total)
        raise batch.problem
    if batch.apply is not None:
        return batch.apply(session)
    if batch.plans is not None:
        try:
            return import_plans(session, batch.plans, actor=actor)
        except InputError as exc:
            problems = [_from_file(source, stream, p) for p in exc.problems]
            raise BadRows(source, stream.name, problems, exc.total) from None
    frame, labels = canonical_frame(batch.frame, stream)
    if frame.empty:
        return []
    try:
        return [import_frame(session, stream.table, frame, source=label, actor=actor)]
    except InputError as exc:
        keys = keys_of(frame, stream.table)
        problems = []
        for p in exc.problems:
            key = None
            if p.row is not None and keys is not None and 0 <= p.row - 2 < len(keys):
                key = keys.iloc[p.row - 2]
            elif p.row is not None:
                key = f"#{p.row - 1}"  # the batch's n-th row
            column = labels.get(p.column or "", p.column)
            problems.append(RowProblem(source, stream.name, key, column, p.message, p.value))
        raise BadRows(source, stream.name, problems, exc.total) from None
