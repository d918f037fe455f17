"""A bank line's payer name is folded once, by the run that first reads it, and kept in
``bank_transactions.payer_key``: the history of a day's payers is an index lookup, not a fold of every payer
name ever booked (both backends)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pandas as pd
from sqlalchemy import select, update

from salesnb.db import session_scope
from salesnb.io.importer import import_frame
from salesnb.models import BankTransaction
from salesnb.receivables import auto_reconcile, reconcile
from salesnb.receivables.evidence import payer_name_key
from tests.receivables.test_reconcile_precision import CUSTOMERS, T0, ledger

GROUP = "宁波星河物流（集团）有限公司"  # a payer named like no customer, known only by what it paid before


def keys(engine) -> dict[str, str | None]:
    with session_scope(engine) as s:
        return dict(s.execute(select(BankTransaction.txn_id, BankTransaction.payer_key)).all())


def add_line(engine, txn_id: str, day: int, amount: str, payer: str | None) -> None:
    with session_scope(engine) as s:
        s.add(BankTransaction(txn_id=txn_id, booked_at=T0 + timedelta(days=day), amount=Decimal(amount),
                              payer_name=payer, direction="in"))


def test_a_run_keeps_each_lines_folded_payer_and_the_history_is_found_by_it(engine):
    # Day 1: the group pays INV-1 by number, so it pays for C2.  Day 2: its name written with half-width
    # brackets pays C2's other invoice in full, which only that history tells (a stranger's would be a candidate).
    ledger(engine, {"INV-1": ("C2", "50000.00"), "INV-2": ("C2", "80000.00")},
           [("L1", 10, "50000.00", GROUP, "INV-1"), ("P1", 10, "300.00", "张三", None)], customers=CUSTOMERS)
    reconcile(engine, T0 + timedelta(days=11))
    assert keys(engine) == {"L1": payer_name_key(GROUP), "P1": ""}  # a person's transfer has no key
    add_line(engine, "L2", 12, "80000.00", "宁波星河物流(集团)有限公司")
    assert keys(engine)["L2"] is None
    report = reconcile(engine, T0 + timedelta(days=13))
    assert [(m.txn_id, m.invoice_id) for m in report.applied] == [("L2", "INV-2")]
    assert keys(engine)["L2"] == payer_name_key(GROUP)


def test_a_dry_run_stores_no_key_and_finds_the_same_history(engine):
    ledger(engine, {"INV-1": ("C2", "50000.00"), "INV-2": ("C2", "80000.00")},
           [("L1", 10, "50000.00", GROUP, "INV-1")], customers=CUSTOMERS)
    reconcile(engine, T0 + timedelta(days=11))
    with session_scope(engine) as s:  # as if the lines came before payer keys were kept
        s.execute(update(BankTransaction).values(payer_key=None))
    add_line(engine, "L2", 12, "80000.00", "宁波星河物流(集团)有限公司")
    planned = reconcile(engine, T0 + timedelta(days=13), dry_run=True)
    assert [(m.txn_id, m.invoice_id) for m in planned.applied] == [("L2", "INV-2")]
    assert set(keys(engine).values()) == {None}
    applied = reconcile(engine, T0 + timedelta(days=13))
    assert [(m.txn_id, m.invoice_id) for m in applied.applied] == [("L2", "INV-2")]
    assert keys(engine) == {"L1": payer_name_key(GROUP), "L2": payer_name_key(GROUP)}


def test_an_import_that_corrects_the_payer_clears_the_key_and_the_next_run_folds_the_new_name(engine):
    ledger(engine, {}, [("T1", 10, "12345.67", "上海某某贸易有限公司", "货款")], customers=CUSTOMERS)
    reconcile(engine, T0 + timedelta(days=11))
    assert keys(engine)["T1"] == payer_name_key("上海某某贸易有限公司")
    row = {"txn_id": "T1", "booked_at": (T0 + timedelta(days=10)).isoformat(), "amount": "12345.67",
           "payer_name": "杭州远大机械有限公司", "memo": "货款", "direction": "in"}
    with session_scope(engine) as s:
        import_frame(s, "bank_transactions", pd.DataFrame([row]))
    assert keys(engine)["T1"] is None
    reconcile(engine, T0 + timedelta(days=12))
    assert keys(engine)["T1"] == payer_name_key("杭州远大机械有限公司")


def test_a_key_is_not_written_for_a_name_changed_after_it_was_read(engine, monkeypatch):
    # An import correcting the line between the run's read and its write (PostgreSQL lets it): the folded old
    # name must not be stored as the new name's key.
    ledger(engine, {}, [("T1", 10, "12345.67", "上海某某贸易有限公司", "货款")], customers=CUSTOMERS)
    folding = auto_reconcile.payer_name_key

    def fold_then_correct(name):
        with engine.begin() as conn:
            conn.execute(update(BankTransaction.__table__).values(payer_name="杭州远大机械有限公司"))
        return folding(name)

    monkeypatch.setattr(auto_reconcile, "payer_name_key", fold_then_correct)
    with session_scope(engine) as s:
        folded = auto_reconcile._fold_new_payers(s, save=True)
    assert folded == {"T1": folding("上海某某贸易有限公司")}
    assert keys(engine)["T1"] is None
