"""A company nobody is named like pays a claimed invoice an unusual amount: registered in the claim's customer's
city (its name starts with it), it is tied to the claim more firmly than by time and amount alone (pure matcher)."""

from __future__ import annotations

from salesnb.receivables.matching import Claim, Line, OpenInvoice, plan_matches
from salesnb.receivables.names import NameIndex, cities, regions

DAY = 86_400.0
T0 = 1_767_225_600.0  # 2026-01-01
NAMES = {"A": "永和电子科技（成都）有限公司", "B": "北京恒远机械设备有限公司", "C": "成都蓉城电气有限公司",
         "N": "恒通机电设备有限公司", "P": "四川华丰机械有限公司", "K": "重庆远联建材有限公司成都分公司",
         "Q": "安康电气有限公司"}
LOCAL = "成都和永供应链管理有限公司"  # registered in Chengdu, like A (and C)
AWAY = "深圳和永供应链管理有限公司"  # registered elsewhere
NOWHERE = "和永供应链管理有限公司"  # its name names no place


def inv(invoice_id, cents, customer="A", day=0):
    return OpenInvoice(invoice_id, cents, T0 + day * DAY, customer, f"HT-{invoice_id}")


def line(cents, payer, day=20):
    return Line("T1", cents, T0 + day * DAY, payer, None, "货款")


def claim(invoice_id, cents, day=21, claim_id="K1"):
    return Claim(claim_id, invoice_id, cents, T0 + day * DAY)


def with_later(*claims):
    """The claims, and one filed well after the lines: the run sees claims of the days after them."""
    return [*claims, claim("N9", 1_111_100, day=30, claim_id="K9")]


LATER_INVOICE = inv("N9", 1_111_100, "N", day=28)


def applied(plan):
    return {(p.invoice_id, p.rule) for p in plan.applied}


def test_regions_read_the_place_a_name_starts_with_or_brackets():
    assert regions("永和电子科技（成都）有限公司") == {"成都"}
    assert regions("广东省深圳市某某贸易有限公司") == {"广东", "深圳"}
    assert regions(LOCAL) == {"成都"}
    assert regions(NOWHERE) == frozenset() and regions(None) == frozenset()
    assert cities("四川省成都市某某贸易有限公司") == {"成都"} and cities("四川华丰机械有限公司") == frozenset()
    assert cities("北京恒远机械设备有限公司") == {"北京"}  # a municipality is a city
    assert cities("重庆远联建材有限公司成都分公司") == frozenset()  # a branch: not where its parent is
    assert cities("安康电气有限公司") == frozenset() and cities("安康市华美电气有限公司") == {"安康"}
    assert cities("华美电子（中山）有限公司") == {"中山"}
    index = NameIndex(NAMES.items())
    assert index.cities("B") == {"北京"} and index.cities("unknown") == frozenset()


def test_nobody_is_named_like_the_payers():
    index = NameIndex(NAMES.items())
    assert [index.lookup(p) for p in (LOCAL, AWAY, NOWHERE)] == [(), (), ()]


# ------------------------------------------------------------ an unclaimed invoice of the amount elsewhere

def test_a_local_payers_claim_outweighs_an_unclaimed_invoice_of_a_customer_registered_elsewhere():
    invoices = [inv("A1", 123_456_700), inv("B1", 123_456_700, "B"), LATER_INVOICE]
    plan = plan_matches([line(123_456_700, LOCAL)], invoices, NAMES, claims=with_later(claim("A1", 123_456_700)))
    assert applied(plan) == {("A1", "claim_third_party_local")}
    # a local company's payment for one customer teaches nothing of whom it pays for next time
    # (learnt, the company would be taken for A and pick A2 of the two invoices of its next payment's amount)
    second = Line("T2", 76_543_200, T0 + 30 * DAY, LOCAL, None, "货款")
    more = [inv("A2", 76_543_200, day=25), inv("C2", 76_543_200, "C", day=25)]
    plan = plan_matches([line(123_456_700, LOCAL), second], [*invoices, *more], NAMES,
                        claims=with_later(claim("A1", 123_456_700)))
    assert applied(plan) == {("A1", "claim_third_party_local")}


def test_a_local_payer_less_a_bank_fee():
    invoices = [inv("A1", 123_456_700), inv("B1", 123_456_700, "B"), LATER_INVOICE]
    plan = plan_matches([line(123_451_700, LOCAL)], invoices, NAMES, claims=with_later(claim("A1", 123_456_700)))
    assert {(p.invoice_id, p.rule, p.amount) for p in plan.applied} == {
        ("A1", "claim_third_party_local_fee", 123_456_700)}


def test_the_same_amount_stays_a_rival_when_nothing_sets_the_two_customers_apart():
    cases = {
        "payer from elsewhere": (AWAY, [inv("A1", 123_456_700), inv("B1", 123_456_700, "B")], []),
        "payer names no place": (NOWHERE, [inv("A1", 123_456_700), inv("B1", 123_456_700, "B")], []),
        "rival in the payer's city": (LOCAL, [inv("A1", 123_456_700), inv("C1", 123_456_700, "C")], []),
        "rival's customer names no place": (LOCAL, [inv("A1", 123_456_700), inv("N1", 123_456_700, "N")], []),
        "rival's customer names a province only": (LOCAL, [inv("A1", 123_456_700), inv("P1", 123_456_700, "P")],
                                                    []),
        "payer a private person": ("成都王明", [inv("A1", 123_456_700), inv("B1", 123_456_700, "B")], []),
        "rival a branch, in its own city": (LOCAL, [inv("A1", 123_456_700), inv("K1", 123_456_700, "K")], []),
        "rival's brand only looks like a city": (LOCAL, [inv("A1", 123_456_700), inv("Q1", 123_456_700, "Q")], []),
        "rival claimed too": (LOCAL, [inv("A1", 123_456_700), inv("B1", 123_456_700, "B")],
                              [claim("B1", 123_456_700, day=40, claim_id="K2")]),
    }
    for case, (payer, invoices, more) in cases.items():
        plan = plan_matches([line(123_456_700, payer)], [*invoices, LATER_INVOICE], NAMES,
                            claims=with_later(claim("A1", 123_456_700), *more))
        assert plan.applied == [], case
        assert "A1" in {p.invoice_id for p in plan.candidates}, case


def test_a_claim_filed_long_after_the_line_is_no_tie_even_for_a_local_payer():
    invoices = [inv("A1", 123_456_700), inv("B1", 123_456_700, "B")]
    plan = plan_matches([line(123_456_700, LOCAL)], [*invoices, LATER_INVOICE], NAMES,
                        claims=with_later(claim("A1", 123_456_700, day=35)))
    assert plan.applied == []


def test_an_unclaimed_rival_counts_while_its_rep_may_still_claim_it():
    # the run sees claims filed up to day 21 only: B1's rep has until day 23 to report the payment
    invoices = [inv("A1", 123_456_700), inv("B1", 123_456_700, "B")]
    plan = plan_matches([line(123_456_700, LOCAL, day=20.5)], invoices, NAMES, claims=[claim("A1", 123_456_700)])
    assert plan.applied == []
    later = claim("A9", 5_000_000, day=24, claim_id="K9")  # a claim filed on day 24: the days are over
    plan = plan_matches([line(123_456_700, LOCAL, day=20.5)], [*invoices, inv("A9", 5_000_000)], NAMES,
                        claims=[claim("A1", 123_456_700), later])
    assert applied(plan) == {("A1", "claim_third_party_local")}


# ------------------------------------------------------------ round sums and rests from nobody known

def test_a_round_sum_or_one_less_a_fee_is_no_fingerprint_even_from_a_local_payer():
    invoices = [inv("A1", 300_000_000), inv("A2", 45_678_900)]
    for payer in (LOCAL, AWAY, NOWHERE):
        for cents in (300_000_000, 299_995_000):  # 3,000,000, and the same less a bank fee
            plan = plan_matches([line(cents, payer)], invoices, NAMES, claims=[claim("A1", 300_000_000)])
            assert plan.applied == [], (payer, cents)
    # 12,500 (a multiple of 500 yuan) is an everyday sum: the same-amount invoice in Beijing stays a rival
    invoices = [inv("A1", 1_250_000), inv("B1", 1_250_000, "B"), LATER_INVOICE]
    for cents in (1_250_000, 1_249_500):
        plan = plan_matches([line(cents, LOCAL)], invoices, NAMES, claims=with_later(claim("A1", 1_250_000)))
        assert plan.applied == [], cents


def test_the_rest_of_a_part_paid_invoice_from_a_local_payer_settles_the_claim():
    # A1 was half paid already; the rep claims the whole invoice, the money still to come is the rest
    invoices = [OpenInvoice("A1", 61_728_350, T0, "A", "HT-A1", amount=123_456_700)]
    for payer, rule in ((LOCAL, {("A1", "claim_third_party_local")}), (AWAY, set())):
        plan = plan_matches([line(61_728_350, payer)], invoices, NAMES, claims=[claim("A1", 123_456_700)])
        assert applied(plan) == rule, payer


def test_a_fee_short_payment_from_a_company_of_another_city_goes_to_review():
    # 70,800 is B's claimed 70,810 less a 10-yuan fee; B is a Beijing company, the payer a Shenzhen one
    invoices = [inv("B1", 7_081_000, "B")]
    for payer, rule in ((AWAY, set()), (NOWHERE, {("B1", "claim_third_party_fee")})):
        plan = plan_matches([line(7_080_000, payer)], invoices, NAMES, claims=[claim("B1", 7_081_000)])
        assert applied(plan) == rule, payer
        assert "B1" in {p.invoice_id for p in plan.candidates} or rule


def test_a_round_rest_is_no_fingerprint_even_from_a_local_payer():
    # 12,250 is what is left of 17,500 after 30 %: as likely the rest of another invoice
    invoices = [OpenInvoice("A1", 1_225_000, T0, "A", "HT-A1", amount=1_750_000)]
    plan = plan_matches([line(1_225_000, LOCAL)], invoices, NAMES, claims=[claim("A1", 1_750_000)])
    assert plan.applied == []
    assert "A1" in {p.invoice_id for p in plan.candidates}
