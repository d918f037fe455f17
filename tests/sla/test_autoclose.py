"""Invoice-confirmation and shipment-booking to-dos close by themselves when their record arrives —
through an import, a frame (what syncs use) or an app's change picked up by the escalation run."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select, update

from salesnb.db import session_scope
from salesnb.io import import_frame, import_paths
from salesnb.models import AuditLog, Customer, EscalationLog, Invoice, Order, Task
from salesnb.sla import escalate

from .helpers import T0, H, add_task, seed_people


def ledger(engine) -> None:
    seed_people(engine)
    with session_scope(engine) as s:
        s.add(Customer(customer_id="C1", name="甲公司", owner_id="S1"))
        s.flush()
        s.add_all([Order(order_id="O1", created_at=T0, status="open"), Order(order_id="O2", created_at=T0,
                                                                            status="open")])
        s.flush()
        s.add_all([Invoice(invoice_id="I1", order_id="O1", amount=100, status="requested", requested_at=T0),
                   Invoice(invoice_id="I2", order_id="O2", amount=100, status="requested", requested_at=T0)])
    for inv in ("I1", "I2"):
        add_task(engine, f"invoice_confirm:{inv}", "invoice_confirm", T0, owner_id="F1", entity_id=inv)
    for order in ("O1", "O2"):
        add_task(engine, f"shipment_booking:{order}", "shipment_booking", T0, owner_id="W1", entity_type="order",
                 entity_id=order)


def done(engine, task_id):
    with session_scope(engine) as s:
        return s.get(Task, task_id).done_at


def test_an_imported_confirmation_and_a_synced_tracking_number_close_their_tasks(engine, tmp_path):
    ledger(engine)
    confirmed = T0 + 1 * H
    path = tmp_path / "发票.csv"
    path.write_text("发票号,订单编号,金额,状态,确认时间\n"
                    f"I1,O1,100,issued,{confirmed:%Y-%m-%d %H:%M}\n"
                    "I2,O2,100,requested,\n", encoding="utf-8")
    import_paths(engine, [path], actor="F1")
    assert done(engine, "invoice_confirm:I1") == confirmed  # closed at the confirmation time
    assert done(engine, "invoice_confirm:I2") is None
    assert done(engine, "shipment_booking:O1") is None

    with session_scope(engine) as s:  # a sync writes through import_frame, in its own transaction
        import_frame(s, "shipments", pd.DataFrame([
            {"shipment_id": "S1", "order_id": "O1", "carrier": "顺丰", "tracking_no": "SF123"},
            {"shipment_id": "S2", "order_id": "O2", "carrier": "顺丰", "tracking_no": "  "},  # not a number yet
        ]), source="tms", actor="system")
    assert done(engine, "shipment_booking:O1") is not None and done(engine, "shipment_booking:O2") is None
    with session_scope(engine) as s:
        notes = s.scalars(select(AuditLog.after).where(AuditLog.action == "task.auto_closed")).all()
        assert {"invoice_confirm": 1, "shipment_booking": 0} in notes and {"invoice_confirm": 0,
                                                                          "shipment_booking": 1} in notes


def test_a_change_made_elsewhere_closes_the_task_at_the_next_run_and_its_escalation_stops(engine):
    ledger(engine)
    late = T0 + 3 * H  # past the 2-hour target of invoice_confirm: level 1 fires with a to-do
    first = escalate(engine, late, nodes=["invoice_confirm"])
    assert first.todos >= 1
    with session_scope(engine) as s:
        todo = s.scalars(select(Task).where(Task.kind == "todo", Task.entity_id == "invoice_confirm:I1")).one()
        todo_id = todo.task_id
        s.execute(update(Invoice).where(Invoice.invoice_id == "I1").values(confirmed_at=T0 + 4 * H))  # an app
    later = escalate(engine, T0 + 100 * H, nodes=["invoice_confirm"])
    assert done(engine, "invoice_confirm:I1") == T0 + 4 * H and done(engine, todo_id) is not None
    assert done(engine, "invoice_confirm:I2") is None  # still waiting, still escalating
    with session_scope(engine) as s:
        fired = {(r.task_id, r.level) for r in s.scalars(select(EscalationLog))}
    assert ("invoice_confirm:I2", 3) in fired and not any(t == "invoice_confirm:I1" and lv > 1 for t, lv in fired)
    assert later.todos_closed >= 1
