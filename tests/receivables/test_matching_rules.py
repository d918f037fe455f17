"""Each matching rule on its own, with the pure matcher (no database): what it applies and what it leaves."""

from __future__ import annotations

import random

import pytest

from salesnb.receivables.matching import Line, OpenInvoice, plan_matches

DAY = 86_400.0
T0 = 1_767_225_600.0  # 2026-01-01
NAMES = {"C1": "上海某某贸易有限公司", "C2": "杭州远大机械有限公司", "C3": "杭州远大机电有限公司"}


def inv(invoice_id, cents, customer="C1", contract="HT-001", day=0):
    return OpenInvoice(invoice_id, cents, T0 + day * DAY, customer, contract)


def line(txn_id, cents, payer="上海某某贸易", memo=None, day=20, account=None):
    return Line(txn_id, cents, T0 + day * DAY, payer, account, memo)


def applied(plan):
    return {(p.txn_id, p.invoice_id): (p.amount, p.rule) for p in plan.applied}


def test_reference_with_a_fee_settles_the_invoice():
    plan = plan_matches([line("T1", 99_000 - 1_500, payer="张三", memo="付INV-0009款")],
                        [inv("INV-0009", 99_000)], NAMES)
    assert applied(plan) == {("T1", "INV-0009"): (99_000, "reference_fee")}


def test_reference_partial_and_then_the_rest():
    plan = plan_matches([line("T1", 30_000, memo="INV0009 首期"), line("T2", 70_000, memo="INV-0009 尾款", day=25)],
                        [inv("INV-0009", 100_000)], NAMES)
    assert applied(plan) == {("T1", "INV-0009"): (30_000, "reference_partial"),
                             ("T2", "INV-0009"): (70_000, "reference")}


def test_reference_to_a_contract_picks_the_invoice_with_that_amount():
    invoices = [inv("I1", 50_000, contract="HT-2026-7"), inv("I2", 80_000, contract="HT-2026-7")]
    plan = plan_matches([line("T1", 80_000, payer=None, memo="合同HT2026-7货款")], invoices, NAMES)
    assert applied(plan) == {("T1", "I2"): (80_000, "reference")}


def test_an_overpaid_reference_goes_to_review():
    plan = plan_matches([line("T1", 120_000, memo="INV-0009")], [inv("INV-0009", 100_000)], NAMES)
    assert plan.applied == [] and [(p.invoice_id, p.rule) for p in plan.candidates] == [("INV-0009", "reference_overpaid")]


def test_split_invoices_with_a_fee():
    invoices = [inv("I1", 100_000), inv("I2", 250_000), inv("I3", 999_999)]
    plan = plan_matches([line("T1", 350_000 - 2_000)], invoices, NAMES)
    assert applied(plan) == {("T1", "I1"): (100_000, "split_invoices_fee"), ("T1", "I2"): (250_000, "split_invoices_fee")}


def test_split_payments_with_fees_on_each_part():
    lines = [line("T1", 300_000 - 1_000, day=10), line("T2", 700_000 - 500, day=20)]
    plan = plan_matches(lines, [inv("I1", 1_000_000), inv("I2", 444_444)], NAMES)
    assert applied(plan) == {("T1", "I1"): (299_000, "split_payments_fee"), ("T2", "I1"): (701_000, "split_payments_fee")}


def test_ambiguous_same_amount_between_two_customers_goes_to_review():
    names = {"C2": "杭州远大机械有限公司", "C3": "杭州远大机械股份有限公司"}  # the same name twice
    invoices = [inv("I1", 5_000, customer="C2"), inv("I2", 5_000, customer="C3")]
    plan = plan_matches([line("T1", 5_000, payer="杭州远大机械")], invoices, names)
    assert plan.applied == [] and {p.invoice_id for p in plan.candidates} == {"I1", "I2"}


def test_similar_but_different_company_is_not_applied():
    plan = plan_matches([line("T1", 5_000, payer="杭州远大机电")], [inv("I1", 5_000, customer="C2")], NAMES)
    assert plan.applied == []


def test_outside_the_date_window_nothing_is_applied():
    plan = plan_matches([line("T1", 5_000, day=-30)], [inv("I1", 5_000)], NAMES)
    assert plan.applied == [] and plan.unmatched == ["T1"]


def test_a_deposit_is_never_applied_automatically():
    plan = plan_matches([line("T1", 5_000, memo="订金")], [inv("I1", 5_000)], NAMES)
    assert plan.applied == [] and [p.invoice_id for p in plan.candidates] == ["I1"]


def test_a_known_account_names_a_payer_the_bank_wrote_badly():
    lines = [line("T1", 5_000, payer="上海某某贸易", account="6222"), line("T2", 7_000, payer="SMMY", account="6222")]
    plan = plan_matches(lines, [inv("I1", 5_000), inv("I2", 7_000)], NAMES)
    assert applied(plan) == {("T1", "I1"): (5_000, "amount_name"), ("T2", "I2"): (7_000, "amount_name")}


@pytest.mark.parametrize(("cents", "rule"), [(300_000, "percentage"), (300_000 - 1_000, "percentage")])
def test_usual_share_of_exactly_one_invoice(cents, rule):
    # I2 is smaller than the line: 3,000 cannot be money on account of it (see test_reconcile_precision).
    plan = plan_matches([line("T1", cents)], [inv("I1", 1_000_000), inv("I2", 277_777)], NAMES)
    assert applied(plan) == {("T1", "I1"): (cents, rule)}


def test_unique_unusual_amount_from_an_unknown_payer():
    invoices = [inv("I1", 876_543), inv("I2", 500_000, customer="C2")]
    plan = plan_matches([line("T1", 876_543, payer="江苏某某供应链管理有限公司"), line("T2", 500_000, payer="李四")],
                        invoices, NAMES)
    assert applied(plan) == {("T1", "I1"): (876_543, "amount_unique")}  # 5,000.00 is too round to say anything
    assert [p.rule for p in plan.candidates] == ["amount_only"]


def test_four_invoices_less_a_fee_among_many_open_ones():
    amounts = random.Random(5).sample(range(100_000, 90_000_000), 20)  # more than a small set
    invoices = [inv(f"I{n:02d}", cents) for n, cents in enumerate(amounts)]
    paid = ["I03", "I07", "I11", "I16"]
    total = sum(i.outstanding for i in invoices if i.invoice_id in paid)
    plan = plan_matches([line("T1", total - 2_500)], invoices, NAMES)
    assert {i for _, i in applied(plan)} == set(paid)
    assert {rule for _, rule in applied(plan).values()} == {"split_invoices_fee"}



def test_three_invoices_less_a_fee_among_more_than_forty_go_to_review():
    # Among more than 40 open invoices sets of four are not searched: a set of three making the line less a
    # bank fee may be a coincidence beside the four the transfer really paid.
    amounts = random.Random(7).sample(range(100_000, 90_000_000), 45)
    invoices = [inv(f"I{n:02d}", cents) for n, cents in enumerate(amounts)]
    paid = ["I03", "I07", "I11"]
    total = sum(i.outstanding for i in invoices if i.invoice_id in paid)
    plan = plan_matches([line("T1", total - 1_000)], invoices[:40], NAMES)
    assert {i for _, i in applied(plan)} == set(paid)  # forty: sets of four were searched too
    plan = plan_matches([line("T1", total - 1_000)], invoices, NAMES)
    assert plan.applied == []
    assert {p.invoice_id for p in plan.candidates if p.rule == "split_invoices_fee"} == set(paid)

def test_a_rule_that_picks_none_of_the_invoices_the_memo_names_goes_to_review():
    # The memo names INV-0001 and INV-0002 (70,000 left together: one of them was part-paid); 55,000 + 45,000
    # of two other invoices make the line's 100,000 exactly — a coincidence the memo contradicts.
    invoices = [inv("INV-0001", 40_000), inv("INV-0002", 30_000), inv("I3", 55_000), inv("I4", 45_000)]
    plan = plan_matches([line("T1", 100_000, memo="发票INV-0001/INV-0002")], invoices, NAMES)
    assert plan.applied == []
    assert {p.invoice_id for p in plan.candidates} >= {"I3", "I4"}
    assert all(p.confidence < 0.9 for p in plan.candidates)


def test_a_rule_that_picks_an_invoice_the_memo_names_is_applied():
    invoices = [inv("INV-0001", 40_000), inv("I3", 60_000)]
    plan = plan_matches([line("T1", 100_000, memo="发票INV-0001")], invoices, NAMES)
    assert applied(plan) == {("T1", "INV-0001"): (40_000, "split_invoices"), ("T1", "I3"): (60_000, "split_invoices")}


def test_an_exact_split_goes_to_review_when_other_invoices_make_the_transfer_less_a_bank_fee():
    # 60,000 + 40,000 is the line's 100,000 exactly; 55,000 + 45,010 is it plus a 10-yuan fee.
    invoices = [inv("A", 6_000_000), inv("B", 4_000_000), inv("C", 5_500_000), inv("D", 4_501_000)]
    plan = plan_matches([line("T1", 10_000_000)], invoices, NAMES)
    assert plan.applied == [] and {p.invoice_id for p in plan.candidates} >= {"A", "B"}
    plan = plan_matches([line("T1", 10_000_000)], invoices[:2] + invoices[2:3], NAMES)
    assert applied(plan) == {("T1", "A"): (6_000_000, "split_invoices"), ("T1", "B"): (4_000_000, "split_invoices")}


def test_a_split_payment_goes_to_review_whole_when_one_part_names_another_invoice():
    # 30,000 + 70,000 pay I1's 100,000; the second memo names INV-0002, which the line overpays: no part
    # of the split may be applied alone.
    invoices = [inv("I1", 10_000_000), inv("INV-0002", 5_000_000, day=5)]
    lines = [line("T1", 3_000_000, day=20), line("T2", 7_000_000, memo="INV-0002货款", day=22)]
    plan = plan_matches(lines, invoices, NAMES)
    assert plan.applied == []
    assert {(p.txn_id, p.invoice_id) for p in plan.candidates} >= {("T1", "I1"), ("T2", "I1")}


def test_an_invoice_a_reviewer_ruled_out_is_not_named_by_the_memo():
    invoices = [inv("INV-0001", 40_000), inv("INV-0002", 30_000), inv("I3", 55_000), inv("I4", 45_000)]
    excluded = [("T1", "INV-0001"), ("T1", "INV-0002")]
    plan = plan_matches([line("T1", 100_000, memo="发票INV-0001/INV-0002")], invoices, NAMES, excluded=excluded)
    assert applied(plan) == {("T1", "I3"): (55_000, "split_invoices"), ("T1", "I4"): (45_000, "split_invoices")}


def test_a_date_in_the_memo_names_no_invoice():
    # "2026年11月" reads as the key 202611, an invoice number of this store: too short to name it.
    invoices = [inv("202611", 10_000), inv("I2", 12_345)]
    plan = plan_matches([line("T1", 12_345, memo="2026年11月货款")], invoices, NAMES)
    assert applied(plan) == {("T1", "I2"): (12_345, "amount_name")}
