"""What the claims app lists: invoices a rep can claim, and claims with their invoice, customer and people.

Read-only queries; filing and deciding stay in :mod:`salesnb.receivables.claims`.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Engine, Float, Select, func, literal, or_, select
from sqlalchemy.orm import aliased

from ..auth.visibility import Scope
from ..db import session_scope
from ..models import Contract, Customer, Invoice, PaymentClaim, User
from .payments import OPEN_STATUSES
from .queries import invoice_customer_join

CENTS = Decimal("0.01")
# less than half a cent left is nothing left to claim (a plain number: Money would round it to 0.00)
HALF_CENT = literal(0.005, Float())


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


def _not_indexed(column):
    """``column`` as an expression: SQLite then walks the invoices in number order (the page's order) and stops
    after a page, rather than reading every open invoice through the status index and sorting them."""
    return func.coalesce(column, "")


def _claimable(scope: Scope | None, text: str, columns) -> Select:
    """The open invoices with something left to claim, whose contract owner is in ``scope``.

    ``columns(in_review)`` names what to select (``in_review``: the invoice's claims waiting for finance);
    ``text`` keeps those whose invoice number or customer name contains it.
    """
    joined, _contract_id = invoice_customer_join()
    pending = (select(PaymentClaim.invoice_id, func.sum(PaymentClaim.amount).label("total"))
               .where(PaymentClaim.status == "finance_review").group_by(PaymentClaim.invoice_id).subquery())
    left = Invoice.amount - func.coalesce(Invoice.paid_amount, 0) - func.coalesce(pending.c.total, 0)
    stmt = (select(*columns(pending.c.total))
            .select_from(joined.outerjoin(Customer.__table__, Customer.customer_id == Contract.customer_id)
                         .outerjoin(pending, pending.c.invoice_id == Invoice.invoice_id))
            .where(_not_indexed(Invoice.status).in_(OPEN_STATUSES), left >= HALF_CENT,
                   (scope or Scope(None)).clause(Contract.owner_id)))
    if text.strip():
        pattern = "%" + text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(or_(Invoice.invoice_id.ilike(pattern, escape="\\"),
                              Customer.name.ilike(pattern, escape="\\")))
    return stmt


def claimable_count(engine: Engine, *, scope: Scope | None = None, text: str = "",
                    at_most: int | None = None) -> int:
    """How many open invoices in ``scope`` (matching ``text``) have something left to claim.

    ``at_most``: stop counting there (a hint "more than N" costs a bounded read, not a count of them all).
    """
    stmt = _claimable(scope, text, lambda _in_review: [func.count()])
    if at_most is not None:
        found = _claimable(scope, text, lambda _in_review: [Invoice.invoice_id]).limit(at_most).subquery()
        stmt = select(func.count()).select_from(found)
    with engine.connect() as conn:
        return int(conn.scalar(stmt) or 0)


def claimable_invoices(engine: Engine, owners: Collection[str] | None = None, *, scope: Scope | None = None,
                       text: str = "", limit: int | None = None, offset: int = 0) -> list[ClaimableInvoice]:
    """Open invoices with something left to claim, by invoice number (at most ``limit`` from ``offset``).

    ``scope`` (or ``owners``: every one when ``None``) keeps the invoices whose contract owner is in it;
    ``text`` those whose number or customer name contains it.
    """
    if scope is None and owners is not None:
        scope = Scope(frozenset(owners))
    stmt = (_claimable(scope, text, lambda in_review: [Invoice.invoice_id, Customer.name, Contract.owner_id,
                                                          Invoice.amount, Invoice.paid_amount, in_review])
            .order_by(Invoice.invoice_id).limit(limit).offset(offset))
    out = []
    with session_scope(engine) as session:
        for invoice_id, customer, owner, amount, paid, in_review in session.execute(stmt):
            amount = Decimal(str(amount)).quantize(CENTS)
            outstanding = (amount - Decimal(str(paid or 0))).quantize(CENTS)
            out.append(ClaimableInvoice(invoice_id, customer, owner, amount, outstanding,
                                        Decimal(str(in_review or 0)).quantize(CENTS)))
    return out


def _claims(status: str | None, owners: Collection[str] | None, columns) -> Select:
    joined, _contract_id = invoice_customer_join()
    filer = aliased(User)
    stmt = (select(*columns(filer))
            .select_from(PaymentClaim.__table__.join(joined, Invoice.invoice_id == PaymentClaim.invoice_id)
                         .outerjoin(Customer.__table__, Customer.customer_id == Contract.customer_id)
                         .outerjoin(filer, filer.user_id == PaymentClaim.owner_id)))
    if status is not None:
        stmt = stmt.where(PaymentClaim.status == status)
    if owners is not None:
        owners = sorted(owners)
        stmt = stmt.where(PaymentClaim.owner_id.in_(owners) | Contract.owner_id.in_(owners))
    return stmt


def claim_count(engine: Engine, *, status: str | None = None, owners: Collection[str] | None = None) -> int:
    """How many claims :func:`claim_rows` lists with these filters."""
    if owners is None:  # no owner to test: the contract, customer and filer joins (many-to-one) change no count
        stmt = (select(func.count()).select_from(PaymentClaim.__table__.join(
            Invoice.__table__, Invoice.invoice_id == PaymentClaim.invoice_id)))
        if status is not None:
            stmt = stmt.where(PaymentClaim.status == status)
    else:
        stmt = _claims(status, owners, lambda _filer: [func.count()])
    with engine.connect() as conn:
        return int(conn.scalar(stmt) or 0)


def claim_rows(engine: Engine, *, status: str | None = None, owners: Collection[str] | None = None,
               limit: int | None = 200, offset: int = 0) -> list[ClaimRow]:
    """Claims (in ``status`` only, when given; filed by or on invoices of ``owners``, when given), newest first.

    ``limit`` / ``offset``: one page of them.
    """
    query = newest_claims(status, owners).limit(limit).offset(offset)
    with session_scope(engine) as session:
        return [ClaimRow(*row) for row in session.execute(query)]


def newest_claims(status: str | None, owners: Collection[str] | None) -> Select:
    """The :class:`ClaimRow` columns of the claims :func:`claim_rows` lists, newest first (the order of the
    ``submitted_at`` indexes, so a page is read, not the whole list sorted)."""
    return (_claims(status, owners, lambda filer: [
        PaymentClaim.claim_id, PaymentClaim.invoice_id, Customer.name, PaymentClaim.owner_id, filer.name,
        Contract.owner_id, PaymentClaim.amount, PaymentClaim.submitted_at, PaymentClaim.status,
        PaymentClaim.reviewed_at])
            .order_by(PaymentClaim.submitted_at.desc(), PaymentClaim.claim_id))
