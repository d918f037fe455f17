"""Payment claims (submit, confirm, reject, 48 h alert task) and invoice aging by owner and bucket."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from salesnb.checks import findings_frame, run_checks
from salesnb.db import session_scope
from salesnb.errors import SalesnbError
from salesnb.models import (
    AuditLog, BankMatch, BankTransaction, Contract, Customer, Invoice, OutboxMessage, PaymentClaim, Task, User,
)
from salesnb.receivables import aging_by_owner, aging_frame, confirm_claim, reject_claim, submit_claim
from salesnb.receivables.aging import bucket_of, days_overdue
from salesnb.timeutil import local_tz

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=local_tz())


def seed(engine):
    with session_scope(engine) as s:
        s.add_all([
            User(user_id="F1", name="财务甲", role="finance"),
            User(user_id="M1", name="王经理", role="sales_manager"),
            User(user_id="U1", name="李销售", role="sales", manager_id="M1"),
            User(user_id="U2", name="赵销售", role="sales", manager_id="M1"),
            Customer(customer_id="C1", name="上海某某贸易有限公司", owner_id="U1"),
            Customer(customer_id="C2", name="杭州远大机械有限公司", owner_id="U2"),
            Contract(contract_id="K1", customer_id="C1", owner_id="U1", amount=1, payment_terms_days=30),
            Contract(contract_id="K2", customer_id="C2", owner_id="U2", amount=1, payment_terms_days=60),
            Contract(contract_id="K3", customer_id="C2", owner_id="U2", amount=1, payment_terms_days=None),
            Invoice(invoice_id="I1", contract_id="K1", amount=Decimal("1000.00"), status="issued",
                    issued_at=T0 - timedelta(days=31)),  # due T0 - 1 day: 1 day overdue
            Invoice(invoice_id="I2", contract_id="K1", amount=Decimal("500.00"), status="partially_paid",
                    paid_amount=Decimal("200.00"), issued_at=T0 - timedelta(days=30 + 61)),  # 61 days
            Invoice(invoice_id="I3", contract_id="K2", amount=Decimal("800.00"), status="issued",
                    issued_at=T0 - timedelta(days=60 + 95)),  # 95 days
            Invoice(invoice_id="I4", contract_id="K2", amount=Decimal("300.00"), status="issued",
                    issued_at=T0 - timedelta(days=60)),  # due exactly now: not overdue
            Invoice(invoice_id="I5", contract_id="K3", amount=Decimal("50.00"), status="issued",
                    issued_at=T0 - timedelta(days=30, hours=1)),  # no terms: due on issue, 31 days
            Invoice(invoice_id="I6", contract_id="K1", amount=Decimal("70.00"), status="paid",
                    paid_amount=Decimal("70.00"), issued_at=T0 - timedelta(days=400)),
            Invoice(invoice_id="I7", contract_id="K1", amount=Decimal("70.00"), status="cancelled",
                    issued_at=T0 - timedelta(days=400)),
            BankTransaction(txn_id="B1", booked_at=T0 - timedelta(days=1), amount=Decimal("300.00"),
                            payer_name="上海某某贸易"),
        ])


def test_claim_submit_confirm_applies_payment_and_closes_the_review_task(english, engine):
    seed(engine)
    with session_scope(engine) as s:
        claim = submit_claim(s, "I1", owner_id="U1", amount="400", at=T0)
    assert claim.claim_id == "CLM-I1-1" and claim.status == "finance_review"
    with session_scope(engine) as s:
        task = s.get(Task, "claim_review:CLM-I1-1")
        note = s.scalar(select(OutboxMessage).where(OutboxMessage.event_type == "claim_submitted"))
        assert task.node == "claim_review" and task.entity_type == "payment_claim" and task.owner_id == "F1"
        assert note.recipients == ["F1"]
        with pytest.raises(SalesnbError, match="exceeds what is left to claim"):
            submit_claim(s, "I1", owner_id="U1", amount="600.01", at=T0)  # 1000 - 400 in review
    with session_scope(engine) as s:
        confirm_claim(s, "CLM-I1-1", actor="F1", at=T0 + timedelta(hours=5))
    with session_scope(engine) as s:
        invoice, claim = s.get(Invoice, "I1"), s.get(PaymentClaim, "CLM-I1-1")
        task = s.get(Task, "claim_review:CLM-I1-1")
        log = [(e.action, e.actor) for e in s.scalars(select(AuditLog).order_by(AuditLog.id))]
        told = s.scalar(select(OutboxMessage).where(OutboxMessage.event_type == "claim_confirmed"))
    assert invoice.status == "partially_paid" and invoice.paid_amount == Decimal("400.00")
    assert claim.status == "confirmed" and claim.reviewed_at == T0 + timedelta(hours=5)
    assert task.done_at == T0 + timedelta(hours=5)
    assert log == [("claim.submit", "U1"), ("invoice.payment_applied", "F1"), ("claim.confirm", "F1")]
    assert told.recipients == ["U1"]
    with session_scope(engine) as s, pytest.raises(SalesnbError, match="already confirmed"):
        reject_claim(s, "CLM-I1-1", actor="F1", at=T0, reason="x")


def test_confirm_through_a_bank_line_consumes_that_line(engine):
    seed(engine)
    with session_scope(engine) as s:
        submit_claim(s, "I2", owner_id="U1", amount=Decimal("300.00"), at=T0)
    with session_scope(engine) as s:
        confirm_claim(s, "CLM-I2-1", actor="F1", at=T0 + timedelta(hours=1), txn_id="B1")
    with session_scope(engine) as s:
        invoice = s.get(Invoice, "I2")
        match = s.scalar(select(BankMatch).where(BankMatch.txn_id == "B1"))
    assert invoice.status == "paid" and invoice.paid_amount == Decimal("500.00")
    assert (match.invoice_id, match.rule, match.status, match.decided_by) == ("I2", "claim", "applied", "F1")


def test_claims_are_refused_when_they_cannot_be_right(english, engine):
    seed(engine)
    with session_scope(engine) as s:
        with pytest.raises(SalesnbError, match="exceeds"):
            submit_claim(s, "I2", owner_id="U1", amount="300.01", at=T0)  # outstanding 300
        with pytest.raises(SalesnbError, match="is paid"):
            submit_claim(s, "I6", owner_id="U1", amount="1", at=T0)
        with pytest.raises(SalesnbError, match="positive"):
            submit_claim(s, "I1", owner_id="U1", amount="0", at=T0)
        with pytest.raises(SalesnbError, match="no invoice"):
            submit_claim(s, "NOPE", owner_id="U1", amount="1", at=T0)


def test_reject_needs_a_reason_and_leaves_the_invoice_alone(engine):
    seed(engine)
    with session_scope(engine) as s:
        submit_claim(s, "I1", owner_id="U1", amount="100", at=T0)
    with session_scope(engine) as s, pytest.raises(SalesnbError, match="驳回需要填写原因"):
        reject_claim(s, "CLM-I1-1", actor="F1", at=T0, reason="")
    with session_scope(engine) as s:
        reject_claim(s, "CLM-I1-1", actor="F1", at=T0 + timedelta(hours=2), reason="银行未到账")
    with session_scope(engine) as s:
        assert s.get(Invoice, "I1").paid_amount == 0
        assert s.get(PaymentClaim, "CLM-I1-1").status == "rejected"
        entry = s.scalar(select(AuditLog).where(AuditLog.action == "claim.reject"))
    assert entry.note == "银行未到账" and entry.after["status"] == "rejected"


def test_aging_buckets_against_payment_terms(engine):
    seed(engine)
    frame = aging_frame(engine, T0)
    rows = {r.invoice_id: (r.owner_id, r.days_overdue, r.bucket, r.outstanding) for r in frame.itertuples()}
    assert rows == {
        "I1": ("U1", 1, "1-30", Decimal("1000.00")),
        "I2": ("U1", 61, "61-90", Decimal("300.00")),
        "I3": ("U2", 95, "90+", Decimal("800.00")),
        "I5": ("U2", 31, "31-60", Decimal("50.00")),
    }
    assert frame.loc[frame["invoice_id"] == "I1", "customer_name"].item() == "上海某某贸易有限公司"
    table = aging_by_owner(frame)
    assert table.loc["U1", "1-30"] == 1000 and table.loc["U1", "61-90"] == 300 and table.loc["U1", "total"] == 1300
    assert table.loc["U2", "90+"] == 800 and table.loc["U2", "31-60"] == 50
    assert list(table.columns) == ["1-30", "31-60", "61-90", "90+", "total"]
    counts = aging_by_owner(frame, value="count")
    assert counts.loc["U2"].tolist() == [0, 1, 0, 1, 2]


def test_aging_agrees_with_the_invoice_overdue_check(engine):
    seed(engine)
    for as_of in (T0, T0 + timedelta(days=29, hours=23), T0 + timedelta(days=45)):
        frame = aging_frame(engine, as_of)
        run_checks(engine, as_of, only=["invoice_overdue"])
        found = findings_frame(engine, check="invoice_overdue")
        assert set(found["entity_id"]) == set(frame["invoice_id"])
        ours = dict(zip(frame["invoice_id"], frame["bucket"].astype(str)))
        assert dict(zip(found["entity_id"], found["bucket"])) == ours


@pytest.mark.parametrize(("days", "bucket"), [(0, None), (1, "1-30"), (30, "1-30"), (31, "31-60"), (60, "31-60"),
                                              (61, "61-90"), (90, "61-90"), (91, "90+")])
def test_bucket_edges(days, bucket):
    assert bucket_of(days) == bucket


def test_days_overdue_counts_started_days():
    assert days_overdue(T0, T0) == 0
    assert days_overdue(T0, T0 + timedelta(minutes=1)) == 1
    assert days_overdue(T0, T0 + timedelta(days=30)) == 30
    assert days_overdue(T0, T0 + timedelta(days=30, seconds=1)) == 31


def test_a_claim_in_review_over_48_hours_alerts_finance_and_the_rep(engine):
    from salesnb.sla import escalate

    seed(engine)
    with session_scope(engine) as s:
        submit_claim(s, "I1", owner_id="U1", amount="100", at=T0)
        submit_claim(s, "I3", owner_id="U2", amount="100", at=T0)
    with session_scope(engine) as s:
        confirm_claim(s, "CLM-I3-1", actor="F1", at=T0 + timedelta(hours=3))
    assert escalate(engine, T0 + timedelta(hours=47)).fired == 0
    report = escalate(engine, T0 + timedelta(hours=49))
    with session_scope(engine) as s:
        alerts = s.scalars(select(OutboxMessage).where(OutboxMessage.event_type == "sla_escalation")).all()
    assert report.fired == 1 and len(alerts) == 1
    assert alerts[0].payload["entity_id"] == "CLM-I1-1" and alerts[0].payload["node"] == "claim_review"
    assert {"F1", "U1"} <= set(alerts[0].recipients)
    assert escalate(engine, T0 + timedelta(hours=50)).fired == 0  # once
