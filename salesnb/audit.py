"""The audit log: who changed what and when."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from .models import AuditLog
from .timeutil import now


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    entity_type: str,
    entity_id: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str | None = None,
    at: datetime | None = None,
) -> AuditLog:
    """Add an audit entry to ``session`` (committed with the change it describes)."""
    entry = AuditLog(
        at=at or now(), actor=actor, action=action, entity_type=entity_type,
        entity_id=str(entity_id), before=_jsonable(before), after=_jsonable(after), note=note,
    )
    session.add(entry)
    return entry


def _jsonable(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)
