"""ReconciliationQueue: review candidates, confirm / reject, and undo applied matches."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from salesnb.db import session_scope
from salesnb.models import BankMatch, Invoice
from salesnb.receivables import reconcile
from salesnb.widgets.reconciliation import ReconciliationQueue

from .seed import AS_OF


@pytest.fixture
def reconciled(seeded):
    reconcile(seeded, AS_OF)  # B001, B002 applied automatically; B003 waits with INV003 and INV004
    return seeded


def invoice(engine, invoice_id):
    with session_scope(engine) as s:
        inv = s.get(Invoice, invoice_id)
        return inv.status, inv.paid_amount


def match_status(engine, txn_id):
    with session_scope(engine) as s:
        return sorted((m.invoice_id, m.status) for m in s.scalars(select(BankMatch).where(BankMatch.txn_id == txn_id)))


def test_queue_shows_the_line_and_its_candidates(reconciled):
    w = ReconciliationQueue(reconciled, as_of=AS_OF, actor="F01")
    assert w.pending == 1 and w.selected_txn == "B003"
    assert w.tabs.titles == ("待确认（1）", "已匹配（2）")
    assert [v for _l, v in w.candidates.options] == ["INV003", "INV004"]
    assert w.selected_invoice == "INV003"
    assert "某某贸易有限公司" in w.line_facts.value and "仅金额相同" in w.candidate_table.value
    assert not hasattr(w, "operator_box") and w.confirm_button.layout.display != "none"


def test_confirm_the_chosen_candidate(reconciled):
    w = ReconciliationQueue(reconciled, as_of=AS_OF, actor="F01")
    w.candidates.value = "INV004"
    assert w.selected_invoice == "INV004"
    w.confirm_button.click()
    assert w.error == "" and w.notice == "流水 B003 已核销到发票 INV004"
    assert invoice(reconciled, "INV004") == ("paid", Decimal("120000.00"))
    assert invoice(reconciled, "INV003")[0] == "issued"
    assert match_status(reconciled, "B003") == [("INV003", "rejected"), ("INV004", "applied")]
    assert w.pending == 0 and "没有待人工确认的流水" in w.line_facts.value and w.confirm_button.disabled
    assert w.tabs.titles == ("待确认（0）", "已匹配（3）")
    assert "王芳" in w.applied_table.value and "系统自动匹配" in w.applied_table.value


def test_reject_one_candidate_then_all(reconciled):
    w = ReconciliationQueue(reconciled, as_of=AS_OF, actor="F01")
    w.reject_button.click()
    assert w.notice == "已驳回流水 B003 的 1 个候选"
    assert [v for _l, v in w.candidates.options] == ["INV004"]
    w.reject_all_button.click()
    assert match_status(reconciled, "B003") == [("INV003", "rejected"), ("INV004", "rejected")]
    assert w.pending == 0


def test_unmatch_an_applied_match(reconciled):
    w = ReconciliationQueue(reconciled, as_of=AS_OF, actor="F01")
    assert ("B001|INV001") in [v for _l, v in w.applied.options]
    w.applied.value = "B001|INV001"
    w.unmatch_button.click()
    assert w.notice.startswith("已撤销流水 B001 与发票 INV001 的匹配")
    assert invoice(reconciled, "INV001") == ("issued", Decimal("0.00"))
    assert match_status(reconciled, "B001") == [("INV001", "unmatched")]


def test_a_rep_sees_their_own_receivables_and_no_review_controls(reconciled):
    w = ReconciliationQueue(reconciled, as_of=AS_OF, actor="U01")
    assert [v for _l, v in w.candidates.options] == ["INV003"]  # INV004 is U02's
    assert [v for _l, v in w.applied.options] == ["B002|INV002"]
    assert w.review_detail.children[-1].layout.display == "none"  # no confirm / reject
    assert w.tabs.children[1].children[1].layout.display == "none"  # no unmatch


def test_open_item_selects_the_line_of_an_invoice(reconciled):
    w = ReconciliationQueue(reconciled, as_of=AS_OF, actor="F01")
    w.open_item("INV004")
    assert w.tabs.selected_index == 0 and w.selected_txn == "B003"
    w.open_item("B001")
    assert w.tabs.selected_index == 1 and w.selected_match == "B001|INV001"
    w.open_item("PC001")  # a payment claim: the match of its invoice INV002
    assert w.selected_match == "B002|INV002"


def test_payer_and_customer_text_is_escaped(reconciled):
    w = ReconciliationQueue(reconciled, as_of=AS_OF, actor="F01")
    assert "<img" not in w.applied_table.value and "&lt;img src=x onerror=alert(1)&gt;" in w.applied_table.value


def test_nothing_to_review(seeded):
    w = ReconciliationQueue(seeded, as_of=AS_OF)
    assert w.pending == 0 and w.error == "" and "还没有已匹配的流水" in w.applied_table.value


def test_lines_and_applied_matches_are_paged_in_the_database(reconciled, monkeypatch):
    """A page of bank lines and a page of applied matches, each with the count of all; a link opens any page's."""
    from salesnb.widgets import reconciliation

    from ..auth.test_paged_queries import add_line

    add_line(reconciled, "B9", 1, "INV004")
    monkeypatch.setattr(reconciliation, "PAGE_SIZE", 1)
    w = ReconciliationQueue(reconciled, as_of=AS_OF, actor="F01")
    assert w.pending == 2 and [v for _l, v in w.lines.options] == ["B003"]
    assert "第 1–1 条，共 2 条" in w.line_pager.label.value
    assert w.tabs.titles == ("待确认（2）", "已匹配（2）")
    assert len(w.applied.options) == 1 and "第 1–1 条，共 2 条" in w.applied_pager.label.value
    w.line_pager.next_button.click()
    assert [v for _l, v in w.lines.options] == ["B9"] and w.selected_txn == "B9"
    assert "第 2–2 条，共 2 条" in w.line_pager.label.value and w.line_pager.next_button.disabled
    w.applied_pager.next_button.click()
    assert len(w.applied.options) == 1 and "第 2–2 条，共 2 条" in w.applied_pager.label.value
    w.open_item("INV003")  # B003, on the first page
    assert w.selected_txn == "B003" and w.error == ""
    w.confirm_button.click()
    assert w.error == "" and w.pending == 1 and w.tabs.titles == ("待确认（1）", "已匹配（3）")


@pytest.mark.parametrize("language", ["zh-CN", "en"])
def test_every_matching_rule_reads_in_words_for_the_reviewer(language):
    from salesnb.i18n import set_language
    from salesnb.receivables.claim_evidence import CLAIM_RULES
    from salesnb.receivables.matching import UNLEARNT_RULES
    from salesnb.receivables.payments import FEE_RULES
    from salesnb.widgets.reconciliation import rule_label

    others = {"reference", "reference_partial", "reference_overpaid", "reference_split", "reference_unclear",
              "amount_name", "split_invoices", "split_payments", "percentage", "rest_of_share", "sole_invoice",
              "sole_larger_invoice", "claim_split_invoices", "claim_split_invoices_third_party", "claim_split_rest",
              "claim_split_rest_third_party", "claim_split_payments", "claim_split_payments_third_party",
              "claim_percentage", "amount_only", "name_only", "manual"}
    set_language(language)
    try:
        for rule in sorted(FEE_RULES | UNLEARNT_RULES | set(CLAIM_RULES.values()) | others):
            label = rule_label(rule)
            assert "_" not in label and label != rule, (rule, label)
        assert rule_label("claim_split_invoices_third_party_fee") == {
            "zh-CN": "回款认领：一笔付多张发票（第三方付款）（扣手续费）",
            "en": "claim: one line, several invoices (third party) (bank fee)"}[language]
        assert rule_label("some_plugin_rule") == "some_plugin_rule"  # a rule nobody labelled shows as it is
    finally:
        set_language("zh-CN")
