"""The outbox: a notification is a row written in the same transaction as its cause.

``enqueue`` never sends anything; ``salesnb notify flush`` delivers.  The
dedup key makes enqueueing idempotent: a rerun of the same engine step adds
nothing new.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import OutboxMessage
from ..timeutil import now

DEFAULT_CHANNEL = "default"  # resolved to the configured channels at delivery time


def enqueue(
    session: Session,
    *,
    dedup_key: str,
    recipients: Iterable[str],
    subject: str,
    body: str,
    cc: Iterable[str] = (),
    channel: str | None = None,
    event_type: str | None = None,
    entity_type: str | None = None,
    entity_id: str | None = None,
    payload: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> OutboxMessage | None:
    """Add a pending notification unless one with ``dedup_key`` exists; return the new row or None.

    ``recipients`` and ``cc`` are user ids (resolved to WeCom ids, mobiles or
    e-mail addresses by the notifier).  The row is flushed but not committed:
    it commits or rolls back with the caller's transaction.
    """
    existing = session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedup_key == dedup_key))
    if existing is not None:
        return None
    pending = [m for m in session.new if isinstance(m, OutboxMessage) and m.dedup_key == dedup_key]
    if pending:
        return None
    message = OutboxMessage(
        dedup_key=dedup_key,
        channel=channel or DEFAULT_CHANNEL,
        recipients=sorted(set(recipients)),
        cc=sorted(set(cc)),
        subject=subject,
        body=body,
        payload=payload,
        event_type=event_type,
        entity_type=entity_type,
        entity_id=None if entity_id is None else str(entity_id),
        status="pending",
        attempts=0,
        next_attempt_at=at or now(),
        created_at=at or now(),
    )
    session.add(message)
    return message
