"""To-dos that close by themselves: a workflow task is done once the record it waits for has changed.

===================  ===========================  =============================================================
node                 waits on                     done when (``done_at``)
===================  ===========================  =============================================================
``invoice_confirm``  the invoice (``entity_id``)  ``invoices.confirmed_at`` is set (``done_at`` = that time)
``shipment_booking`` the order (``entity_id``)    a shipment of the order has a tracking number (``done_at`` =
                                                  the time it was seen: the import, sync or run that recorded it)
===================  ===========================  =============================================================

:func:`close_waiting_tasks` is one set-based UPDATE per node, called by the
importer after every successful batch (files, the import app, ``import_frame``
and the connectors' syncs all write through it) and by the escalation run
before it scans (changes made any other way), so the escalation of a task
stops as soon as its record is there.  The escalation's own to-dos of a task
closed here close with it (:func:`salesnb.sla.escalation.close_done_todos`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, exists, func, select, update
from sqlalchemy.orm import Session

from ..models import AuditLog, Invoice, Shipment, Task

TASKS = Task.__table__
INVOICES = Invoice.__table__
SHIPMENTS = Shipment.__table__

# node → the tables whose changes may close its tasks (the importer calls only when one of them changed)
WATCHED = {"invoice_confirm": ("invoices", "tasks"), "shipment_booking": ("shipments", "tasks")}
TABLES = frozenset(t for tables in WATCHED.values() for t in tables)


def close_waiting_tasks(session: Session, at: datetime, actor: str = "system") -> dict[str, int]:
    """Close the open invoice-confirmation and shipment-booking tasks whose record has arrived; {node: closed}."""
    open_task = TASKS.c.done_at.is_(None)
    confirmed = and_(INVOICES.c.invoice_id == TASKS.c.entity_id, INVOICES.c.confirmed_at.is_not(None))
    invoices = session.execute(
        update(TASKS)
        .where(TASKS.c.node == "invoice_confirm", TASKS.c.entity_type == "invoice", open_task,
               exists().where(confirmed))
        .values(done_at=select(INVOICES.c.confirmed_at).where(confirmed).scalar_subquery())
        .execution_options(synchronize_session=False)
    ).rowcount or 0
    tracked = and_(SHIPMENTS.c.order_id == TASKS.c.entity_id, SHIPMENTS.c.tracking_no.is_not(None),
                   func.trim(SHIPMENTS.c.tracking_no) != "")
    shipments = session.execute(
        update(TASKS)
        .where(TASKS.c.node == "shipment_booking", TASKS.c.entity_type == "order", open_task, exists().where(tracked))
        .values(done_at=at)
        .execution_options(synchronize_session=False)
    ).rowcount or 0
    closed = {"invoice_confirm": invoices, "shipment_booking": shipments}
    if invoices or shipments:
        session.execute(AuditLog.__table__.insert(), [dict(
            at=at, actor=actor, action="task.auto_closed", entity_type="task", entity_id="*", before=None,
            after=closed, note="the record the tasks waited for arrived")])
    return closed
