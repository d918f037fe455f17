"""Every delivery to an event endpoint, accepted or refused, for the Connectors page (``event_deliveries``).

A row says which endpoint (``wecom``, ``dingtalk``, ``feishu``, ``generic``), when, the status
(``accepted``, ``duplicate``, ``checked`` for a URL verification, ``refused``), the HTTP status answered,
the reason as a message key (``events.bad_signature``, ``events.stale``, ``events.rows_refused`` …), the
event id and type when known (a verified event), and counts we produced (a refused event's problems) —
never the body, a header or a secret.  An accepted event's row is written in the transaction that stores the
event (:func:`salesnb.events.store.accept`); a refusal in its own, after nothing else was stored.  The latest
:data:`KEEP` per endpoint are kept.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from ..db import session_scope
from ..i18n import t
from ..models import EventDelivery, InboundEvent
from ..timeutil import now
from . import messages  # noqa: F401  (registers the texts)

KEEP = 200  # deliveries kept per endpoint
ENDPOINTS = ("wecom", "dingtalk", "feishu", "generic")


def add(session: Session, source: str, status: str, http_status: int, *, reason: str | None = None,
        event_id: str | None = None, event_type: str | None = None, details: dict[str, Any] | None = None,
        at: datetime | None = None) -> None:
    """Record one delivery in ``session`` and drop that endpoint's deliveries beyond the latest :data:`KEEP`."""
    session.add(EventDelivery(source=source[:20], received_at=at or now(), status=status, http_status=http_status,
                              reason=reason[:100] if reason else None,
                              event_id=event_id[:200] if event_id else None,
                              event_type=event_type[:100] if event_type else None, details=details or None))
    session.flush()
    cut = session.scalar(select(EventDelivery.id).where(EventDelivery.source == source[:20])
                         .order_by(EventDelivery.id.desc()).offset(KEEP).limit(1))
    if cut is not None:
        session.execute(delete(EventDelivery).where(EventDelivery.source == source[:20], EventDelivery.id <= cut))


def refused(engine: Engine, source: str, reason: str, http_status: int, *, event_id: str | None = None,
            event_type: str | None = None, details: dict[str, Any] | None = None) -> None:
    """Record a refused delivery (its own transaction: nothing else of it is stored)."""
    with session_scope(engine) as session:
        add(session, source, "refused", http_status, reason=reason, event_id=event_id, event_type=event_type,
            details=details)


def checked(engine: Engine, source: str) -> None:
    """Record an answered URL verification (it stores nothing else)."""
    with session_scope(engine) as session:
        add(session, source, "checked", 200)


def recent(engine: Engine, per_endpoint: int = 10) -> list[dict[str, Any]]:
    """The latest ``per_endpoint`` deliveries of each endpoint, by endpoint then newest first.

    Each: source, received_at, status, http_status, reason (a message key), event_id, event_type, details
    and, for an accepted event, what it did (``outcome``, from ``inbound_events``).
    """
    out: list[dict[str, Any]] = []
    with session_scope(engine) as session:
        sources = sorted(set(session.scalars(select(EventDelivery.source).distinct())),
                         key=lambda s: (ENDPOINTS.index(s) if s in ENDPOINTS else len(ENDPOINTS), s))
        for source in sources:
            query = (select(EventDelivery, InboundEvent.outcome)
                     .outerjoin(InboundEvent, (InboundEvent.source == EventDelivery.source)
                                & (InboundEvent.event_id == EventDelivery.event_id))
                     .where(EventDelivery.source == source).order_by(EventDelivery.id.desc()).limit(per_endpoint))
            for d, outcome in session.execute(query):
                out.append({"source": d.source, "received_at": d.received_at, "status": d.status,
                            "http_status": d.http_status, "reason": d.reason, "event_id": d.event_id,
                            "event_type": d.event_type, "details": dict(d.details or {}),
                            "outcome": dict(outcome or {}) if d.status == "accepted" else {}})
    return out


def reason_text(delivery: dict[str, Any], language: str | None = None) -> str:
    """Why a delivery was refused (or was a duplicate), in ``language``; empty for the others."""
    key = delivery.get("reason")
    if not key:
        return ""
    short = f"events.reason.{key.rpartition('.')[2]}"
    text = t(short, language, **{k: v for k, v in (delivery.get("details") or {}).items()
                                 if isinstance(v, (int, str))})
    return key if text == short else text


def outcome_text(outcome: dict[str, Any]) -> str:
    """One line for people: what an accepted event did."""
    if "table" in outcome:
        return (f"{outcome['table']}: {outcome.get('rows', 0)} rows, +{outcome.get('inserted', 0)} "
                f"~{outcome.get('updated', 0)}")
    if outcome.get("message") == "applied":
        return f"{outcome.get('user_id')} → {outcome.get('customer_id')}: " + (
            ", ".join(outcome.get("first_response") or []) or "-")
    if outcome.get("message") == "ignored":
        return f"ignored: {outcome.get('reason', '')}"
    return str(outcome.get("event_type") or outcome.get("status") or "")
