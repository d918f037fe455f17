"""Process audit on a hand-made set of orders; expected breakpoints worked out per order."""

from __future__ import annotations

from decimal import Decimal

import pytest

from salesnb.db import session_scope
from salesnb.kpi.audit_process import process_audit
from salesnb.models import (
    Contract, ContractSubmission, EscalationLog, Finding, Invoice, Lead, Order, PaymentClaim, Quote, Shipment, Task,
)

from .handmade import AS_OF, add_users, ts

M = Decimal("100")
FULL = dict(budget_provided=True, delivery_date_specified=True, purchase_freq_per_month=2)


def finding(check, etype, eid, first_seen, details=None, resolved=None):
    return Finding(check_name=check, entity_type=etype, entity_id=eid, owner_id="r1", first_seen=first_seen,
                   last_seen=first_seen, resolved_at=resolved, details=details)


def build(engine):
    with session_scope(engine) as s:
        add_users(s)
        s.flush()
        s.add_all([
            # OA (before 03-01): late first response (6 h), order entered 5 days after acceptance,
            # infeasible contract + SLA breach on its approval, shipped without tracking (also a
            # resolved finding: counted once), payment claim reviewed after 5 days  -> 6 breakpoints
            Lead(lead_id="LA", customer_id="c1", owner_id="r1", created_at=ts(2, 1), first_response_at=ts(2, 1, 15),
                 **FULL),
            Quote(quote_id="QA", lead_id="LA", customer_id="c1", owner_id="r1", amount=M, status="accepted",
                  accepted_at=ts(2, 5)),
            Contract(contract_id="CA", quote_id="QA", customer_id="c1", owner_id="r1", amount=M, submitted_at=ts(2, 6)),
            ContractSubmission(contract_id="CA", owner_id="r1", submitted_at=ts(2, 6), feasible=False, details={}),
            Order(order_id="OA", contract_id="CA", created_at=ts(2, 10), status="delivered", shipped_at=ts(2, 12)),
            Task(task_id="TA", node="contract_approval", entity_type="contract", entity_id="CA", created_at=ts(2, 6)),
            finding("sla_breach", "tasks", "TA", ts(2, 8), {"node": "contract_approval"}),
            finding("shipped_without_tracking", "orders", "OA", ts(2, 14), resolved=ts(2, 20)),
            Invoice(invoice_id="IA", order_id="OA", amount=M, status="paid"),
            PaymentClaim(claim_id="PA", invoice_id="IA", owner_id="r1", amount=M, submitted_at=ts(2, 20),
                         reviewed_at=ts(2, 25), status="confirmed"),
            # OB (before): no quote anywhere -> 1 breakpoint (quote stage)
            Order(order_id="OB", created_at=ts(2, 15)),
            # OC (after): incomplete scorecard, a custom check on its quote declaring stage "quote",
            # an overdue invoice reached through its contract, an escalation of the lead's first response -> 4
            Lead(lead_id="LC", customer_id="c1", owner_id="r1", created_at=ts(3, 1), first_response_at=ts(3, 1, 10),
                 delivery_date_specified=True, purchase_freq_per_month=1),
            Quote(quote_id="QC", lead_id="LC", customer_id="c1", owner_id="r1", amount=M, status="accepted",
                  accepted_at=ts(3, 2)),
            Contract(contract_id="CC", quote_id="QC", customer_id="c1", owner_id="r1", amount=M),
            Order(order_id="OC", contract_id="CC", created_at=ts(3, 3), status="shipped", shipped_at=ts(3, 5)),
            Shipment(shipment_id="SC", order_id="OC", tracking_no="SF9"),
            Invoice(invoice_id="IC", contract_id="CC", amount=M, status="issued"),
            finding("big_discount", "quote", "QC", ts(3, 4), {"stage": "quote"}),
            finding("invoice_overdue", "invoices", "IC", ts(3, 9)),
            Task(task_id="TC", node="lead_first_response", entity_type="lead", entity_id="LC", created_at=ts(3, 1)),
            EscalationLog(task_id="TC", node="lead_first_response", level=1, due_at=ts(3, 1, 13),
                          fired_at=ts(3, 1, 13), notified=["m1"], cc=[]),
            # OD (after): clean
            Lead(lead_id="LD", customer_id="c1", owner_id="r1", created_at=ts(3, 4), first_response_at=ts(3, 4, 10),
                 **FULL),
            Quote(quote_id="QD", lead_id="LD", customer_id="c1", owner_id="r1", amount=M, status="accepted",
                  accepted_at=ts(3, 5)),
            Order(order_id="OD", quote_id="QD", created_at=ts(3, 5)),
            # OE: created after as_of, not audited
            Order(order_id="OE", created_at=ts(3, 12)),
        ])


@pytest.fixture
def audit(engine):
    build(engine)
    return process_audit(engine, AS_OF)


def test_breakpoints_per_order(audit):
    per_order = audit.per_order().set_index("order_id")
    assert sorted(per_order.index) == ["OA", "OB", "OC", "OD"]
    assert per_order.loc["OA", ["touch", "qualify", "quote", "contract", "order", "delivery", "payment"]].tolist() == [
        1, 0, 0, 2, 1, 1, 1]
    assert per_order["total"].to_dict() == {"OA": 6, "OB": 1, "OC": 4, "OD": 0}
    kinds = set(audit.breakpoints.loc[audit.breakpoints["order_id"] == "OC", "kind"])
    assert kinds == {"scorecard_incomplete", "big_discount", "invoice_overdue", "sla_breach:lead_first_response"}


def test_summary_per_stage(audit):
    assert audit.mean_per_order() == pytest.approx(11 / 4)
    summary = audit.summary().set_index("stage")
    assert summary["breakpoints"].to_dict() == {
        "touch": 2, "qualify": 1, "quote": 2, "contract": 2, "order": 1, "delivery": 1, "payment": 2, "total": 11}
    assert summary.loc["touch", "per_order"] == pytest.approx(0.5)
    assert summary.loc["contract", "orders_broken_share"] == pytest.approx(0.25)  # OA only, twice


def test_before_and_after(audit):
    split = audit.split(ts(3, 1)).set_index("stage")
    # before: OA 6 + OB 1 over 2 orders = 3.5; after: OC 4 + OD 0 over 2 = 2.0
    assert split.loc["total", "before_per_order"] == pytest.approx(3.5)
    assert split.loc["total", "after_per_order"] == pytest.approx(2.0)
    assert split.loc["total", "reduction"] == pytest.approx((3.5 - 2.0) / 3.5)
    assert split.loc["contract", "reduction"] == pytest.approx(1.0)  # 1.0 per order before, none after
    assert split.loc["qualify", "reduction"] != split.loc["qualify", "reduction"]  # no baseline: NaN
