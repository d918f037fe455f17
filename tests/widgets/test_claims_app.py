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
