"""What a check could not see: inputs empty for a whole table, reported as a data problem.

A check declares the columns it reads (:class:`Needs`).  When every row in
scope lacks such a column — no accepted quote has ``accepted_at``, no
contract has payment terms, there are no lanes at all — the check's count is
not a finding about the business but about the data (typically a column the
import could not map), so the run says so next to the count, in the check's
result, in ``check_runs.summary`` and in the daily summary.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, String, and_, func, literal, select, true

from ..i18n import t
from ..models import Base
from ..rules import to_sql
from ..schema import table_specs
from . import messages  # noqa: F401 - the keys of the notes below


@dataclass(frozen=True)
class Needs:
    """A column a check reads on the rows of ``table`` matching ``where`` (``column`` None: any row of ``table``).

    ``scope`` is an i18n key naming those rows (``check.scope.accepted_quotes`` → 已接受的报价).
    """

    table: str
    column: str | None = None
    where: dict[str, Any] | None = None
    scope: str | None = None


@dataclass(frozen=True)
class BlindSpot:
    """One input a check could not see in this run."""

    check: str
    table: str
    column: str | None
    rows: int  # rows in scope (all of them lack the column); 0 for an empty table
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"table": self.table, "column": self.column, "rows": self.rows, "message": self.message}


def _filled(column) -> Any:
    if isinstance(column.type, String):
        return and_(column.is_not(None), func.trim(column) != "")
    return column.is_not(None)


def blind_spots(conn: Connection, check, as_of: datetime, language: str = "zh-CN") -> list[BlindSpot]:
    """The inputs of ``check`` (its :class:`Needs`) that are empty for every row in scope."""
    out: list[BlindSpot] = []
    title = check.label(language)
    for need in getattr(check, "needs", ()):
        table = Base.metadata.tables[need.table]
        scope = to_sql(need.where, need.table, as_of) if need.where else true()
        if need.column is None:
            subject = Base.metadata.tables[check.table]
            empty = conn.scalar(select(func.count()).select_from(select(table).limit(1).subquery())) == 0
            if empty and conn.scalar(select(func.count()).select_from(select(subject).limit(1).subquery())):
                out.append(BlindSpot(check.name, need.table, None, 0,
                                     t("check.blind.table", language, check=title, table=need.table)))
            continue
        column = table.c[need.column]
        # one filled row is enough to see: stop at the first instead of counting a million
        if conn.scalar(select(literal(1)).select_from(table).where(scope, _filled(column)).limit(1)) is not None:
            continue
        rows = conn.scalar(select(func.count()).select_from(table).where(scope))
        if rows:
            spec = table_specs()[need.table]
            scope_text = t(need.scope, language) if need.scope else need.table
            out.append(BlindSpot(check.name, need.table, need.column, rows, t(
                "check.blind.column", language, check=title, table=need.table, column=need.column,
                zh=spec.column(need.column).zh if language == "zh-CN" else need.column, rows=rows, scope=scope_text)))
    return out
