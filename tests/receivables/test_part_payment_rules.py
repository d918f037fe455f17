"""Part payments placed from a customer with several open invoices (pure matcher): the one invoice a part can
belong to (``sole_larger_invoice``) and the last instalment of a split (``rest_of_share``); each next to an
ambiguous variant that goes to review."""

from __future__ import annotations

from salesnb.receivables.evidence import part_of, rest_of_share
from salesnb.receivables.matching import Line, OpenInvoice, plan_matches

DAY = 86_400.0
T0 = 1_767_225_600.0  # 2026-01-01
NAMES = {"C1": "上海某某贸易有限公司", "C2": "杭州远大机械有限公司"}
PAYER = "上海某某贸易有限公司"


def inv(invoice_id, yuan, customer="C1", day=0):
    return OpenInvoice(invoice_id, round(yuan * 100), T0 + day * DAY, customer, f"HT-{invoice_id}", round(yuan * 100))


def line(txn_id, yuan, payer=PAYER, memo="货款", day=20):
    return Line(txn_id, round(yuan * 100), T0 + day * DAY, payer, None, memo)


def outcome(lines, invoices):
    plan = plan_matches(lines, invoices, NAMES)
    proposed: dict[str, set[str]] = {}
    for p in plan.candidates:
        proposed.setdefault(p.txn_id, set()).add(p.invoice_id)
    return {(p.txn_id, p.invoice_id, p.rule) for p in plan.applied}, proposed


# ---------------------------------------------------------------- the only open invoice a part fits in


def test_a_round_part_larger_than_every_other_open_invoice_goes_to_the_one_it_fits_in():
    # 45,000 on account: I2 and I3 are smaller than it, and no two of them make it.
    applied, _ = outcome([line("T1", 45_000)], [inv("I1", 100_000), inv("I2", 20_000), inv("I3", 15_000)])
    assert applied == {("T1", "I1", "sole_larger_invoice")}


def test_a_part_that_two_open_invoices_could_take_goes_to_review():
    applied, proposed = outcome([line("T1", 45_000)], [inv("I1", 100_000), inv("I2", 60_000), inv("I3", 15_000)])
    assert applied == set() and proposed["T1"] >= {"I1", "I2"}


def test_a_part_paid_before_a_larger_invoice_was_issued_goes_to_review():
    # I4, issued five days after the line, may be what the money was paid ahead of.
    invoices = [inv("I1", 100_000), inv("I2", 20_000), inv("I4", 80_000, day=25)]
    applied, proposed = outcome([line("T1", 45_000)], invoices)
    assert applied == set() and "I1" in proposed["T1"]


def test_an_amount_that_reads_as_no_part_of_the_larger_invoice_goes_to_review():
    # 45,123.45 is neither a round sum, nor a usual share of 100,000, nor what is left after one.
    applied, proposed = outcome([line("T1", 45_123.45)], [inv("I1", 100_000), inv("I2", 20_000)])
    assert applied == set() and "I1" in proposed["T1"]


def test_a_deposit_is_no_part_of_the_larger_invoice():
    applied, _ = outcome([line("T1", 45_000, memo="预付款")], [inv("I1", 100_000), inv("I2", 20_000)])
    assert applied == set()


# ---------------------------------------------------------------- the last instalment of a split


def test_rest_of_share_reads_the_complement_of_a_rounded_share():
    assert rest_of_share(32_006_800, 45_726_800)  # 457,268 − 137,200 (30 % rounded to 100 yuan)
    assert rest_of_share(32_006_800 - 2_000, 45_726_800)  # … less a 20-yuan bank fee
    assert not rest_of_share(32_000_000, 45_726_800)  # a round sum says nothing
    assert not rest_of_share(30_006_800, 45_726_800)  # 157,200 is no usual share of 457,268


def test_the_rest_after_a_rounded_share_of_one_invoice_is_applied_to_it():
    # 320,068 = 457,268 − 137,200: the 70 % after a 30 % instalment (which is not on this statement).
    invoices = [inv("I1", 457_268), inv("I2", 80_000), inv("I3", 990_000)]
    applied, _ = outcome([line("T1", 320_068)], invoices)
    assert applied == {("T1", "I1", "rest_of_share")}


def test_a_rest_after_a_share_of_two_invoices_goes_to_review():
    # 320,068 is as well 533,468 less 213,400 (40 % of it, rounded to 100 yuan).
    invoices = [inv("I1", 457_268), inv("I2", 80_000), inv("I3", 533_468)]
    applied, proposed = outcome([line("T1", 320_068)], invoices)
    assert applied == set() and proposed["T1"] >= {"I1", "I3"}


def test_a_rest_that_is_as_well_an_exact_share_of_another_invoice_goes_to_review():
    # 320,068 is exactly 50 % of I3: an instalment of I3 or the rest of I1.
    invoices = [inv("I1", 457_268), inv("I2", 80_000), inv("I3", 640_136)]
    applied, proposed = outcome([line("T1", 320_068)], invoices)
    assert applied == set() and proposed["T1"] >= {"I1", "I3"}


def test_a_rest_from_another_customers_name_is_not_placed():
    applied, _ = outcome([line("T1", 320_068, payer="杭州远大机械有限公司")], [inv("I1", 457_268), inv("I3", 990_000)])
    assert applied == set()



def test_a_part_that_another_invoice_has_left_exactly_goes_to_review():
    # I2 is part-paid down to exactly 308,000 by T1 (50 %, naming it) and T2 (20 % less a 30-yuan fee, found
    # in the same round as T3; T3 or T4 would make up I2 with it): T3, a round sum from an abbreviated name,
    # may be I2's missing 30 % as well as a part of I1.
    invoices = [inv("I1", 1_575_600), inv("I2", 1_026_570, day=1)]
    lines = [line("T1", 513_300, memo="HT-I2 第1笔", day=10), line("T3", 308_000, payer="某某贸易", day=15),
             line("T4", 308_000, payer="某某贸易", day=16),
             line("T2", 205_270, day=20)]
    applied, proposed = outcome(lines, invoices)
    assert applied == {("T1", "I2", "reference_partial"), ("T2", "I2", "percentage")}
    assert proposed["T3"] >= {"I1", "I2"}



def test_the_last_of_three_rounded_instalments_reads_as_a_part_of_its_invoice():
    # 607,200 in 30 % + 30 % + the rest: 182,200 twice (each rounded to 100 yuan) leaves 242,800
    assert part_of(24_280_000, 60_720_000, on_account=False)
    assert not part_of(24_250_000, 60_720_000, on_account=False)  # 300 yuan off: no rounding makes that


def test_a_usual_share_of_one_invoice_that_is_the_rest_of_another_goes_to_review():
    # 242,800 is 10 % of I1 rounded to 100 yuan, and what is left of I2 after two rounded 30 % instalments
    applied, proposed = outcome([line("T1", 242_800)], [inv("I1", 2_428_440), inv("I2", 607_200)])
    assert applied == set() and "I1" in proposed["T1"]
