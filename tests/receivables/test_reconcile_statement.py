"""The hand-made statement end to end: import the ugly files, reconcile, review, unmatch, rerun."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from salesnb.db import session_scope
from salesnb.errors import SalesnbError
from salesnb.models import AuditLog, BankMatch, BankTransaction, Invoice
from salesnb.receivables import (
    confirm_match, import_statements, reconcile, reject_match, review_queue, unmatch, unmatched_lines,
)
from salesnb.timeutil import local_tz

from .statements import EXPECTED, FEE_LINE, REVIEW_PAYERS, UNMATCHED_PAYER, seed_ledger, write_statements

AS_OF = datetime(2026, 2, 1, tzinfo=local_tz())
LATER = datetime(2026, 2, 2, 10, 0, tzinfo=local_tz())


@pytest.fixture(scope="module")
def statement_files(tmp_path_factory):
    return write_statements(tmp_path_factory.mktemp("statements"))


@pytest.fixture
def ledger(engine, statement_files):
    seed_ledger(engine)
    report = import_statements(engine, statement_files, actor="F1")
    assert (report.lines, report.incoming, report.inserted) == (16, 13, 16)
    return engine


def _invoices(engine):
    with session_scope(engine) as s:
        return {i.invoice_id: i for i in s.scalars(select(Invoice))}


def _fee_txn(engine):
    with session_scope(engine) as s:
        return s.scalar(select(BankTransaction.txn_id).where(BankTransaction.amount == Decimal(FEE_LINE[0])))


def test_every_pass_applies_what_it_should(ledger):
    report = reconcile(ledger, AS_OF)
    applied = {(m.txn_id, m.invoice_id): (str(m.amount), m.rule) for m in report.applied}
    fee_txn = _fee_txn(ledger)
    assert applied.pop((fee_txn, FEE_LINE[1])) == (FEE_LINE[2], "fee")
    assert applied == EXPECTED
    assert report.considered == 13
    assert (report.matched, report.queued, report.unmatched) == (10, 2, 1)
    assert all(0.9 <= m.confidence <= 1 for m in report.applied)
    invoices = _invoices(ledger)
    paid = {i for i, inv in invoices.items() if inv.status == "paid"}
    assert paid == {"INV-1001", "INV-1002", "INV-2001", "INV-2002", "INV-2003", "INV-3001", "INV-4001", "INV-6001", "INV-8001"}
    assert invoices["INV-4001"].paid_amount == Decimal("9999.00")  # the 15.00 fee is written off
    assert invoices["INV-3001"].paid_at == datetime(2026, 1, 25, tzinfo=local_tz())  # when the last part arrived
    assert invoices["INV-5001"].status == "issued" and invoices["INV-5001"].paid_amount == 0


def test_the_rest_goes_to_review_or_stays_unmatched(ledger):
    reconcile(ledger, AS_OF)
    queue = review_queue(ledger)
    assert set(queue["payer_name"]) == set(REVIEW_PAYERS)
    by_payer = queue.groupby("payer_name")
    assert list(by_payer.get_group("李四")["invoice_id"]) == ["INV-5001"]
    assert by_payer.get_group("李四")["rule"].iloc[0] == "amount_only"
    assert set(by_payer.get_group("苏州新星材料有限公司")["invoice_id"]) == {"INV-5001", "INV-5002"}
    assert (queue["confidence"] < 0.9).all()
    left = unmatched_lines(ledger)
    assert list(left["payer_name"]) == [UNMATCHED_PAYER]


def test_rerun_is_idempotent(ledger):
    first = reconcile(ledger, AS_OF)
    with session_scope(ledger) as s:
        before = s.scalar(select(func.count()).select_from(BankMatch))
    second = reconcile(ledger, AS_OF)
    with session_scope(ledger) as s:
        after = s.scalar(select(func.count()).select_from(BankMatch))
    assert first.matched == 10 and second.applied == [] and second.matched == 0 and second.queued == 0
    assert second.unmatched == 1 and before == after


def test_confirm_reject_and_unmatch_are_logged_and_never_overpay(english, ledger):
    reconcile(ledger, AS_OF)
    queue = review_queue(ledger)
    li_si = queue.loc[queue["payer_name"] == "李四", "txn_id"].iloc[0]
    partial = queue.loc[queue["payer_name"] == "苏州新星材料有限公司", "txn_id"].iloc[0]
    with session_scope(ledger) as s:
        confirm_match(s, li_si, actor="F1", at=LATER)  # the best candidate: INV-5001
        assert reject_match(s, partial, ["INV-5001"], actor="F1", at=LATER, note="not this one") == 1
        confirm_match(s, partial, actor="F1", at=LATER)  # the best candidate left: INV-5002
    invoices = _invoices(ledger)
    assert invoices["INV-5001"].status == "paid"
    assert invoices["INV-5002"].status == "partially_paid" and invoices["INV-5002"].paid_amount == Decimal("2345.00")
    with session_scope(ledger) as s, pytest.raises(SalesnbError, match="already matched"):
        confirm_match(s, li_si, ["INV-5002"], actor="F1", at=LATER)
    with session_scope(ledger) as s:
        statuses = dict(s.execute(select(BankMatch.invoice_id, BankMatch.status)
                                  .where(BankMatch.txn_id == partial)).all())
    assert statuses == {"INV-5002": "applied", "INV-5001": "rejected"}

    with session_scope(ledger) as s:
        assert unmatch(s, "CCB-77002", actor="F1", at=LATER, note="wrong customer") == 2
    invoices = _invoices(ledger)
    assert invoices["INV-2002"].status == "issued" and invoices["INV-2002"].paid_amount == 0
    assert invoices["INV-2002"].paid_at is None
    with session_scope(ledger) as s:
        log = s.scalars(select(AuditLog).where(AuditLog.action == "bank_match.unmatch")).all()
    assert {e.entity_id for e in log} == {"INV-2002", "INV-2003"}
    assert all(e.actor == "F1" and e.note == "wrong customer" and e.after["txn_id"] == "CCB-77002" for e in log)
    assert log[0].before["status"] == "paid"

    rerun = reconcile(ledger, LATER)  # the unmatched pairs are not proposed again
    assert rerun.applied == [] and "CCB-77002" in set(unmatched_lines(ledger)["txn_id"])
    with session_scope(ledger) as s:
        with pytest.raises(SalesnbError, match="no applied match"):
            unmatch(s, "CCB-77002", actor="F1", at=LATER)
        with pytest.raises(SalesnbError, match="no such candidate"):
            reject_match(s, "CCB-77002", actor="F1", at=LATER)
        confirm_match(s, "CCB-77002", ["INV-2003", "INV-2002"], actor="F1", at=LATER)  # by hand
    invoices = _invoices(ledger)
    assert invoices["INV-2003"].status == "paid" and invoices["INV-2002"].status == "paid"
    with session_scope(ledger) as s:
        rules = set(s.scalars(select(BankMatch.rule).where(BankMatch.txn_id == "CCB-77002",
                                                             BankMatch.status == "applied")))
        rejected = s.scalar(select(AuditLog).where(AuditLog.action == "bank_match.reject"))
    assert rules == {"manual"} and rejected.note == "not this one" and rejected.actor == "F1"


def test_lines_booked_after_as_of_wait(ledger):
    report = reconcile(ledger, datetime(2026, 1, 22, tzinfo=local_tz()))
    assert {m.txn_id for m in report.applied} == {"ICBC0001", "ICBC0002"}


def test_an_invoice_paid_meanwhile_stops_the_write(ledger):
    from salesnb.receivables.matching import Options, plan_matches
    from salesnb.receivables.auto_reconcile import _load, _report, _write

    with session_scope(ledger) as s:
        state = _load(s, AS_OF, Options())
    plan = plan_matches(state.lines.values(), state.invoices.values(), state.customer_names)
    with session_scope(ledger) as s:  # a claim confirmed between reading and writing
        s.get(Invoice, "INV-2001").paid_amount = Decimal("1.00")
        s.get(Invoice, "INV-2001").status = "partially_paid"
    with pytest.raises(SalesnbError, match="请重新对账"), session_scope(ledger) as s:
        _write(s, plan, state, AS_OF, "reconcile", _report(plan, state, AS_OF))
    with session_scope(ledger) as s:
        assert s.scalar(select(func.count()).select_from(BankMatch)) == 0
        assert s.get(Invoice, "INV-1001").paid_amount == 0
