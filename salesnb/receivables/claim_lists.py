"""What the claims app lists: invoices a rep can claim, and claims with their invoice, customer and people.

Read-only queries; filing and deciding stay in :mod:`salesnb.receivables.claims`.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import aliased

from ..db import session_scope
from ..models import Contract, Customer, Invoice, PaymentClaim, User
from .payments import OPEN_STATUSES
from .reconcile import invoice_customer_join

CENTS = Decimal("0.01")


@dataclass(frozen=True)
class ClaimableInvoice:
    """An issued, unpaid invoice: what is outstanding and what is still free to claim."""

    invoice_id: str
    customer_name: str | None
    owner_id: str | None
    amount: Decimal
    outstanding: Decimal
    in_review: Decimal  # claims of it waiting for finance

    @property
    def claimable(self) -> Decimal:
        return max(self.outstanding - self.in_review, Decimal(0)).quantize(CENTS)


@dataclass(frozen=True)
class ClaimRow:
    """A payment claim with its invoice, customer and the rep who filed it."""

    claim_id: str
    invoice_id: str
    customer_name: str | None
    owner_id: str
    owner_name: str | None
    invoice_owner_id: str | None
    amount: Decimal
    submitted_at: datetime
    status: str
    reviewed_at: datetime | None


def claimable_invoices(engine: Engine, owners: Collection[str] | None = None) -> list[ClaimableInvoice]:
    """Open invoices (of contracts owned by ``owners``; every one when ``None``) with something left to claim."""
    joined, _contract_id = invoice_customer_join()
    pending = (select(PaymentClaim.invoice_id, func.sum(PaymentClaim.amount).label("total"))
               .where(PaymentClaim.status == "finance_review").group_by(PaymentClaim.invoice_id).subquery())
    query = (select(Invoice.invoice_id, Customer.name, Contract.owner_id, Invoice.amount, Invoice.paid_amount,
                    pending.c.total)
             .select_from(joined.outerjoin(Customer.__table__, Customer.customer_id == Contract.customer_id)
                          .outerjoin(pending, pending.c.invoice_id == Invoice.invoice_id))
             .where(Invoice.status.in_(OPEN_STATUSES)).order_by(Invoice.invoice_id))
    if owners is not None:
        query = query.where(Contract.owner_id.in_(list(owners)))
    out = []
    with session_scope(engine) as session:
        for invoice_id, customer, owner, amount, paid, in_review in session.execute(query):
            amount = Decimal(str(amount)).quantize(CENTS)
            outstanding = (amount - Decimal(str(paid or 0))).quantize(CENTS)
            row = ClaimableInvoice(invoice_id, customer, owner, amount, outstanding,
                                   Decimal(str(in_review or 0)).quantize(CENTS))
            if row.claimable > 0:
                out.append(row)
    return out


def claim_rows(engine: Engine, *, status: str | None = None, owners: Collection[str] | None = None,
               limit: int = 200) -> list[ClaimRow]:
    """Claims (in ``status`` only, when given; filed by or on invoices of ``owners``, when given), newest first."""
    joined, _contract_id = invoice_customer_join()
    filer = aliased(User)
    query = (select(PaymentClaim.claim_id, PaymentClaim.invoice_id, Customer.name, PaymentClaim.owner_id, filer.name,
                    Contract.owner_id, PaymentClaim.amount, PaymentClaim.submitted_at, PaymentClaim.status,
                    PaymentClaim.reviewed_at)
             .select_from(PaymentClaim.__table__.join(joined, Invoice.invoice_id == PaymentClaim.invoice_id)
                          .outerjoin(Customer.__table__, Customer.customer_id == Contract.customer_id)
                          .outerjoin(filer, filer.user_id == PaymentClaim.owner_id))
             .order_by(PaymentClaim.submitted_at.desc(), PaymentClaim.claim_id).limit(limit))
    if status is not None:
        query = query.where(PaymentClaim.status == status)
    if owners is not None:
        owners = list(owners)
        query = query.where(PaymentClaim.owner_id.in_(owners) | Contract.owner_id.in_(owners))
    with session_scope(engine) as session:
        return [ClaimRow(*row) for row in session.execute(query)]
