"""A reconciliation run loads only the open invoices its lines can reach, and matches exactly as with all
of them loaded (both backends): on the first run, and on the next day with a day's new lines."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import event, select, text

from salesnb.db import session_scope
from salesnb.demo import build_demo_db
from salesnb.models import BankTransaction, Contract, Customer, Invoice
import salesnb.db
from salesnb.receivables import reconcile
from salesnb.receivables.auto_reconcile import _load, _open_invoices, _paid_for
from salesnb.receivables.payments import OPEN_STATUSES
from salesnb.receivables.evidence import Line, payer_history
from salesnb.receivables.matching import Options, plan_matches
from salesnb.timeutil import to_local

from .test_reconcile_precision import AS_OF as LEDGER_AS_OF
from .test_reconcile_precision import ledger

AS_OF = "2026-03-02 10:00"


def plans(engine, as_of):
    """(the plan with the reachable invoices and the history of the run's payers, the plan with every open
    invoice and the history of every payer, reachable count, open count)."""
    options = Options()
    with session_scope(engine) as session:
        state = _load(session, as_of, options)
        every, _ = _open_invoices(session, set(session.scalars(select(Invoice.invoice_id).where(
            Invoice.status.in_(OPEN_STATUSES), Invoice.issued_at.is_(None) | (Invoice.issued_at <= as_of)))))
        history = payer_history(*_paid_for(session, every_payer(session)))
    assert set(state.payers) <= set(history)
    assert all(state.payers[key] == history[key] for key in state.payers)
    common = dict(customer_names=state.customer_names, options=options, excluded=state.excluded,
                  claims=state.claims)
    reached = plan_matches(state.lines.values(), state.invoices.values(), payers=state.payers, **common)
    full = plan_matches(state.lines.values(), every.values(), payers=history, **common)
    return reached, full, len(state.invoices), len(every)


def every_payer(session) -> list[Line]:
    """Every bank line as a payer (its account and name): asking their history is asking every payer's."""
    return [Line(t, 0, 0.0, name, account, None) for t, name, account in session.execute(
        select(BankTransaction.txn_id, BankTransaction.payer_name, BankTransaction.payer_account))]


def a_day_of_lines(engine, day) -> None:
    """New lines: open invoices paid in full by their customer, in part, by a stranger, with a number in the
    memo; and a new invoice of a customer with old lines left unmatched."""
    with session_scope(engine) as s:
        rows = s.execute(
            select(Invoice.invoice_id, Invoice.amount, Invoice.paid_amount, Customer.name, Contract.contract_id)
            .join(Contract, Contract.contract_id == Invoice.contract_id)
            .join(Customer, Customer.customer_id == Contract.customer_id)
            .where(Invoice.status.in_(("issued", "partially_paid")), Invoice.issued_at <= day)
            .order_by(Invoice.invoice_id)
        ).all()
        for n, r in enumerate(rows[:40]):
            left = r.amount - (r.paid_amount or 0)
            amount, payer, memo = {0: (left, r.name, "货款"), 1: ((left * Decimal("0.3")).quantize(Decimal("1")),
                                                                 r.name, None),
                                   2: (left, "某某供应链管理有限公司", "代付"),
                                   3: (left, None, f"付 {r.invoice_id}")}[n % 4]
            s.add(BankTransaction(txn_id=f"NEXT{n:03d}", booked_at=day, amount=amount, payer_name=payer, memo=memo,
                                  direction="in"))
        unmatched = s.execute(select(BankTransaction.payer_name, BankTransaction.amount)
                              .where(BankTransaction.payer_name.is_not(None)).limit(1)).first()
        customer = s.execute(select(Contract.contract_id).limit(1)).scalar_one()
        s.add(Invoice(invoice_id="NEXT-INV", contract_id=customer, amount=unmatched.amount, status="issued",
                      paid_amount=Decimal("0.00"), issued_at=day))


def test_reachable_invoices_match_as_all_open_ones_first_day_and_next(engine):
    build = build_demo_db(engine, orders=600, seed=5, as_of=AS_OF)
    as_of = to_local(build.as_of)
    reached, full, _, _ = plans(engine, as_of)
    assert reached.applied and reached.candidates
    assert (reached.applied, reached.candidates, reached.unmatched) == (full.applied, full.candidates,
                                                                          full.unmatched)

    reconcile(engine, as_of)
    next_day = as_of + timedelta(days=1)
    a_day_of_lines(engine, next_day - timedelta(hours=2))
    reached, full, loaded, open_invoices = plans(engine, next_day)
    assert {p.txn_id for p in reached.applied} & {f"NEXT{n:03d}" for n in range(40)}
    assert (reached.applied, reached.candidates, reached.unmatched) == (full.applied, full.candidates,
                                                                          full.unmatched)
    assert loaded < open_invoices  # the point: the next day does not load the whole open book
    with session_scope(engine) as session:
        state = _load(session, next_day, Options())
        every = payer_history(*_paid_for(session, every_payer(session)))
    assert 0 < len(state.payers) < len(every)  # … nor the history of every payer ever matched


STRANGER = "宁波星河物流有限公司"
CUSTOMERS = {"C1": "上海某某贸易有限公司", "C2": "杭州远大机械有限公司", "C3": "苏州华宇电子有限公司"}


def test_an_invoice_a_fee_above_the_line_is_reached_and_keeps_a_strangers_line_in_review(engine):
    # 12,345.67 from a stranger is C1's invoice exactly — or C2's, less a 10-yuan fee: a reviewer decides.
    ledger(engine, {"INV-1": ("C1", "12345.67"), "INV-2": ("C2", "12355.67")},
           [("T1", 10, "12345.67", STRANGER, None)], customers=CUSTOMERS)
    reached, full, _, _ = plans(engine, to_local(LEDGER_AS_OF))
    assert (reached.applied, reached.candidates) == (full.applied, full.candidates)
    assert not reached.applied and {p.invoice_id for p in reached.candidates} == {"INV-1", "INV-2"}


def test_a_customer_learnt_in_the_run_is_looked_at_with_all_their_open_invoices(engine):
    # A stranger's account pays INV-7001 by number, so it is C3's; its next transfer is 30 % of C3's INV-7002,
    # which nothing but that learnt payer leads to.
    # (INV-7002 first: the invoice the number names must not be what brings its customer's other invoices.)
    ledger(engine, {"INV-7002": ("C3", "80000.00"), "INV-7001": ("C3", "50000.00")},
           [("L1", 10, "50000.00", STRANGER, "INV-7001", "6222000099990000"),
            ("L2", 12, "24000.00", STRANGER, None, "6222000099990000")], customers=CUSTOMERS)
    reached, full, _, _ = plans(engine, to_local(LEDGER_AS_OF))
    assert reached.applied == full.applied
    assert {(p.txn_id, p.invoice_id, p.rule) for p in reached.applied} == {
        ("L1", "INV-7001", "reference"), ("L2", "INV-7002", "percentage")}


def test_a_payer_known_by_a_name_written_another_way_is_still_known(engine):
    # Yesterday 宁波星河物流（集团）paid INV-8001 by number, so it pays for C2; today's line writes its name with
    # half-width brackets and no account: the history of the name it folds to still says C2, whose other invoice
    # it pays in full (a stranger's line of that amount would only be a candidate).
    ledger(engine, {"INV-8001": ("C2", "50000.00"), "INV-8002": ("C2", "80000.00")},
           [("L1", 10, "50000.00", "宁波星河物流（集团）有限公司", "INV-8001")], customers=CUSTOMERS)
    reconcile(engine, to_local(LEDGER_AS_OF) - timedelta(days=2))
    with session_scope(engine) as s:
        s.add(BankTransaction(txn_id="L2", booked_at=to_local(LEDGER_AS_OF) - timedelta(days=1),
                              amount=Decimal("80000.00"), payer_name="宁波星河物流(集团)有限公司", direction="in"))
    reached, full, _, _ = plans(engine, to_local(LEDGER_AS_OF))
    assert reached.applied == full.applied
    assert {(p.txn_id, p.invoice_id) for p in reached.applied} == {("L2", "INV-8002")}



def test_an_invoice_reached_by_its_amount_alone_brings_no_other_invoice_of_its_customer(engine):
    # A stranger pays 33,333.33: C3's INV-9001 has that amount (a review candidate, or amount_unique), but no
    # rule that learns who the payer is applies it, so C3's other open invoices are not loaded; C1's are, its
    # own name being on the other line.
    ledger(engine, {"INV-9001": ("C3", "33333.33"), "INV-9002": ("C3", "70000.00"), "INV-9003": ("C3", "5000.00"),
                    "INV-9101": ("C1", "12000.00"), "INV-9102": ("C1", "8000.00")},
           [("S1", 10, "33333.33", STRANGER, None), ("K1", 11, "12000.00", CUSTOMERS["C1"], None)],
           customers=CUSTOMERS)
    reached, full, _, _ = plans(engine, to_local(LEDGER_AS_OF))
    assert (reached.applied, reached.candidates, reached.unmatched) == (full.applied, full.candidates,
                                                                          full.unmatched)
    assert {(p.txn_id, p.invoice_id) for p in reached.applied} == {("S1", "INV-9001"), ("K1", "INV-9101")}
    with session_scope(engine) as session:
        loaded = set(_load(session, to_local(LEDGER_AS_OF), Options()).invoices)
    assert loaded == {"INV-9001", "INV-9101", "INV-9102"}


def test_a_memo_with_a_very_long_token_is_looked_up_like_any_other(engine):
    # The memo's numbers go into the reach's key table: a 300-character token (a bank's garbled reference) must
    # not break the run on PostgreSQL, whose columns have lengths.
    ledger(engine, {"INV-7101": ("C1", "1000.00")},
           [("L1", 10, "1000.00", CUSTOMERS["C1"], "X" + "9" * 300 + " INV-7101")], customers=CUSTOMERS)
    reached, full, _, _ = plans(engine, to_local(LEDGER_AS_OF))
    assert reached.applied == full.applied
    assert {(p.txn_id, p.invoice_id) for p in reached.applied} == {("L1", "INV-7101")}

def test_a_run_that_writes_many_matches_refreshes_postgresqls_statistics_of_them(engine, monkeypatch,
                                                                                  fresh_statistics):
    # Stale statistics after a first run's quarter of a million matches made the next day's payer history read
    # every applied match for each batch of payers (44 s at 1 M orders): PostgreSQL re-reads them.
    monkeypatch.setattr(salesnb.db, "ANALYZE_AFTER", 2)
    ledger(engine, {"INV-1": ("C1", "100.00"), "INV-2": ("C2", "200.00")},
           [("T1", 10, "100.00", CUSTOMERS["C1"], "INV-1"), ("T2", 11, "200.00", CUSTOMERS["C2"], "INV-2")],
           customers=CUSTOMERS)
    statements = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    assert len(reconcile(engine, to_local(LEDGER_AS_OF)).applied) == 2
    analysed = [s for s in statements if s.strip().upper().startswith("ANALYZE") and "salesnb_reach" not in s]
    if engine.dialect.name == "postgresql":
        assert analysed == ["ANALYZE bank_matches"]
        with engine.connect() as conn:  # the planner's row count is the table's, not a guess
            assert conn.scalar(text("SELECT reltuples FROM pg_class WHERE relname = 'bank_matches'")) == 2
    else:
        assert analysed == []  # SQLite's planner needs no statistics for these lookups
