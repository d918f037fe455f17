"""Payment claims in the browser app: a rep files on their own invoice; finance confirms or rejects with a reason."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from salesnb.db import session_scope
from salesnb.models import AuditLog, Invoice, PaymentClaim, Task
from salesnb.widgets.claims import PaymentClaims

from .seed import AS_OF


def test_a_rep_files_a_claim_on_their_own_invoice_and_finance_confirms_it(seeded):
    rep = PaymentClaims(seeded, actor="U01", as_of=AS_OF)
    assert rep.may_file and not rep.may_review
    # INV002 is fully claimed by PC001 already; INV001 and INV004 are U02's
    assert [v for _l, v in rep.invoice_box.options] == ["INV003"]
    assert rep.amount_box.value == "120,000.00" and rep.claims == ["PC001"]
    rep.amount_box.value = "abc"
    rep.submit_button.click()
    assert "金额应为正数" in rep.error
    rep.amount_box.value = "50,000"
    rep.submit_button.click()
    assert rep.error == "" and "已提交回款认领 CLM-INV003-1" in rep.notice
    assert rep.claims[0] == "CLM-INV003-1" and "待财务审核" in rep.history.value
    assert "可认领 70,000.00" in rep.invoice_box.options[0][0]
    with session_scope(seeded) as s:
        claim = s.get(PaymentClaim, "CLM-INV003-1")
        assert (claim.owner_id, claim.amount, claim.status) == ("U01", Decimal("50000.00"), "finance_review")
        task = s.get(Task, "claim_review:CLM-INV003-1")
        assert task.owner_id == "F01" and task.done_at is None  # the claim-review SLA starts

    finance = PaymentClaims(seeded, actor="F01", as_of=AS_OF)
    assert finance.may_review and not finance.may_file and finance.waiting == 2
    finance.queue.value = "CLM-INV003-1"
    assert "CLM-INV003-1" in finance.claim_facts.value
    finance.confirm_button.click()
    assert finance.error == "" and "已确认回款认领 CLM-INV003-1" in finance.notice and finance.waiting == 1
    with session_scope(seeded) as s:
        invoice = s.get(Invoice, "INV003")
        assert (invoice.status, invoice.paid_amount) == ("partially_paid", Decimal("50000.00"))
        assert s.get(Task, "claim_review:CLM-INV003-1").done_at is not None
        assert s.scalars(select(AuditLog.actor).where(AuditLog.action == "claim.confirm")).one() == "F01"


def test_finance_rejects_only_with_a_reason(seeded):
    finance = PaymentClaims(seeded, actor="F01", as_of=AS_OF)
    assert finance.claim_id == "PC001"
    finance.reject_button.click()
    assert "必须填写原因" in finance.error
    finance.reason_box.value = "流水中没有这笔款"
    finance.reject_button.click()
    assert finance.error == "" and finance.waiting == 0 and "已驳回" in finance.history.value
    with session_scope(seeded) as s:
        assert s.get(PaymentClaim, "PC001").status == "rejected"
        note = s.scalars(select(AuditLog.note).where(AuditLog.action == "claim.reject")).one()
        assert note == "流水中没有这笔款"


def test_reps_see_their_claims_only_and_english(seeded):
    from salesnb.i18n import set_language

    other = PaymentClaims(seeded, actor="U02", as_of=AS_OF)
    assert other.claims == [] and sorted(v for _l, v in other.invoice_box.options) == ["INV001", "INV004"]
    set_language("en")
    w = PaymentClaims(seeded, actor="U01", as_of=AS_OF)
    assert "waiting for finance" in w.history.value and "claimable" in w.invoice_box.options[0][0]


def test_lists_are_counted_and_paged_and_invoices_found_by_typing(seeded, monkeypatch):
    """The invoice drop-down holds a few invoices (type to find others); the queue and history pages with counts."""
    from salesnb.receivables import submit_claim
    from salesnb.widgets import claims

    monkeypatch.setattr(claims, "INVOICE_LIMIT", 2)
    monkeypatch.setattr(claims, "PAGE_SIZE", 1)
    with session_scope(seeded) as s:
        submit_claim(s, "INV004", owner_id="U02", amount=Decimal(1000), at=AS_OF)
    director = PaymentClaims(seeded, actor="D01", as_of=AS_OF)
    assert [v for _l, v in director.invoice_box.options] == ["INV001", "INV003"]
    assert "共 3 张可认领的发票，列出前 2 张" in director.invoice_hint.value
    director.invoice_search.value = "inv004"
    assert [v for _l, v in director.invoice_box.options] == ["INV004"] and director.invoice_hint.value == ""
    assert director.invoice_id == "INV004" and director.amount_box.value == "119,000.00"
    director.invoice_search.value = "没有这个客户"
    assert director.invoice_box.options == (("没有可认领的未收发票", ""),) and director.submit_button.disabled
    assert len(director.claims) == 1 and "第 1–1 条，共 2 条" in director.history_pager.label.value
    director.history_pager.next_button.click()
    assert director.claims == ["PC001"] and director.error == ""
    finance = PaymentClaims(seeded, actor="F01", as_of=AS_OF)
    assert finance.waiting == 2 and len(finance.queue.options) == 1
    assert "待财务审核（2）" in finance.review_title.value and "第 1–1 条，共 2 条" in finance.queue_pager.label.value
    finance.queue_pager.next_button.click()
    assert [v for _l, v in finance.queue.options] == ["PC001"] and finance.claim_id == "PC001"
