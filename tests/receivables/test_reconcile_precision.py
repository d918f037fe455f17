"""Lines the amount or the payer fits more than one way go to review, not to an invoice (both backends).

Each test is one kind of wrong automatic match the reconciliation benchmark
found: a rule applied a line because its amount fitted one reading, while
another reading — a part payment of a larger invoice, a full payment less a
bank fee, an instalment of another invoice — fitted as well.  Next to each,
the plain case the rule is for is still applied.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from salesnb.db import session_scope
from salesnb.models import BankTransaction, Contract, Customer, Invoice, PaymentClaim, User
from salesnb.receivables import reconcile, review_queue
from salesnb.timeutil import local_tz

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=local_tz())
AS_OF = T0 + timedelta(days=40)
CUSTOMERS = {"C1": "上海某某贸易有限公司", "C2": "杭州远大机械有限公司"}
THIRD_PARTY = "江苏某某供应链管理有限公司"  # pays on a customer's behalf: its name says nothing


def ledger(engine, invoices: dict[str, tuple[str, str]], lines: list[tuple], claims: list[tuple] = (),
           customers: dict[str, str] = CUSTOMERS) -> None:
    """``customers``, one contract each, ``invoices`` {id: (customer, amount)} issued on T0, bank ``lines``
    [(txn, day, amount, payer, memo[, account])] and ``claims`` [(claim, invoice, amount, day)] in finance
    review."""
    with session_scope(engine) as s:
        s.add(User(user_id="U1", name="李销售", role="sales"))
        for cid, name in customers.items():
            s.add(Customer(customer_id=cid, name=name))
            s.add(Contract(contract_id=f"HT-{cid}", customer_id=cid, owner_id="U1", amount=1, payment_terms_days=30))
        for n, (invoice_id, (cid, amount)) in enumerate(invoices.items()):
            s.add(Invoice(invoice_id=invoice_id, contract_id=f"HT-{cid}", amount=Decimal(amount), status="issued",
                          paid_amount=Decimal("0.00"), issued_at=T0 + timedelta(minutes=n)))
        for txn, day, amount, payer, memo, *account in lines:
            s.add(BankTransaction(txn_id=txn, booked_at=T0 + timedelta(days=day), amount=Decimal(amount),
                                  payer_name=payer, payer_account=account[0] if account else None, memo=memo,
                                  direction="in"))
        for claim_id, invoice_id, amount, day in claims:
            s.add(PaymentClaim(claim_id=claim_id, invoice_id=invoice_id, owner_id="U1", amount=Decimal(amount),
                               submitted_at=T0 + timedelta(days=day), status="finance_review"))


def outcome(engine) -> tuple[set[tuple[str, str, str]], dict[str, set[str]]]:
    """({(txn, invoice, rule) applied}, txn → invoices proposed to the reviewer) after one reconciliation."""
    report = reconcile(engine, AS_OF)
    queue = review_queue(engine)
    proposed: dict[str, set[str]] = {}
    for txn, invoice in zip(queue["txn_id"], queue["invoice_id"]):
        proposed.setdefault(txn, set()).add(invoice)
    return {(m.txn_id, m.invoice_id, m.rule) for m in report.applied}, proposed


def test_a_round_sum_less_a_fee_is_no_split_of_small_invoices_when_a_larger_one_is_open(engine):
    # 29,990 = 20,000 + 10,040 less a 50-yuan fee — or 30,000 on account of the 80,000 invoice, less 10 yuan.
    # 16,100 = 9,000 + 7,120 less 20 yuan — or 40 % of the 40,230 invoice, rounded to 100 yuan.
    ledger(engine, {"I1": ("C1", "20000.00"), "I2": ("C1", "10040.00"), "I3": ("C1", "80000.00"),
                    "J1": ("C2", "9000.00"), "J2": ("C2", "7120.00"), "J3": ("C2", "40230.00")},
           [("T1", 10, "29990.00", "上海某某贸易有限公司", "货款"),
            ("T2", 10, "16100.00", "杭州远大机械有限公司", "货款")])
    applied, proposed = outcome(engine)
    assert applied == set()
    assert proposed["T1"] >= {"I1", "I2"} and proposed["T2"] >= {"J1", "J2"}


def test_a_split_of_small_invoices_with_no_larger_one_open_is_applied(engine):
    ledger(engine, {"I1": ("C1", "20000.00"), "I2": ("C1", "10040.00")},
           [("T1", 10, "29990.00", "上海某某贸易有限公司", "货款")])
    applied, _ = outcome(engine)
    assert applied == {("T1", "I1", "split_invoices_fee"), ("T1", "I2", "split_invoices_fee")}


def test_an_instalment_of_one_invoice_that_is_a_round_sum_below_another_goes_to_review(engine):
    # 75,000 is 20 % of I1 — and a round payment on account of I2 (≈ 40 % of it).
    ledger(engine, {"I1": ("C1", "375000.00"), "I2": ("C1", "187376.00")},
           [("T1", 10, "75000.00", "上海某某贸易有限公司", "货款")])
    applied, proposed = outcome(engine)
    assert applied == set() and "I1" in proposed["T1"]


def test_a_fee_short_payment_that_is_exactly_an_instalment_of_another_invoice_goes_to_review(engine):
    # 3,208.00 is I1 (3,208.50) less a 0.50-yuan bank fee — and 50 % of I2 to the cent: neither the fee rule
    # nor the instalment rule may pick one.
    ledger(engine, {"I1": ("C1", "3208.50"), "I2": ("C1", "6416.00")},
           [("T1", 10, "3208.00", "上海某某贸易有限公司", "货款")])
    applied, proposed = outcome(engine)
    assert applied == set() and proposed["T1"] >= {"I1", "I2"}


def test_an_exact_instalment_that_is_a_round_sum_below_another_invoice_goes_to_review(engine):
    # 268,000 is 80 % of I1 to the cent — and a round sum the customer may pay on account of I2.
    ledger(engine, {"I1": ("C1", "335000.00"), "I2": ("C1", "842212.00")},
           [("T1", 10, "268000.00", "上海某某贸易有限公司", "设备款")])
    applied, proposed = outcome(engine)
    assert applied == set() and "I1" in proposed["T1"]


def test_a_plain_instalment_is_still_applied(engine):
    ledger(engine, {"I1": ("C1", "375000.00"), "I2": ("C1", "18737.60")},
           [("T1", 10, "112500.00", "上海某某贸易有限公司", "货款")])  # 30 % of I1; I2 is smaller
    applied, _ = outcome(engine)
    assert applied == {("T1", "I1", "percentage")}


def test_a_round_sum_from_a_name_only_like_the_customer_equal_to_one_invoice_goes_to_review(engine):
    # 63,000 is I1 exactly — or a round payment on account of I2, from an abbreviated name.
    ledger(engine, {"I1": ("C1", "63000.00"), "I2": ("C1", "190799.00")},
           [("T1", 10, "63000.00", "某某贸易", "往来款")])
    applied, proposed = outcome(engine)
    assert applied == set() and "I1" in proposed["T1"]


def test_an_invoice_amount_from_the_customer_itself_or_not_round_is_still_applied(engine):
    ledger(engine, {"I1": ("C1", "63000.00"), "I2": ("C1", "190799.00"), "J1": ("C2", "63450.00"),
                    "J2": ("C2", "190799.00")},
           [("T1", 10, "63000.00", "上海某某贸易有限公司", "往来款"), ("T2", 10, "63450.00", "远大机械", "货款")])
    applied, _ = outcome(engine)
    assert applied == {("T1", "I1", "amount_name"), ("T2", "J1", "amount_name")}


def test_an_unknown_payers_amount_one_invoice_has_and_another_has_plus_a_fee_goes_to_review(engine):
    ledger(engine, {"I1": ("C1", "5077.80"), "I2": ("C2", "5092.80")},
           [("T1", 10, "5077.80", THIRD_PARTY, "付款")])  # I1 exactly, or I2 less a 15-yuan fee
    applied, proposed = outcome(engine)
    assert applied == set() and proposed["T1"] >= {"I1", "I2"}


def test_a_round_sum_less_a_fee_is_no_unusual_amount(engine):
    ledger(engine, {"I1": ("C1", "6780.00"), "I2": ("C2", "5077.80")},
           [("T1", 10, "6780.00", THIRD_PARTY, None),  # 6,800 less a 20-yuan fee: a common amount
            ("T2", 10, "5077.80", THIRD_PARTY, None)])  # unusual, and no invoice has it plus a fee
    applied, proposed = outcome(engine)
    assert applied == {("T2", "I2", "amount_unique")}
    assert "I1" in proposed["T1"]


def test_a_claimed_instalment_that_is_as_well_an_instalment_of_another_invoice_goes_to_review(engine):
    # 32,900: 20 % of the claimed I1 rounded to 100 yuan — and 30 % of I2 rounded the same way.
    ledger(engine, {"I1": ("C1", "164331.00"), "I2": ("C1", "109551.80")},
           [("T1", 10, "32900.00", "上海某某贸易有限公司", "转账")], [("CLM-1", "I1", "164331.00", 11)])
    applied, proposed = outcome(engine)
    assert applied == set() and "I1" in proposed["T1"]


def test_a_claimed_instalment_is_still_applied(engine):
    ledger(engine, {"I1": ("C1", "164331.00"), "I2": ("C1", "10955.18")},
           [("T1", 10, "32900.00", "上海某某贸易有限公司", "转账")], [("CLM-1", "I1", "164331.00", 11)])
    applied, _ = outcome(engine)
    assert applied == {("T1", "I1", "claim_percentage")}


def test_a_private_persons_transfer_a_fee_short_of_a_claim_goes_to_review(engine):
    ledger(engine, {"I1": ("C1", "45300.00"), "I2": ("C2", "23710.00")},
           [("T1", 10, "45275.00", "田鹏", "转账"),  # the claim less 25 yuan: a fee, or a coincidence
            ("T2", 10, "23710.00", "于敏", "转账")],  # the exact claimed amount: the boss paid privately
           [("CLM-1", "I1", "45300.00", 11), ("CLM-2", "I2", "23710.00", 11)])
    applied, proposed = outcome(engine)
    assert applied == {("T2", "I2", "claim_third_party")}
    assert "I1" in proposed["T1"]


# ---------------------------------------------------------------- payers nobody knows, and claims


def test_a_round_sum_from_a_payer_nobody_knows_is_no_fingerprint_of_a_claimed_invoice(engine):
    ledger(engine, {"I1": ("C1", "13000.00"), "I2": ("C2", "8812.40")},
           [("T1", 10, "13000.00", THIRD_PARTY, None), ("T2", 10, "8812.40", "浙江某某实业有限公司", None)],
           [("CLM-1", "I1", "13000.00", 11), ("CLM-2", "I2", "8812.40", 11)])
    applied, proposed = outcome(engine)
    assert applied == {("T2", "I2", "claim_third_party")}
    assert "I1" in proposed["T1"]


def test_a_claim_and_an_unclaimed_invoice_from_a_payer_nobody_knows_need_an_unusual_amount(engine):
    # I1 (claimed) + I2 (claimed by nobody) = 14,600.00, a round sum; J1 + J2 = 14,639.17 is not.
    ledger(engine, {"I1": ("C1", "7513.00"), "I2": ("C1", "7087.00"), "J1": ("C2", "7513.00"),
                    "J2": ("C2", "7126.17")},
           [("T1", 10, "14600.00", THIRD_PARTY, None), ("T2", 10, "14639.17", "浙江某某实业有限公司", None)],
           [("CLM-1", "I1", "7513.00", 11), ("CLM-2", "J1", "7513.00", 11)])
    applied, proposed = outcome(engine)
    assert applied == {("T2", "J1", "claim_split_rest_third_party"), ("T2", "J2", "claim_split_rest_third_party")}
    assert proposed["T1"] >= {"I1", "I2"}


def test_round_sums_from_a_payer_nobody_knows_adding_up_to_a_claim_go_to_review(engine):
    ledger(engine, {"I1": ("C1", "20000.00")},
           [("T1", 10, "11000.00", THIRD_PARTY, "往来款"), ("T2", 12, "9000.00", THIRD_PARTY, "转账")],
           [("CLM-1", "I1", "20000.00", 11)])
    applied, _ = outcome(engine)
    assert applied == set()


def test_a_third_company_known_by_name_only_is_not_guessed_to_part_pay_the_sole_invoice(engine):
    # T1 names I1: the third company paid for C1 once.  T2, from the same name, pays part of something.
    ledger(engine, {"INV-5001": ("C1", "5000.00"), "INV-5002": ("C1", "30000.00")},
           [("T1", 10, "5000.00", THIRD_PARTY, "代付 INV-5001"), ("T2", 20, "12299.00", THIRD_PARTY, "设备款")])
    applied, proposed = outcome(engine)
    assert applied == {("T1", "INV-5001", "reference")}
    assert "INV-5002" in proposed["T2"]


def test_a_payer_account_that_paid_for_the_customer_before_still_identifies_it(engine):
    ledger(engine, {"INV-5001": ("C1", "5000.00"), "INV-5002": ("C1", "30000.00")},
           [("T1", 10, "5000.00", THIRD_PARTY, "代付 INV-5001", "6222000011112222"),
            ("T2", 20, "12299.00", THIRD_PARTY, "设备款", "6222000011112222")])
    applied, _ = outcome(engine)
    assert applied == {("T1", "INV-5001", "reference"), ("T2", "INV-5002", "sole_invoice")}


def test_a_group_name_as_like_two_customers_is_ambiguous_however_many_share_its_words(engine):
    # Both 弘新 companies of 常州 score alike against 常州弘新集团; 45 other 弘新 customers sort before the second.
    fillers = {f"C5{n:02d}": f"弘新{word}有限公司" for n, word in enumerate(
        "机械 电子 纺织 食品 化工 建材 印刷 包装 物流 塑胶 五金 照明 家具 服饰 玩具 医药 陶瓷 玻璃 钢构 模具 "
        "线缆 光电 仪表 阀门 泵业 轴承 齿轮 刀具 磨料 涂料 橡胶 纸业 木业 石材 铝业 铜业 锻造 铸造 冲压 焊接 "
        "喷涂 电镀 热处理 标准件 紧固件".split())}
    customers = {"C000": "弘新智能装备（常州）有限公司", **fillers, "C999": "常州弘新航空零部件有限公司"}
    ledger(engine, {"I1": ("C000", "31242.40")}, [("T1", 10, "2123.80", "常州弘新集团有限公司", "货款")],
           customers=customers)
    applied, _ = outcome(engine)
    assert applied == set()


def test_the_rest_of_a_part_paid_invoice_from_a_payer_nobody_knows_goes_to_review(engine):
    # T1 pays 80 % of INV-7001 naming it; T2, from a company nobody knows, is exactly the rest: too easy a fit.
    ledger(engine, {"INV-7001": ("C1", "9969.30"), "INV-7002": ("C2", "2993.30")},
           [("T1", 10, "7976.00", "上海某某贸易有限公司", "INV-7001 第1笔"), ("T2", 20, "1993.30", THIRD_PARTY, None),
            ("T3", 20, "2993.30", THIRD_PARTY, None)])  # an untouched invoice's unusual amount is still applied
    applied, proposed = outcome(engine)
    assert applied == {("T1", "INV-7001", "reference_partial"), ("T3", "INV-7002", "amount_unique")}
    assert "INV-7001" in proposed["T2"]


# ---------------------------------------------------------------- several lines for one invoice


def test_a_split_payment_with_a_round_sum_on_account_of_a_larger_invoice_goes_to_review(engine):
    # 82,990 + 1,628,000 = I1 less 10 yuan — but 1,628,000 is a round sum the customer may pay on account of I2.
    ledger(engine, {"I1": ("C1", "1711000.00"), "I2": ("C1", "3226356.00")},
           [("T1", 10, "82990.00", "上海某某贸易", None), ("T2", 12, "1628000.00", "上海某某贸易有限公司", "往来款")])
    applied, proposed = outcome(engine)
    assert applied == set()
    assert "I1" in proposed["T1"] and "I1" in proposed["T2"]


def test_an_exact_split_payment_with_a_round_sum_on_account_of_a_larger_invoice_goes_to_review(engine):
    # 1,017,000 + 243,018 = I1 to the cent — and 1,017,000 is as well a round sum on account of I2.
    ledger(engine, {"I1": ("C1", "1260018.00"), "I2": ("C1", "3222000.00")},
           [("T1", 10, "1017000.00", "上海某某贸易有限公司", None), ("T2", 12, "243018.00", "上海某某贸易有限公司", None)])
    applied, proposed = outcome(engine)
    assert applied == set()
    assert "I1" in proposed["T1"] and "I1" in proposed["T2"]


def test_a_plain_split_payment_is_still_applied_with_a_larger_invoice_open(engine):
    # 30 % of I1 and the rest less a 10-yuan fee; J1 to the cent.  No line reads as a part of I2 or J2.
    ledger(engine, {"I1": ("C1", "17110.00"), "I2": ("C1", "32263.56"), "J1": ("C2", "10000.26"),
                    "J2": ("C2", "25871.44")},
           [("T1", 10, "5133.00", "上海某某贸易有限公司", None), ("T2", 12, "11967.00", "上海某某贸易有限公司", None),
            ("T3", 10, "4000.13", "杭州远大机械有限公司", None), ("T4", 12, "6000.13", "杭州远大机械有限公司", None)])
    applied, _ = outcome(engine)
    assert applied == {("T1", "I1", "split_payments_fee"), ("T2", "I1", "split_payments_fee"),
                       ("T3", "J1", "split_payments"), ("T4", "J1", "split_payments")}


def test_a_deposit_is_no_part_of_a_split_payment(engine):
    # 300,000 定金 + 700,000 = I1; but a deposit pays no invoice, so the two lines are no split of it (700,000 alone
    # is 70 % of I1, or a round sum on account of I2: a reviewer decides).
    ledger(engine, {"I1": ("C1", "1000000.00"), "I2": ("C1", "3000000.00")},
           [("T1", 10, "300000.00", "上海某某贸易有限公司", "定金"), ("T2", 12, "700000.00", "上海某某贸易有限公司", None)])
    applied, proposed = outcome(engine)
    assert applied == set()
    assert "I1" in proposed["T2"]


def test_two_open_invoices_of_the_customer_with_the_lines_amount_go_to_review(engine):
    # The customer's own name, its known account: still nothing says which of I1 and I2 the line pays.
    ledger(engine, {"I1": ("C1", "7816.00"), "I2": ("C1", "7816.00"), "J1": ("C2", "7816.00")},
           [("T1", 10, "7816.00", "上海某某贸易有限公司", "货款", "6222000011112222"),
            ("T2", 10, "7816.00", "杭州远大机械有限公司", "货款")])
    applied, proposed = outcome(engine)
    assert applied == {("T2", "J1", "amount_name")}
    assert proposed["T1"] >= {"I1", "I2"}


# ---------------------------------------------------------------- a claim names the invoice of a round instalment


def test_a_round_instalment_of_the_claimed_invoice_is_applied_and_without_the_claim_left_to_review(engine):
    # 1,540,000 is 40 % of 3,850,100 rounded to 100 yuan (a multiple of 1,000 by chance): the rep's claim says
    # which invoice; without a claim the round sum may as well be on account of the larger I2 / J2.
    ledger(engine, {"I1": ("C1", "3850100.00"), "I2": ("C1", "5000000.00"), "J1": ("C2", "3850100.00"),
                    "J2": ("C2", "5000000.00")},
           [("T1", 10, "1540000.00", "上海某某贸易有限公司", "转账"), ("T2", 10, "1540000.00", "杭州远大机械有限公司", "转账")],
           [("CLM-1", "I1", "3850100.00", 10.5)])
    applied, proposed = outcome(engine)
    assert applied == {("T1", "I1", "claim_percentage")}
    assert "T2" in proposed


def test_a_round_sum_off_a_share_of_the_claimed_invoice_by_more_than_rounding_goes_to_review(engine):
    # 1,545,000 is 960 yuan off 40 % of I1: no instalment rounded to 100 yuan.
    ledger(engine, {"I1": ("C1", "3850100.00"), "I2": ("C1", "5000000.00")},
           [("T1", 10, "1545000.00", "上海某某贸易有限公司", "转账")], [("CLM-1", "I1", "3850100.00", 10.5)])
    applied, proposed = outcome(engine)
    assert applied == set() and "T1" in proposed
