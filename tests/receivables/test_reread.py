"""A bank line no rule placed is read again by later runs only while a claim or an invoice may still place it
(``Options.reread_days`` after its booking), so the daily run does not re-read every unplaced line for ever
(both backends)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pandas as pd

from salesnb.db import session_scope
from salesnb.io.importer import import_frame
from salesnb.models import BankTransaction, Invoice
from salesnb.receivables import reconcile
from tests.receivables.test_reconcile_precision import T0, ledger


def add_invoice(engine, day: int) -> None:
    """C1's invoice of the line's amount, issued two days after the line (a payment ahead of its invoice)."""
    with session_scope(engine) as s:
        s.add(Invoice(invoice_id="I1", contract_id="HT-C1", amount=Decimal("12345.67"), status="issued",
                      paid_amount=Decimal("0.00"), issued_at=T0 + timedelta(days=day)))


def read_at(engine, txn_id: str):
    with session_scope(engine) as s:
        return s.get(BankTransaction, txn_id).unplaced_read_at


def test_an_unplaced_line_is_read_again_while_an_invoice_may_still_come(engine):
    ledger(engine, {}, [("T1", 10, "12345.67", "上海某某贸易有限公司", "货款")])
    first = reconcile(engine, T0 + timedelta(days=11))
    assert first.unmatched == 1 and read_at(engine, "T1") == T0 + timedelta(days=11)
    add_invoice(engine, 12)
    report = reconcile(engine, T0 + timedelta(days=40))  # 30 days after its booking
    assert [(m.txn_id, m.invoice_id, m.rule) for m in report.applied] == [("T1", "I1", "amount_name")]


def test_an_unplaced_line_is_not_read_again_after_the_window(engine):
    ledger(engine, {}, [("T1", 10, "12345.67", "上海某某贸易有限公司", "货款")])
    reconcile(engine, T0 + timedelta(days=11))
    add_invoice(engine, 12)
    report = reconcile(engine, T0 + timedelta(days=60))  # 50 days after its booking: waits for a person
    assert report.applied == [] and report.unmatched == 0


def test_a_line_never_read_is_read_however_old(engine):
    ledger(engine, {}, [("T1", 10, "12345.67", "上海某某贸易有限公司", "货款")])
    add_invoice(engine, 12)
    report = reconcile(engine, T0 + timedelta(days=60))  # a statement imported late
    assert [(m.txn_id, m.invoice_id) for m in report.applied] == [("T1", "I1")]
    assert read_at(engine, "T1") is None  # placed: never marked


def test_a_dry_run_marks_nothing(engine):
    ledger(engine, {}, [("T1", 10, "12345.67", "上海某某贸易有限公司", "货款")])
    reconcile(engine, T0 + timedelta(days=11), dry_run=True)
    assert read_at(engine, "T1") is None


def test_a_corrected_import_of_an_unplaced_line_reads_it_anew(engine):
    ledger(engine, {}, [("T1", 10, "12345.67", "上海某某贸易有限公司", "货款")])
    reconcile(engine, T0 + timedelta(days=11))
    row = {"txn_id": "T1", "booked_at": (T0 + timedelta(days=10)).isoformat(), "amount": "12345.67",
           "payer_name": "上海某某贸易有限公司", "memo": "货款", "direction": "in"}
    with session_scope(engine) as s:
        import_frame(s, "bank_transactions", pd.DataFrame([row]))  # the same line again: nothing changes
    assert read_at(engine, "T1") is not None
    with session_scope(engine) as s:
        import_frame(s, "bank_transactions", pd.DataFrame([{**row, "memo": "发票I1货款"}]))  # the bank's correction
    assert read_at(engine, "T1") is None
