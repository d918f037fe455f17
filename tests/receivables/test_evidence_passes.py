"""The passes that use what a finance team knows beyond the statement line, stored and reconciled on both backends.

Payment claims (回款认领) of reps, the payers' history (a name or account
that paid a customer before), instalments of the whole invoice, and the one
open invoice a part payment can be for.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from salesnb.db import session_scope
from salesnb.errors import SalesnbError
from salesnb.models import (
    AuditLog,
    BankTransaction,
    Contract,
    Customer,
    Invoice,
    PaymentClaim,
    User,
)
from salesnb.receivables import confirm_claim, reconcile, review_queue
from salesnb.timeutil import local_tz

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=local_tz())
AS_OF = T0 + timedelta(days=40)
CUSTOMERS = {"C1": "上海某某贸易有限公司", "C2": "杭州远大机械有限公司", "C3": "呼和浩特方诚电气股份有限公司"}
THIRD_PARTY = "江苏某某供应链管理有限公司"  # pays on a customer's behalf: its name says nothing


def ledger(engine, invoices: dict[str, tuple[str, str]], lines: list[tuple], claims: list[tuple] = ()) -> None:
    """Customers, one contract each, ``invoices`` {id: (customer, amount)} issued on T0 (in order, a minute
    apart), bank ``lines`` [(txn, day, amount, payer, memo)] and ``claims`` [(claim, invoice, amount, day,
    status)]."""
    with session_scope(engine) as s:
        s.add_all([User(user_id="U1", name="李销售", role="sales"), User(user_id="F1", name="财务甲", role="finance")])
        for cid, name in CUSTOMERS.items():
            s.add(Customer(customer_id=cid, name=name))
            s.add(Contract(contract_id=f"HT-{cid}", customer_id=cid, owner_id="U1", amount=1, payment_terms_days=30))
        for n, (invoice_id, (cid, amount)) in enumerate(invoices.items()):
            s.add(Invoice(invoice_id=invoice_id, contract_id=f"HT-{cid}", amount=Decimal(amount), status="issued",
                          paid_amount=Decimal("0.00"), issued_at=T0 + timedelta(minutes=n)))
        add_lines(s, lines)
        for claim_id, invoice_id, amount, day, status in claims:
            s.add(PaymentClaim(claim_id=claim_id, invoice_id=invoice_id, owner_id="U1", amount=Decimal(amount),
                               submitted_at=T0 + timedelta(days=day), status=status))


def add_lines(session, lines) -> None:
    for txn, day, amount, payer, memo in lines:
        session.add(BankTransaction(txn_id=txn, booked_at=T0 + timedelta(days=day), amount=Decimal(amount),
                                    payer_name=payer, memo=memo, direction="in"))


def applied(report) -> dict[tuple[str, str], tuple[str, str]]:
    return {(m.txn_id, m.invoice_id): (str(m.amount), m.rule) for m in report.applied}


def invoice(engine, invoice_id: str) -> Invoice:
    with session_scope(engine) as s:
        return s.get(Invoice, invoice_id)


# ---------------------------------------------------------------- payment claims


def test_a_claim_names_the_invoice_a_third_company_paid(engine):
    # A round amount from a payer nobody knows says nothing by itself; the rep's claim, filed the next day, does.
    ledger(engine, {"I1": ("C1", "5000.00"), "I2": ("C2", "8800.00"), "I3": ("C1", "6600.00")},
           [("T1", 10, "8800.00", THIRD_PARTY, "往来款"), ("T2", 10, "6600.00", "浙江某某实业有限公司", None)],
           [("CLM-1", "I2", "8800.00", 11, "finance_review"),
            ("CLM-2", "I3", "6600.00", 18, "finance_review")])  # a week later: too loose a tie, a reviewer decides
    report = reconcile(engine, AS_OF)
    assert applied(report) == {("T1", "I2"): ("8800.00", "claim_third_party")}
    assert report.applied[0].confidence >= 0.9
    assert invoice(engine, "I2").status == "paid" and invoice(engine, "I1").status == "issued"
    queue = review_queue(engine)
    assert list(zip(queue["txn_id"], queue["invoice_id"], queue["rule"])) == [("T2", "I3", "claim_third_party")]
    with session_scope(engine) as s:
        note = s.scalar(select(AuditLog.note).where(AuditLog.entity_id == "I2",
                                                    AuditLog.action == "invoice.payment_applied"))
    assert "CLM-1" in note  # the audit says which claim the match rests on


def test_a_claim_less_a_bank_fee_settles_the_invoice(engine):
    ledger(engine, {"I1": ("C1", "20000.00"), "I2": ("C1", "30000.00"), "I3": ("C2", "12345.00")},
           [("T1", 10, "19985.00", "上海某某贸易", None), ("T2", 10, "12335.00", THIRD_PARTY, None)],
           [("CLM-1", "I1", "20000.00", 12, "confirmed"), ("CLM-2", "I3", "12345.00", 11, "finance_review")])
    assert applied(reconcile(engine, AS_OF)) == {("T1", "I1"): ("20000.00", "claim_fee"),
                                                 ("T2", "I3"): ("12345.00", "claim_third_party_fee")}
    stored = invoice(engine, "I1")
    assert stored.status == "paid" and stored.paid_amount == Decimal("20000.00")  # the 15.00 fee written off


def test_two_lines_that_fit_one_claim_go_to_review(engine):
    ledger(engine, {"I1": ("C1", "20000.00"), "I2": ("C1", "31000.00")},
           [("T1", 10, "20000.00", THIRD_PARTY, None), ("T2", 11, "20000.00", "李四", None)],
           [("CLM-1", "I1", "20000.00", 12, "finance_review")])
    report = reconcile(engine, AS_OF)
    assert report.applied == [] and report.queued == 2
    queue = review_queue(engine)
    assert set(queue.loc[queue["rule"] == "claim_third_party", "txn_id"]) == {"T1", "T2"}
    assert (queue["confidence"] < 0.9).all()


def test_claims_out_of_the_window_rejected_or_already_applied_are_no_evidence(engine):
    ledger(engine, {"I1": ("C1", "7000.00"), "I2": ("C1", "5000.00"), "I3": ("C2", "6000.00")},
           [("T1", 10, "7000.00", THIRD_PARTY, None), ("T2", 10, "5000.00", THIRD_PARTY, None),
            ("T3", 10, "6000.00", THIRD_PARTY, None)],
           [("CLM-1", "I1", "7000.00", 50, "finance_review"),  # 40 days after the line: another payment
            ("CLM-2", "I2", "5000.00", 11, "rejected"),
            ("CLM-3", "I3", "6000.00", 11, "confirmed")])
    with session_scope(engine) as s:  # a confirmation applied in salesnb already paid what it claimed
        stored = s.get(Invoice, "I3")
        stored.paid_amount, stored.status = Decimal("6000.00") - Decimal("1000.00"), "partially_paid"
    report = reconcile(engine, AS_OF + timedelta(days=20))
    assert not [m for m in report.applied if m.rule.startswith("claim")]


def test_one_transfer_for_several_claimed_invoices(engine):
    ledger(engine, {"I1": ("C1", "1200.00"), "I2": ("C1", "3400.00"), "I3": ("C1", "5600.00")},
           [("T1", 10, "4580.00", THIRD_PARTY, "货款")],
           [("CLM-1", "I1", "1200.00", 11, "confirmed"), ("CLM-2", "I2", "3400.00", 12, "finance_review")])
    rule = "claim_split_invoices_third_party_fee"
    assert applied(reconcile(engine, AS_OF)) == {("T1", "I1"): ("1200.00", rule), ("T1", "I2"): ("3400.00", rule)}


def test_claimed_invoices_and_the_one_unclaimed_rest(engine):
    # 1,000 + 2,000 could also be 1,500 + 1,500: the names alone cannot split it, the claim on I2 can.
    ledger(engine, {"I1": ("C1", "1000.00"), "I2": ("C1", "2000.00"), "I3": ("C1", "1500.00"),
                    "I4": ("C1", "1500.00")},
           [("T1", 10, "3000.00", "上海某某贸易", None)],
           [("CLM-2", "I2", "2000.00", 11, "finance_review")])
    assert applied(reconcile(engine, AS_OF)) == {("T1", "I1"): ("1000.00", "claim_split_rest"),
                                                 ("T1", "I2"): ("2000.00", "claim_split_rest")}


def test_a_third_company_pays_claimed_invoices_and_one_more(engine):
    # The claims of I1 and I2 (filed the next day) and the one unclaimed I3 make exactly the transfer.
    ledger(engine, {"I1": ("C1", "1200.00"), "I2": ("C1", "3400.00"), "I3": ("C1", "777.00"),
                    "I4": ("C1", "888.00")},
           [("T1", 10, "5377.00", THIRD_PARTY, "货款")],
           [("CLM-1", "I1", "1200.00", 11, "confirmed"), ("CLM-2", "I2", "3400.00", 11, "finance_review")])
    rule = "claim_split_rest_third_party"
    assert applied(reconcile(engine, AS_OF)) == {("T1", "I1"): ("1200.00", rule), ("T1", "I2"): ("3400.00", rule),
                                                 ("T1", "I3"): ("777.00", rule)}



@pytest.mark.parametrize("other", ["5382.00", "5377.00"])
def test_claimed_invoices_and_one_more_go_to_review_when_another_invoice_is_the_transfer_whole(engine, other):
    # I1 + I2 (claimed) + I3 make the transfer; so does C2's X1 alone, less a 5-yuan fee (or to the cent)
    ledger(engine, {"I1": ("C1", "1200.00"), "I2": ("C1", "3400.00"), "I3": ("C1", "777.00"),
                    "I4": ("C1", "888.00"), "X1": ("C2", other)},
           [("T1", 10, "5377.00", THIRD_PARTY, "货款")],
           [("CLM-1", "I1", "1200.00", 11, "confirmed"), ("CLM-2", "I2", "3400.00", 11, "finance_review")])
    report = reconcile(engine, AS_OF)
    assert not {m.invoice_id for m in report.applied} & {"I1", "I2", "I3"}
    if other == "5382.00":
        assert report.applied == [] and "I3" in set(review_queue(engine)["invoice_id"])

def test_several_transfers_of_one_payer_make_one_claim(engine):
    ledger(engine, {"I1": ("C1", "9876.54"), "I2": ("C2", "4321.00")},
           [("T1", 10, "4000.00", THIRD_PARTY, None), ("T2", 14, "5876.54", THIRD_PARTY, None)],
           [("CLM-1", "I1", "9876.54", 11, "finance_review")])
    rule = "claim_split_payments_third_party"
    assert applied(reconcile(engine, AS_OF)) == {("T1", "I1"): ("4000.00", rule), ("T2", "I1"): ("5876.54", rule)}
    assert invoice(engine, "I1").status == "paid"


# ---------------------------------------------------------------- payer history


def test_a_payer_name_that_paid_a_customer_before_identifies_it_later(engine):
    ledger(engine, {"INV-01": ("C1", "1111.00"), "INV-02": ("C1", "2222.00"), "INV-03": ("C2", "2222.00")},
           [("T1", 5, "1111.00", THIRD_PARTY, "付INV-01")])
    assert applied(reconcile(engine, T0 + timedelta(days=6))) == {("T1", "INV-01"): ("1111.00", "reference")}
    with session_scope(engine) as s:  # next month's statement: the same company pays again, no memo
        add_lines(s, [("T2", 20, "2222.00", THIRD_PARTY, None)])
    assert applied(reconcile(engine, AS_OF)) == {("T2", "INV-02"): ("2222.00", "amount_name")}


def test_a_payer_name_seen_for_two_customers_identifies_neither(engine):
    ledger(engine, {"INV-01": ("C1", "1111.00"), "INV-02": ("C2", "1212.00"), "INV-03": ("C1", "2222.00"),
                    "INV-04": ("C2", "2222.00")},
           [("T1", 5, "1111.00", THIRD_PARTY, "付INV-01"), ("T2", 5, "1212.00", THIRD_PARTY, "付INV-02"),
            ("T3", 20, "2222.00", THIRD_PARTY, None)])
    report = reconcile(engine, AS_OF)
    assert {m.txn_id for m in report.applied} == {"T1", "T2"} and report.queued == 1


def test_a_group_company_with_a_long_place_name_is_found(engine):
    ledger(engine, {"I1": ("C3", "4567.89")}, [("T1", 10, "4567.89", "呼和浩特方诚集团有限公司", None)])
    assert applied(reconcile(engine, AS_OF)) == {("T1", "I1"): ("4567.89", "amount_name")}


# ---------------------------------------------------------------- part payments


def test_the_second_instalment_is_a_share_of_the_whole_invoice(engine):
    ledger(engine, {"I1": ("C1", "10000.00"), "I2": ("C1", "2777.77")},
           [("T1", 10, "3000.00", "上海某某贸易", None), ("T2", 20, "3000.00", "上海某某贸易", None)])
    # 3,000 is not a usual share of the 7,000 left after the first: it is 30 % of the invoice.  (I2 is smaller
    # than the line: a round sum could be money on account of a larger invoice.)
    assert applied(reconcile(engine, AS_OF)) == {("T1", "I1"): ("3000.00", "percentage"),
                                                 ("T2", "I1"): ("3000.00", "percentage")}
    assert invoice(engine, "I1").paid_amount == Decimal("6000.00")


def test_a_part_payment_for_the_customers_only_open_invoice(engine):
    ledger(engine, {"I1": ("C1", "12345.67"), "I2": ("C2", "999.00"), "I3": ("C2", "888.00")},
           [("T1", 10, "5000.00", "上海某某贸易有限公司", "货款"),
            ("T2", 10, "500.00", "杭州远大机械有限公司", "货款"),  # two open invoices it fits: a reviewer decides
            ("T3", 11, "6000.00", "上海某某贸易有限公司", "预付款")])  # a deposit is never applied by itself
    report = reconcile(engine, AS_OF)
    assert applied(report) == {("T1", "I1"): ("5000.00", "sole_invoice")}
    assert invoice(engine, "I1").status == "partially_paid"
    assert set(review_queue(engine)["txn_id"]) == {"T2", "T3"}


def test_an_instalment_of_the_claimed_invoice(engine):
    # 3,000 is 30 % of I1 and 20 % of I2: the share alone cannot say which; the claim on I2 can.
    ledger(engine, {"I1": ("C1", "10000.00"), "I2": ("C1", "15000.00")},
           [("T1", 10, "3000.00", "上海某某贸易", None)], [("CLM-2", "I2", "15000.00", 11, "finance_review")])
    assert applied(reconcile(engine, AS_OF)) == {("T1", "I2"): ("3000.00", "claim_percentage")}


def test_an_invoice_issued_after_the_line_does_not_make_another_sole(engine):
    ledger(engine, {"I1": ("C1", "12345.67")}, [("T1", 10, "5000.00", "上海某某贸易有限公司", "货款")])
    with session_scope(engine) as s:  # issued two days after the transfer: within the window, but not its invoice
        s.add(Invoice(invoice_id="I2", contract_id="HT-C1", amount=Decimal("9000.00"), status="issued",
                      paid_amount=Decimal("0.00"), issued_at=T0 + timedelta(days=12)))
    assert applied(reconcile(engine, AS_OF)) == {("T1", "I1"): ("5000.00", "sole_invoice")}


def test_refunds_tax_refunds_and_interest_pay_no_invoice(engine):
    ledger(engine, {"I1": ("C1", "1234.56"), "I2": ("C2", "2345.67")},
           [("T1", 10, "1234.56", "上海某某贸易有限公司", "退款"), ("T2", 10, "2345.67", "杭州远大机械", "退税"),
            ("T3", 10, "1000.00", "上海某某贸易有限公司", "利息")],
           [("CLM-1", "I1", "1234.56", 11, "finance_review")])
    report = reconcile(engine, AS_OF)
    assert report.applied == [] and report.queued == 3


def test_finance_confirms_a_claim_reconciliation_already_used(english, engine):
    ledger(engine, {"I1": ("C1", "8800.00"), "I2": ("C1", "3000.00")}, [("T1", 10, "8800.00", THIRD_PARTY, None)],
           [("CLM-1", "I1", "8800.00", 11, "finance_review")])
    assert applied(reconcile(engine, AS_OF)) == {("T1", "I1"): ("8800.00", "claim_third_party")}
    with session_scope(engine) as s:  # naming the line reconciliation used confirms without paying twice
        confirm_claim(s, "CLM-1", actor="F1", at=AS_OF, txn_id="T1")
    with session_scope(engine) as s:
        assert s.get(PaymentClaim, "CLM-1").status == "confirmed"
        assert s.get(Invoice, "I1").paid_amount == Decimal("8800.00")
        s.add(PaymentClaim(claim_id="CLM-2", invoice_id="I2", owner_id="U1", amount=Decimal("3000.00"),
                           submitted_at=AS_OF, status="finance_review"))
    with session_scope(engine) as s, pytest.raises(SalesnbError, match="already matched"):
        confirm_claim(s, "CLM-2", actor="F1", at=AS_OF, txn_id="T1")  # the line paid another invoice


def test_payer_history_folds_names_without_changing_what_it_was_given():
    from salesnb.receivables.evidence import Line, payer_history, payer_keys

    accounts = {"6222": {"C1"}}
    names = {"上海某某贸易有限公司": {"C1"}, "上海某某贸易": {"C2"}, "某某（上海）贸易有限公司": {"C3"},
             "张三": {"C4"}, "杭州另一家有限公司": {"C5"}}
    before = {k: set(v) for k, v in names.items()}
    history = payer_history(accounts, names)
    assert names == before and accounts == {"6222": {"C1"}}  # the arguments' sets are shared, never changed
    line = Line("T1", 100, 0.0, "上海某某贸易有限公司", "6222", "")
    assert [history[key] for key in payer_keys(line)] == [{"C1"}, {"C1", "C2", "C3"}]
    assert "" not in history and len(history) == 3  # a private person's name is never a payer key


# ---------------------------------------------------------------- money from a payer this company pays


@pytest.mark.parametrize("dry_run", [False, True])
def test_money_from_a_supplier_is_never_placed_by_its_amount_alone(engine, dry_run):
    # We paid 上海申通物流 for freight; its 16,587.00 back is a refund, however unusual the amount and though one
    # open invoice has it.  Another company nobody knows paying an unusual unique amount still pays that invoice.
    supplier = "上海申通物流有限公司"
    ledger(engine, {"I1": ("C1", "16587.00"), "I2": ("C2", "23456.78")},
           [("T1", 12, "16587.00", supplier, "往来款"), ("T2", 12, "23456.78", "浙江某某实业有限公司", None)])
    with session_scope(engine) as s:
        s.add(BankTransaction(txn_id="OUT1", booked_at=T0 + timedelta(days=3), amount=Decimal("8800.00"),
                              payer_name="上海申通物流有限公司", memo="运费", direction="out"))
    assert applied(reconcile(engine, AS_OF, dry_run=dry_run)) == {("T2", "I2"): ("23456.78", "amount_unique")}
