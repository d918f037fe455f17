"""A payer named like several customers, and transfers for several invoices some of which reps claimed: each
rule places its case, and a neighbour with a second reading still goes to review (pure matcher)."""

from __future__ import annotations

from salesnb.receivables.matching import Claim, Line, OpenInvoice, plan_matches

DAY = 86_400.0
T0 = 1_767_225_600.0  # 2026-01-01
NAMES = {"A": "郑州佳瑞机电有限公司", "B": "郑州佳瑞LED照明有限公司", "X": "成都蓉城电气有限公司"}
GROUP = "郑州佳瑞集团有限公司"  # named like A and B alike
THIRD = "江苏某某供应链管理有限公司"  # pays on a customer's behalf: its name says nothing


def inv(invoice_id, cents, customer="A", day=0):
    return OpenInvoice(invoice_id, cents, T0 + day * DAY, customer, f"HT-{invoice_id}")


def line(cents, payer, day=20, txn="T1"):
    return Line(txn, cents, T0 + day * DAY, payer, None, "货款")


def claim(invoice_id, cents, day, claim_id="K1"):
    return Claim(claim_id, invoice_id, cents, T0 + day * DAY)


def applied(plan):
    return {(p.invoice_id, p.rule) for p in plan.applied}


# --------------------------------------------------------------- a group company named like two customers

def test_a_group_pays_the_namesake_whose_invoices_make_the_transfer():
    invoices = [inv("A1", 105_190_000), inv("A2", 144_243_000), inv("B1", 30_000_000, "B")]
    plan = plan_matches([line(249_433_000, GROUP)], invoices, NAMES)
    assert applied(plan) == {("A1", "split_invoices"), ("A2", "split_invoices")}


def test_a_group_goes_to_review_when_the_other_namesake_reads_the_transfer_too():
    # B's invoice is the transfer plus a bank fee: the group may have paid that one
    invoices = [inv("A1", 105_190_000), inv("A2", 144_243_000), inv("B1", 249_434_000, "B")]
    plan = plan_matches([line(249_433_000, GROUP)], invoices, NAMES)
    assert plan.applied == []
    assert {"A1", "A2", "B1"} & {p.invoice_id for p in plan.candidates}


def test_a_group_settles_the_one_namesake_invoice_it_pays_less_a_fee():
    invoices = [inv("A1", 580_118_200), inv("B1", 12_345_600, "B")]
    plan = plan_matches([line(580_117_200, GROUP)], invoices, NAMES)
    assert applied(plan) == {("A1", "fee")}
    # B's larger invoice: 5,801,172 is no usual part of it (nor a round sum), A's reading is exact
    invoices = [inv("A1", 580_118_200), inv("B1", 900_000_000, "B")]
    plan = plan_matches([line(580_117_200, GROUP)], invoices, NAMES)
    assert applied(plan) == {("A1", "fee")}
    plan = plan_matches([line(290_000_000, GROUP)], [inv("A1", 290_010_000), inv("B1", 580_000_000, "B")], NAMES)
    assert plan.applied == []  # 2,900,000 is half of B1 as well


def test_a_group_goes_to_review_when_the_other_namesake_has_invoices_making_the_line():
    # five of B's invoices add up to the line exactly; A's is the line plus a bank fee
    b = [inv(f"B{k}", cents, "B") for k, cents in enumerate((10_000_000, 20_000_000, 30_000_000, 40_000_000,
                                                             12_345_600))]
    plan = plan_matches([line(112_345_600, GROUP)], [inv("A1", 112_346_600), *b], NAMES)
    assert plan.applied == []


def test_a_claim_decides_between_namesakes_and_other_customers_amounts_are_no_rivals():
    invoices = [inv("A1", 100_200_000), inv("A2", 230_230_800), inv("X1", 100_200_000, "X")]
    plan = plan_matches([line(100_198_500, GROUP)], invoices, NAMES, claims=[claim("A1", 100_200_000, 22)])
    assert applied(plan) == {("A1", "claim_third_party_fee")}
    # the other namesake owing the same amount is a rival: review
    invoices = [inv("A1", 100_200_000), inv("B1", 100_200_000, "B")]
    plan = plan_matches([line(100_198_500, GROUP)], invoices, NAMES, claims=[claim("A1", 100_200_000, 22)])
    assert plan.applied == []


# --------------------------------------------------------------- claims and the rest of a transfer

def test_claims_name_part_of_a_transfer_and_one_pair_of_open_invoices_makes_the_rest():
    # I1 + I2 + I3 = I3 + I4: two subsets make the transfer; the rep's claim on I1 says which
    invoices = [inv("I1", 10_000_000), inv("I2", 3_751_234), inv("I3", 6_248_766), inv("I4", 13_751_234)]
    lines = [line(20_000_000, "上海某某贸易有限公司")]
    names = {**NAMES, "A": "上海某某贸易有限公司"}
    plan = plan_matches(lines, invoices, names, claims=[claim("I1", 10_000_000, 21)])
    assert applied(plan) == {("I1", "claim_split_rest"), ("I2", "claim_split_rest"), ("I3", "claim_split_rest")}


def test_claims_and_two_pairs_that_make_the_rest_go_to_review():
    invoices = [inv("I1", 10_000_000), inv("I2", 3_751_234), inv("I3", 6_248_766), inv("I4", 13_751_234),
                inv("I5", 5_000_000), inv("I6", 5_000_000)]
    names = {**NAMES, "A": "上海某某贸易有限公司"}
    plan = plan_matches([line(20_000_000, "上海某某贸易有限公司")], invoices, names,
                        claims=[claim("I1", 10_000_000, 21)])
    assert plan.applied == []


def test_a_third_company_pays_claimed_invoices_and_a_pair_more_of_that_customer():
    invoices = [inv("I1", 135_363_500), inv("I2", 72_345_678), inv("I3", 59_499_522), inv("I9", 98_765_400)]
    plan = plan_matches([line(267_208_700, THIRD)], invoices, NAMES, claims=[claim("I1", 135_363_500, 21)])
    assert applied(plan) == {("I1", "claim_split_rest_third_party"), ("I2", "claim_split_rest_third_party"),
                             ("I3", "claim_split_rest_third_party")}


def test_a_third_companys_transfer_waits_for_review_when_the_claim_came_long_after_it():
    invoices = [inv("I1", 135_363_500), inv("I2", 72_345_678), inv("I3", 59_499_522), inv("I9", 98_765_400)]
    plan = plan_matches([line(267_208_700, THIRD)], invoices, NAMES, claims=[claim("I1", 135_363_500, 26)])
    assert plan.applied == []


def test_a_round_third_party_transfer_is_no_fingerprint_of_claimed_invoices_and_a_pair():
    invoices = [inv("I1", 100_000_000), inv("I2", 70_000_000), inv("I3", 30_000_000)]
    plan = plan_matches([line(200_000_000, THIRD)], invoices, NAMES, claims=[claim("I1", 100_000_000, 21)])
    assert plan.applied == []


# --------------------------------------------------------------- rivals of a third company's claimed payment

def test_an_invoice_issued_after_a_third_companys_payment_is_no_rival_of_the_claimed_one():
    invoices = [inv("I1", 123_456_700, day=0), inv("X1", 123_456_700, "X", day=24)]
    plan = plan_matches([line(123_456_700, THIRD)], invoices, NAMES, claims=[claim("I1", 123_456_700, 21)])
    assert applied(plan) == {("I1", "claim_third_party")}


def test_an_invoice_issued_before_the_payment_with_its_amount_sends_it_to_review():
    invoices = [inv("I1", 123_456_700, day=0), inv("X1", 123_456_700, "X", day=15)]
    plan = plan_matches([line(123_456_700, THIRD)], invoices, NAMES, claims=[claim("I1", 123_456_700, 21)])
    assert plan.applied == []
    assert {p.invoice_id for p in plan.candidates} >= {"I1", "X1"}



def test_an_invoice_the_line_pays_less_a_bank_fee_is_a_rival_of_the_claimed_one():
    # 5,821.80 from a company nobody knows: the claimed I1 to the cent, or X1 less a 20-yuan fee
    invoices = [inv("I1", 58_218_000, day=0), inv("X1", 58_220_000, "X", day=5)]
    plan = plan_matches([line(58_218_000, THIRD)], invoices, NAMES, claims=[claim("I1", 58_218_000, 21)])
    assert plan.applied == []
    assert "I1" in {p.invoice_id for p in plan.candidates}


def test_claims_and_a_rest_that_are_as_well_an_instalment_of_another_invoice_go_to_review():
    # 350,600 is the claimed I1 and the unclaimed I2 to the cent, and 30 % of I3 rounded to 100 yuan
    invoices = [inv("I1", 19_152_000), inv("I2", 15_908_000), inv("I3", 116_855_200)]
    plan = plan_matches([line(35_060_000, NAMES["A"])], invoices, NAMES, claims=[claim("I1", 19_152_000, 21)])
    assert plan.applied == []
    assert {"I1", "I2"} <= {p.invoice_id for p in plan.candidates}

def test_claims_and_a_rest_that_other_invoices_make_as_well_go_to_review():
    # the transfer is I1 (claimed) + I2 + I3 + I4; I5 alone is what I2 + I3 + I4 come to: the claim names
    # only I1, and the rest has two readings
    invoices = [inv("I1", 10_000_000), inv("I2", 1_111_100), inv("I3", 2_222_200), inv("I4", 3_333_300),
                inv("I5", 6_666_600)]
    names = {**NAMES, "A": "上海某某贸易有限公司"}
    plan = plan_matches([line(16_666_600, "上海某某贸易有限公司")], invoices, names,
                        claims=[claim("I1", 10_000_000, 21)])
    assert plan.applied == []
    assert "I1" in {p.invoice_id for p in plan.candidates}


def test_an_undated_claimed_invoice_leaves_a_later_invoice_of_the_amount_a_rival():
    invoices = [OpenInvoice("I1", 123_456_700, None, "A", "HT-I1"), inv("X1", 123_456_700, "X", day=24)]
    plan = plan_matches([line(123_456_700, THIRD)], invoices, NAMES, claims=[claim("I1", 123_456_700, 21)])
    assert plan.applied == []
