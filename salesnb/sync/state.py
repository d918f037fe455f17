"""Each stream's state in the store (``sync_state``): its cursor, last run, counts and last error.

The cursor is written only by :func:`advance`, inside the transaction that
commits the stream's rows; the rest (status, counts, last error) by
:func:`finish` after the run.  Cursor values that JSON cannot hold (times,
dates, amounts) are tagged by :func:`encode` and restored by :func:`decode`.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from ..db import session_scope
from ..models import SyncState
from ..timeutil import now


def encode(value: Any) -> Any:
    """A cursor value as JSON: times and dates tagged with their type."""
    if isinstance(value, datetime):
        return {"t": "datetime", "v": value.isoformat()}
    if isinstance(value, date):
        return {"t": "date", "v": value.isoformat()}
    if isinstance(value, Decimal):
        return {"t": "decimal", "v": str(value)}
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def decode(value: Any) -> Any:
    """The value :func:`encode` wrote."""
    if isinstance(value, dict) and "t" in value:
        kind, text = value["t"], value["v"]
        if kind == "datetime":
            return datetime.fromisoformat(text)
        if kind == "date":
            return date.fromisoformat(text)
        if kind == "decimal":
            return Decimal(text)
    return value


def load(session: Session, source: str, stream: str) -> SyncState | None:
    return session.get(SyncState, (source, stream))


def cursor_of(engine: Engine, source: str, stream: str) -> dict[str, Any] | None:
    """The stream's committed cursor (None before its first sync)."""
    with session_scope(engine) as session:
        state = load(session, source, stream)
        return dict(state.cursor) if state is not None and state.cursor is not None else None


def _row(session: Session, source: str, stream: str, table: str) -> SyncState:
    state = load(session, source, stream)
    if state is None:
        state = SyncState(source=source, stream=stream, table_name=table, rows=0, inserted=0, updated=0,
                          unchanged=0, vanished=0, status="never")
        session.add(state)
    return state


def advance(session: Session, source: str, stream: str, table: str, cursor: dict[str, Any] | None,
            merge: bool = False) -> None:
    """Store the stream's cursor in the caller's transaction (the one that commits the batch's rows).

    ``merge``: the cursor's entries are added to the stored ones (each a dict), not replacing them.
    """
    state = _row(session, source, stream, table)
    if cursor is not None and merge:
        merged = {k: dict(v) if isinstance(v, dict) else v for k, v in (state.cursor or {}).items()}
        for key, value in cursor.items():
            if isinstance(value, dict) and isinstance(merged.get(key), dict):
                merged[key].update(value)
            else:
                merged[key] = value
        state.cursor = merged
    elif cursor is not None:
        state.cursor = cursor
    state.status = "running"
    state.last_run_at = now()


def finish(engine: Engine, source: str, stream: str, table: str, *, rows: int, inserted: int, updated: int,
           unchanged: int, vanished: int, error: str | None) -> None:
    """Record how the run ended (the cursor is left as the last committed batch set it)."""
    with session_scope(engine) as session:
        state = _row(session, source, stream, table)
        at = now()
        state.last_run_at = at
        state.rows, state.inserted, state.updated, state.unchanged = rows, inserted, updated, unchanged
        state.vanished = vanished
        state.status = "error" if error else "ok"
        state.last_error = error
        if not error:
            state.last_success_at = at


def states(engine: Engine) -> list[dict[str, Any]]:
    """Every stream's state, by source and stream (what ``salesnb sync --status`` and the Connectors page show)."""
    with session_scope(engine) as session:
        rows = session.scalars(select(SyncState).order_by(SyncState.source, SyncState.stream)).all()
        return [{c: getattr(r, c) for c in ("source", "stream", "table_name", "status", "last_run_at",
                                            "last_success_at", "rows", "inserted", "updated", "unchanged",
                                            "vanished", "last_error", "cursor")} for r in rows]
