"""Payment claims (回款认领): a rep says an invoice was paid, finance confirms or rejects.

A submitted claim waits in ``finance_review`` with a ``claim_review`` task (the
SLA engine's node: after 48 h it alerts finance and the rep and escalates up
the ladder).  Confirming applies the amount to the invoice — through the bank
line when finance names it (``txn_id``), so reconciliation will not use that
money again — and closes the task; rejecting needs a reason.  Every change is
in the audit log.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from .. import audit
from ..auth.people import Actor
from ..auth.permissions import authorize
from ..errors import ReceivablesError
from ..i18n import register, t
from ..models import BankTransaction, Contract, Invoice, PaymentClaim, Task, User
from ..notify.outbox import enqueue
from . import messages  # noqa: F401 - the keys of the errors below
from .payments import OPEN_STATUSES, assign, pay, state_of
from .apply import apply_line

REVIEW_NODE = "claim_review"
FINANCE_ROLES = ("finance", "finance_manager")

register({
    "zh-CN": {
        "claim.submitted.subject": "回款认领待审核：发票 {invoice_id}，金额 {amount}",
        "claim.submitted.body": "{rep} 提交了回款认领 {claim_id}，请在 48 小时内审核。",
        "claim.decided.subject": "回款认领 {claim_id} 已{decision}",
        "claim.decided.body": "发票 {invoice_id}，金额 {amount}，审核人 {actor}。{note}",
        "claim.confirmed": "确认",
        "claim.rejected": "驳回",
    },
    "en": {
        "claim.submitted.subject": "Payment claim to review: invoice {invoice_id}, amount {amount}",
        "claim.submitted.body": "{rep} submitted payment claim {claim_id}; please review it within 48 hours.",
        "claim.decided.subject": "Payment claim {claim_id} {decision}",
        "claim.decided.body": "Invoice {invoice_id}, amount {amount}, reviewed by {actor}. {note}",
        "claim.confirmed": "confirmed",
        "claim.rejected": "rejected",
    },
})


def _finance_users(session: Session) -> list[str]:
    return list(session.scalars(select(User.user_id).where(User.role.in_(FINANCE_ROLES)).order_by(User.user_id)))


def _claim(session: Session, claim_id: str) -> PaymentClaim:
    claim = session.get(PaymentClaim, claim_id)
    if claim is None:
        raise ReceivablesError("recv.claim.unknown", claim_id=repr(claim_id))
    if claim.status != "finance_review":
        raise ReceivablesError("recv.claim.decided", claim_id=claim_id, status=claim.status)
    return claim


def pending_claims_total(session: Session, invoice_id: str) -> Decimal:
    """Sum of the invoice's claims still in finance review."""
    total = session.scalar(select(func.sum(PaymentClaim.amount)).where(
        PaymentClaim.invoice_id == invoice_id, PaymentClaim.status == "finance_review"))
    return Decimal(str(total or 0)).quantize(Decimal("0.01"))


def submit_claim(session: Session, invoice_id: str, *, owner_id: str, amount: Decimal | str | float,
                 at: datetime, claim_id: str | None = None, actor: Actor | str | None = None) -> PaymentClaim:
    """Record a rep's claim that ``amount`` of ``invoice_id`` was paid; it must fit the outstanding amount.

    ``actor`` (default: ``owner_id`` files it themselves) must own the invoice's contract or be above its owner.
    """
    amount = Decimal(str(amount)).quantize(Decimal("0.01"))
    invoice = session.get(Invoice, invoice_id)
    if invoice is None:
        raise ReceivablesError("recv.invoice.unknown", invoice_id=repr(invoice_id))
    contract_owner = session.scalar(select(Contract.owner_id).where(Contract.contract_id == invoice.contract_id))
    filer = authorize(session, owner_id if actor is None else actor, "claim.file", contract_owner).user_id
    if invoice.status not in OPEN_STATUSES:
        raise ReceivablesError("recv.invoice.not_claimable", invoice_id=invoice_id, status=invoice.status)
    if amount <= 0:
        raise ReceivablesError("recv.claim.positive", amount=str(amount))
    room = state_of(invoice).outstanding - pending_claims_total(session, invoice_id)
    if amount > room:
        raise ReceivablesError("recv.claim.too_much", amount=str(amount), invoice_id=invoice_id, room=str(room))
    if claim_id is None:
        count = session.scalar(select(func.count()).select_from(PaymentClaim)
                               .where(PaymentClaim.invoice_id == invoice_id)) or 0
        claim_id = f"CLM-{invoice_id}-{count + 1}"
    if session.get(PaymentClaim, claim_id) is not None:
        raise ReceivablesError("recv.claim.exists", claim_id=claim_id)
    claim = PaymentClaim(claim_id=claim_id, invoice_id=invoice_id, owner_id=owner_id, amount=amount,
                         submitted_at=at, status="finance_review")
    session.add(claim)
    finance = _finance_users(session)
    session.add(Task(task_id=f"{REVIEW_NODE}:{claim_id}", node=REVIEW_NODE, entity_type="payment_claim",
                     entity_id=claim_id, owner_id=finance[0] if finance else None, created_at=at, kind="workflow",
                     title=f"审核回款认领 {claim_id}（发票 {invoice_id}）",
                     details={"invoice_id": invoice_id, "amount": str(amount)}))
    rep = session.scalar(select(User.name).where(User.user_id == owner_id)) or owner_id
    if finance:
        enqueue(session, dedup_key=f"claim_submitted:{claim_id}", recipients=finance,
                subject=t("claim.submitted.subject", invoice_id=invoice_id, amount=amount),
                body=t("claim.submitted.body", rep=rep, claim_id=claim_id),
                event_type="claim_submitted", entity_type="payment_claim", entity_id=claim_id, at=at)
    audit.record(session, actor=filer, action="claim.submit", entity_type="payment_claim", entity_id=claim_id,
                 after={"invoice_id": invoice_id, "amount": str(amount), "status": "finance_review"}, at=at)
    session.flush()
    return claim


def _decide(session: Session, claim: PaymentClaim, decision: str, *, actor: str, at: datetime,
            note: str | None) -> PaymentClaim:
    claim.status, claim.reviewed_at = decision, at
    session.execute(update(Task).where(Task.node == REVIEW_NODE, Task.entity_type == "payment_claim",
                                       Task.entity_id == claim.claim_id, Task.done_at.is_(None)).values(done_at=at))
    audit.record(session, actor=actor, action=f"claim.{'confirm' if decision == 'confirmed' else 'reject'}",
                 entity_type="payment_claim", entity_id=claim.claim_id, before={"status": "finance_review"},
                 after={"status": decision, "reviewed_at": at}, note=note, at=at)
    enqueue(session, dedup_key=f"claim_{decision}:{claim.claim_id}", recipients=[claim.owner_id],
            subject=t("claim.decided.subject", claim_id=claim.claim_id, decision=t(f"claim.{decision}")),
            body=t("claim.decided.body", invoice_id=claim.invoice_id, amount=claim.amount, actor=actor,
                   note=note or ""),
            event_type=f"claim_{decision}", entity_type="payment_claim", entity_id=claim.claim_id, at=at)
    session.flush()
    return claim


def confirm_claim(session: Session, claim_id: str, *, actor: Actor | str, at: datetime,
                  txn_id: str | None = None) -> PaymentClaim:
    """Finance confirms: the claimed amount is applied to the invoice (through bank line ``txn_id`` if given)."""
    claim = _claim(session, claim_id)
    actor = authorize(session, actor, "claim.review", claim.owner_id).user_id
    if txn_id is not None:
        line = session.get(BankTransaction, txn_id)
        if line is None or line.direction != "in":
            raise ReceivablesError("recv.line.unknown_incoming", txn_id=repr(txn_id))
        apply_line(session, line, [claim.invoice_id], actor=actor, at=at, rule="claim",
                   amounts={claim.invoice_id: claim.amount})
        note = f"paid by bank line {txn_id}"
    else:
        invoice = session.get(Invoice, claim.invoice_id, with_for_update=True)
        before = state_of(invoice)
        after = pay(before, claim.amount, at, invoice_id=claim.invoice_id)
        assign(invoice, after)
        audit.record(session, actor=actor, action="invoice.payment_applied", entity_type="invoice",
                     entity_id=claim.invoice_id, before=before.as_dict(), after=after.as_dict(),
                     note=f"payment claim {claim_id}", at=at)
        note = None
    return _decide(session, claim, "confirmed", actor=actor, at=at, note=note)


def reject_claim(session: Session, claim_id: str, *, actor: Actor | str, at: datetime,
                 reason: str) -> PaymentClaim:
    """Finance rejects the claim (a reason is required); the invoice is untouched."""
    claim = _claim(session, claim_id)
    actor = authorize(session, actor, "claim.review", claim.owner_id).user_id
    if not reason or not reason.strip():
        raise ReceivablesError("recv.reject_reason")
    return _decide(session, claim, "rejected", actor=actor, at=at, note=reason.strip())
