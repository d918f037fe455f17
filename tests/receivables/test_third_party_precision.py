"""A third party paying on behalf (代付, a group finance company) is not applied as a part payment of the
sole open invoice of a similarly named customer when the line's amount, or its memo, points elsewhere."""

from __future__ import annotations

from salesnb.receivables.matching import Line, OpenInvoice, plan_matches

DAY = 86_400.0
NAMES = {"C-A": "华东机电集团有限公司", "C-B": "成都蓉城电气有限公司"}
INVOICES = [
    OpenInvoice("INV-A1", 10_000_000, issued=0.0, customer_id="C-A", contract_id="HT-A-0001"),
    OpenInvoice("INV-B7", 3_500_000, issued=0.0, customer_id="C-B", contract_id="HT-B-0099"),
]


def plan(memo: str, amount: int = 3_500_000, payer: str = "华东机电集团财务有限公司"):
    line = Line("T1", amount, booked=5 * DAY, payer_name=payer, memo=memo)
    return plan_matches([line], INVOICES, NAMES)


def test_an_exact_amount_elsewhere_sends_the_line_to_review():
    result = plan("代付货款")
    assert result.applied == []
    assert {p.invoice_id for p in result.candidates} >= {"INV-A1", "INV-B7"}


def test_a_memo_naming_another_contract_sends_the_line_to_review():
    result = plan("代付 HT-B-0100 合同款", amount=1_234_500)  # a contract this run knows no open invoice of
    assert result.applied == []
    assert "INV-A1" in {p.invoice_id for p in result.candidates}


def test_a_plain_part_payment_of_the_sole_invoice_is_still_applied():
    result = plan("货款", amount=1_234_500, payer="华东机电集团有限公司")
    assert [(p.invoice_id, p.rule) for p in result.applied] == [("INV-A1", "sole_invoice")]
    result = plan("HT-A-0001 第二期", amount=1_234_500, payer="华东机电集团有限公司")
    assert [p.invoice_id for p in result.applied] == ["INV-A1"]


def test_the_customer_itself_paying_an_amount_another_invoice_has_is_still_applied():
    result = plan("货款", payer="华东机电集团有限公司")
    assert [(p.invoice_id, p.rule) for p in result.applied] == [("INV-A1", "sole_invoice")]
