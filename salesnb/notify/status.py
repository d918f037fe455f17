"""Looking at the outbox and putting failed rows back in the queue."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import pandas as pd
from sqlalchemy import Engine, func, select, update

from ..models import OutboxMessage
from ..timeutil import now as local_now
from .outbox import STATUSES

Msg = OutboxMessage
LIST_COLUMNS = ("id", "status", "channel", "attempts", "subject", "created_at", "next_attempt_at", "sent_at",
                "last_error", "dedup_key")


def outbox_counts(engine: Engine) -> pd.DataFrame:
    """Rows per channel and status (one column per status)."""
    with engine.connect() as conn:
        rows = conn.execute(select(Msg.channel, Msg.status, func.count()).group_by(Msg.channel, Msg.status)).all()
    frame = pd.DataFrame(rows, columns=["channel", "status", "n"])
    table = frame.pivot_table(index="channel", columns="status", values="n", aggfunc="sum", fill_value=0)
    return table.reindex(columns=[s for s in STATUSES if s in table.columns]).astype(int)


def outbox_messages(engine: Engine, status: str | None = None, channel: str | None = None,
                    limit: int = 50) -> pd.DataFrame:
    """The latest outbox rows (newest first), optionally of one status / channel."""
    if status is not None and status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}")
    query = select(*(getattr(Msg, c) for c in LIST_COLUMNS)).order_by(Msg.id.desc()).limit(limit)
    if status:
        query = query.where(Msg.status == status)
    if channel:
        query = query.where(Msg.channel == channel)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=list(LIST_COLUMNS))


def requeue(engine: Engine, ids: Iterable[int] | None = None, status: str = "failed",
            at: datetime | None = None) -> int:
    """Put ``failed`` (or ``unknown``) rows back to ``pending`` with a fresh attempt count; return how many."""
    if status not in ("failed", "unknown"):
        raise ValueError("only failed or unknown rows can be requeued")
    query = update(Msg).where(Msg.status == status).values(status="pending", attempts=0, next_attempt_at=at or local_now(),
                                                       locked_by=None, locked_at=None)
    if ids is not None:
        query = query.where(Msg.id.in_(list(ids)))
    with engine.begin() as conn:
        return conn.execute(query).rowcount
