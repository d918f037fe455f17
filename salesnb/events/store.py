"""The store side of inbound events: each accepted once, applied in the same transaction.

:func:`accept` inserts ``(source, event_id)`` into ``inbound_events`` with ``ON CONFLICT DO NOTHING``; only
the transaction that inserted it applies the event, so a redelivery, a replay or two deliveries racing
change nothing more.  If applying fails (a generic event's bad row), the whole transaction rolls back: the
event id is not kept either, and a corrected event may use it again.

Applying:

- rows of a generic event are validated and upserted like an import
  (:func:`salesnb.io.importer.import_frame`); leads it brings that are open and unanswered get their
  first-response task at once (:func:`salesnb.sla.tasks.open_first_response_tasks`);
- a :class:`~salesnb.events.model.MessageEvent` (a team member writing to a customer's contact) becomes an
  interaction (``interactions``: id ``<source>:<event id>``, the customer, the time, channel = the
  platform; ``extra`` holds the sender's user id and the contact id) and sets ``first_response_at`` of the
  customer's open leads that have none and were created before the message; their first-response tasks
  are closed.  The sender is the active user whose ``wecom_userid`` / ``dingtalk_userid`` /
  ``feishu_user_id`` is the platform id; the customer is the one whose ``contact_ids`` lists the
  contact.  A message from anyone else, or to an unknown contact, is kept as received and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from .. import io as imports  # import_frame is resolved on the first rows event: it loads pandas
from ..audit import record
from ..db import session_scope
from ..io.headers import match_row
from ..models import Customer, InboundEvent, Interaction, Lead, User
from ..sla.tasks import close_first_response_tasks, open_first_response_tasks
from ..timeutil import now
from . import deliveries
from .generic import RowsEvent
from .model import MessageEvent, Opened

if TYPE_CHECKING:
    import pandas as pd

PLATFORM_COLUMNS = {"wecom": User.wecom_userid, "dingtalk": User.dingtalk_userid, "feishu": User.feishu_user_id}
SEPARATORS = "、,;|，；"
ACTOR = "events"


def _claim(session: Session, source: str, event_id: str, event_type: str, at: datetime) -> bool:
    module = {"postgresql": postgresql, "sqlite": sqlite}[session.get_bind().dialect.name]
    statement = module.insert(InboundEvent).on_conflict_do_nothing(index_elements=["source", "event_id"])
    inserted = session.execute(statement.returning(InboundEvent.event_id), [dict(
        source=source, event_id=event_id[:200], event_type=event_type[:100], received_at=at, outcome=None)])
    return inserted.first() is not None


def accept(engine: Engine, source: str, event_id: str, event_type: str,
           apply: Callable[[Session], dict[str, Any]], at: datetime | None = None) -> dict[str, Any]:
    """Store the event once and apply it in the same transaction; ``{"status": "duplicate"}`` when seen before.

    The delivery is recorded (:mod:`salesnb.events.deliveries`) in the same transaction.
    """
    at = at or now()
    with session_scope(engine) as session:
        if not _claim(session, source, event_id, event_type, at):
            deliveries.add(session, source, "duplicate", 200, reason="events.duplicate", event_id=event_id,
                           event_type=event_type, at=at)
            return {"status": "duplicate", "event_id": event_id}
        outcome = {"status": "accepted", "event_id": event_id, **apply(session)}
        session.execute(update(InboundEvent)
                        .where(InboundEvent.source == source, InboundEvent.event_id == event_id[:200])
                        .values(outcome=outcome))
        deliveries.add(session, source, "accepted", 200, event_id=event_id, event_type=event_type, at=at)
    return outcome


def accept_opened(engine: Engine, opened: Opened, at: datetime | None = None) -> dict[str, Any]:
    """A platform event: stored once; a message it shows is applied (:func:`apply_message`)."""
    def apply(session: Session) -> dict[str, Any]:
        if opened.message is None:
            return {"event_type": opened.event_type}
        return apply_message(session, opened.message, opened.event_id)
    return accept(engine, opened.source, opened.event_id, opened.event_type, apply, at)


def accept_rows(engine: Engine, event: RowsEvent, source: str = "generic",
                at: datetime | None = None) -> dict[str, Any]:
    """A generic event: its rows validated and upserted like an import (all or nothing)."""
    def apply(session: Session) -> dict[str, Any]:
        return apply_rows(session, event)
    return accept(engine, source, event.event_id, f"rows.{event.table}", apply, at)


def apply_rows(session: Session, event: RowsEvent) -> dict[str, Any]:
    import pandas as pd  # rows events only: a kernel that records messages loads no pandas

    frame = pd.DataFrame(event.rows, dtype=object)
    # an event writes as a batch step (system); its source names the event
    result = imports.import_frame(session, event.table, frame, source=f"event {event.event_id}", actor="system")
    out: dict[str, Any] = {"table": event.table, "rows": result.rows, "inserted": result.inserted,
                           "updated": result.updated, "unchanged": result.unchanged}
    if event.table == "leads":
        out["tasks_opened"] = len(open_first_response_tasks(session, _lead_ids(frame)))
    return out


def _lead_ids(frame: pd.DataFrame) -> list[str]:
    """The lead ids of an event's rows, under whichever header (lead_id, 线索编号 …) the import used for them."""
    labels = [str(c) for c in frame.columns]
    column = match_row(labels, "leads").positions().get("lead_id")
    if column is None:
        return []
    return [str(v).strip() for v in frame.iloc[:, column] if v is not None and str(v).strip()]


def contact_ids(text: str | None) -> list[str]:
    """The ids listed in ``customers.contact_ids``."""
    value = text or ""
    for sep in SEPARATORS[1:]:
        value = value.replace(sep, SEPARATORS[0])
    return [part.strip() for part in value.split(SEPARATORS[0]) if part.strip()]


def customer_of_contact(session: Session, contact: str) -> str | None:
    """The customer whose ``contact_ids`` lists ``contact`` (None when none; the first by id when several)."""
    pattern = "%" + contact.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    rows = session.execute(select(Customer.customer_id, Customer.contact_ids)
                           .where(Customer.contact_ids.like(pattern, escape="\\")).order_by(Customer.customer_id))
    return next((cid for cid, ids in rows if contact in contact_ids(ids)), None)


def sender_user(session: Session, message: MessageEvent) -> str | None:
    column = PLATFORM_COLUMNS.get(message.platform)
    if column is None:
        return None
    return session.scalar(select(User.user_id).where(column.in_(message.sender),
                                                    or_(User.active.is_(None), User.active.is_(True)))
                          .order_by(User.user_id).limit(1))


def apply_message(session: Session, message: MessageEvent, event_id: str) -> dict[str, Any]:
    """A team member's message to a customer's contact: an interaction, and the leads' first response.

    Applied once: a message whose interaction (``<platform>:<event id>``) exists already changes nothing
    (an archive read again, a message both delivered as an event and pulled under the same id).
    """
    interaction_id = f"{message.platform}:{event_id}"[:200]
    if session.get(Interaction, interaction_id) is not None:
        return {"message": "duplicate", "interaction_id": interaction_id}
    user_id = sender_user(session, message)
    if user_id is None:
        return {"message": "ignored", "reason": "sender is not a user"}
    customer_id = customer_of_contact(session, message.contact)
    if customer_id is None:
        return {"message": "ignored", "reason": "contact of no customer"}
    session.add(Interaction(interaction_id=interaction_id, customer_id=customer_id, at=message.at,
                            channel=message.platform, question=None,
                            extra={"user_id": user_id, "contact_id": message.contact,
                                   "text": (message.text or "")[:500], "direction": "to_customer"}))
    leads = list(session.scalars(select(Lead.lead_id).where(
        Lead.customer_id == customer_id, Lead.status == "open", Lead.first_response_at.is_(None),
        Lead.created_at <= message.at)))
    if leads:
        session.execute(update(Lead).where(Lead.lead_id.in_(leads)).values(first_response_at=message.at)
                        .execution_options(synchronize_session=False))
        closed = close_first_response_tasks(session, leads, message.at)
        record(session, actor=f"{ACTOR}:{message.platform}", action="lead.first_response", entity_type="customer",
               entity_id=customer_id, after={"leads": leads, "user_id": user_id, "at": message.at.isoformat(),
                                             "tasks_closed": closed}, note=f"event {event_id}")
    return {"message": "applied", "interaction_id": interaction_id, "customer_id": customer_id, "user_id": user_id,
            "first_response": leads}
