"""The outbox: a notification is a row written in the same transaction as its cause.

``enqueue`` never sends anything; :func:`salesnb.notify.flush` delivers.  The
dedup key makes enqueueing idempotent: a rerun of the same engine step adds
nothing new.  It is an ``INSERT … ON CONFLICT (dedup_key) DO NOTHING`` on both
SQLite and PostgreSQL, so two transactions enqueueing the same key at the same
time give one row and no error.

Row life cycle (``status``)::

    pending ──claim──▶ sending ──▶ sent
       ▲                  │  ├──▶ failed   (permanent error, or attempts used up)
       └──── backoff ─────┘  └──▶ unknown  (in doubt, channel set to in_doubt = "hold")
    pending (channel "default") ──▶ routed  (copied once per routed channel)
    pending (a digest event) ──▶ digested   (folded into one digest per person: salesnb.notify.digest)
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..models import OutboxMessage
from ..timeutil import now

DEFAULT_CHANNEL = "default"  # resolved to the configured channels at delivery time
STATUSES = ("pending", "sending", "sent", "failed", "unknown", "routed", "digested")
DEDUP_KEY_LENGTH = 400


def insert_ignoring_duplicates(dialect_name: str):
    """``INSERT INTO outbox … ON CONFLICT (dedup_key) DO NOTHING`` for ``dialect_name``."""
    module = {"postgresql": postgresql, "sqlite": sqlite}.get(dialect_name)
    if module is None:
        raise NotImplementedError(f"the outbox supports SQLite and PostgreSQL, not {dialect_name}")
    return module.insert(OutboxMessage).on_conflict_do_nothing(index_elements=["dedup_key"])


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
    e-mail addresses by the notifier).  ``channel`` None means ``"default"``:
    the configured routing picks the channels at delivery time.  The row is
    written in the caller's transaction: it commits or rolls back with it.
    """
    values = outbox_row(dedup_key=dedup_key, recipients=recipients, subject=subject, body=body, cc=cc,
                        channel=channel, event_type=event_type, entity_type=entity_type, entity_id=entity_id,
                        payload=payload, at=at)
    statement = insert_ignoring_duplicates(session.get_bind().dialect.name).values(**values)
    new_id = session.execute(statement.returning(OutboxMessage.id)).scalar()
    return None if new_id is None else session.get(OutboxMessage, new_id)


def outbox_row(*, dedup_key: str, recipients: Iterable[str], subject: str, body: str, cc: Iterable[str] = (),
               channel: str | None = None, event_type: str | None = None, entity_type: str | None = None,
               entity_id: str | None = None, payload: dict[str, Any] | None = None,
               at: datetime | None = None) -> dict[str, Any]:
    """The column values of a pending notification (arguments as for :func:`enqueue`), checked."""
    if not dedup_key:
        raise ValueError("dedup_key is required")
    if len(dedup_key) > DEDUP_KEY_LENGTH:
        raise ValueError(f"dedup_key longer than {DEDUP_KEY_LENGTH} characters")
    when = at or now()
    return dict(
        dedup_key=dedup_key,
        channel=channel or DEFAULT_CHANNEL,
        recipients=sorted({str(r) for r in recipients}),
        cc=sorted({str(c) for c in cc}),
        subject=subject,
        body=body,
        payload=payload,
        event_type=event_type,
        entity_type=entity_type,
        entity_id=None if entity_id is None else str(entity_id),
        status="pending",
        attempts=0,
        next_attempt_at=when,
        created_at=when,
    )


def enqueue_many(session: Session, rows: list[dict[str, Any]]) -> None:
    """Add many pending notifications (each made by :func:`outbox_row`) in one statement; existing
    dedup keys are skipped, as by :func:`enqueue`."""
    if rows:
        session.connection().execute(insert_ignoring_duplicates(session.get_bind().dialect.name), rows)


def child_dedup_key(dedup_key: str, channel: str) -> str:
    """The dedup key of the copy of a ``default`` message routed to ``channel``."""
    key = f"{dedup_key}#{channel}"
    if len(key) <= DEDUP_KEY_LENGTH:
        return key
    return f"sha256:{hashlib.sha256(dedup_key.encode()).hexdigest()}#{channel}"[:DEDUP_KEY_LENGTH]
