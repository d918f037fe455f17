"""Applying a bank line to invoices: the one write every path shares (automatic reconciliation's
review, a confirmed payment claim, a person's manual match)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import audit
from ..errors import ReceivablesError
from ..models import BankMatch, BankTransaction, Invoice
from . import messages  # noqa: F401 - the keys of the errors below
from .payments import ZERO, assign, pay, state_of


def incoming_line(session: Session, txn_id: str) -> BankTransaction:
    line = session.get(BankTransaction, txn_id)
    if line is None:
        raise ReceivablesError("recv.line.unknown", txn_id=repr(txn_id))
    if line.direction != "in":
        raise ReceivablesError("recv.line.outgoing", txn_id=txn_id)
    return line


def line_matches(session: Session, txn_id: str, status: str) -> list[BankMatch]:
    return list(session.scalars(select(BankMatch).where(BankMatch.txn_id == txn_id, BankMatch.status == status)
                                .order_by(BankMatch.confidence.desc(), BankMatch.id)))


def apply_line(session: Session, line: BankTransaction, invoice_ids: Sequence[str], *, actor: str, at: datetime,
               rule: str, amounts: dict[str, Decimal] | None = None, fee: Decimal = ZERO) -> list[BankMatch]:
    """Apply an incoming line to invoices (in order): each gets the given amount, or what is left of the line.

    Refuses a line already applied, an invoice that is not open and any
    allocation beyond the line's amount (plus ``fee``, a bank charge the
    customer deducted that is written off) or an invoice's outstanding.
    """
    existing = line_matches(session, line.txn_id, "applied")
    if existing:
        # Applied just so already (reconciliation used the claim now being confirmed): nothing to do twice.
        if {m.invoice_id for m in existing} == set(invoice_ids) and all(
                (amounts or {}).get(m.invoice_id) in (None, m.amount) for m in existing):
            return existing
        raise ReceivablesError("recv.line.matched", txn_id=line.txn_id)
    if not invoice_ids:
        raise ReceivablesError("recv.line.need_invoice")
    candidates = {m.invoice_id: m for m in line_matches(session, line.txn_id, "candidate")}
    left = line.amount
    applied: list[BankMatch] = []
    for invoice_id in dict.fromkeys(invoice_ids):
        invoice = session.get(Invoice, invoice_id, with_for_update=True)
        if invoice is None:
            raise ReceivablesError("recv.invoice.unknown", invoice_id=repr(invoice_id))
        before = state_of(invoice)
        amount = (amounts or {}).get(invoice_id)
        if amount is None:
            amount = min(left, before.outstanding)
            if 0 < before.outstanding - left <= fee:
                amount = before.outstanding
        if amount > left + fee:
            raise ReceivablesError("recv.line.left", txn_id=line.txn_id, left=str(left), invoice_id=invoice_id)
        after = pay(before, amount, line.booked_at, invoice_id=invoice_id)
        assign(invoice, after)
        left = max(ZERO, left - amount)
        match = candidates.pop(invoice_id, None)
        if match is None:
            match = BankMatch(txn_id=line.txn_id, invoice_id=invoice_id, rule=rule, confidence=1.0, created_at=at)
            session.add(match)
        match.amount, match.status, match.decided_at, match.decided_by = amount, "applied", at, actor
        applied.append(match)
        audit.record(session, actor=actor, action="invoice.payment_applied", entity_type="invoice",
                     entity_id=invoice_id, before=before.as_dict(), after=after.as_dict(),
                     note=f"bank line {line.txn_id} ({match.rule}, confirmed by {actor})", at=at)
    for other in candidates.values():
        other.status, other.decided_at, other.decided_by = "rejected", at, actor
    session.flush()
    return applied
