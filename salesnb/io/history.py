"""The history of imports: one ``import_log`` row per file that changed something, newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, select

from ..db import session_scope
from ..models import ImportLog


@dataclass(frozen=True)
class ImportEntry:
    """One imported file: when, who (user id), which file and table, and what changed."""

    at: datetime
    actor: str
    file_name: str
    table: str
    rows: int
    inserted: int
    updated: int
    unchanged: int


def import_history(engine: Engine, limit: int = 50, *, actor: str | None = None) -> list[ImportEntry]:
    """The last ``limit`` imports (of ``actor`` only, when given), newest first."""
    query = select(ImportLog).order_by(ImportLog.at.desc(), ImportLog.id.desc()).limit(limit)
    if actor is not None:
        query = query.where(ImportLog.actor == actor)
    with session_scope(engine) as session:
        return [ImportEntry(r.at, r.actor, r.file_name, r.table_name, r.rows, r.inserted, r.updated, r.unchanged)
                for r in session.scalars(query)]
