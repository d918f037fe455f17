"""Applied bank matches as the reconciliation app lists them (newest decision first), so they can be undone.

The review queue of candidates is :func:`salesnb.receivables.review_queue`;
confirming, rejecting and unmatching are :mod:`salesnb.receivables` functions.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import Engine, Select, func, or_, select

from ..auth.visibility import Scope
from ..db import session_scope
from ..models import BankMatch, BankTransaction, Contract, Customer, Invoice, PaymentClaim
from .queries import MatchRow, invoice_customer_join, matches_seen

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True, slots=True)
class AppliedRow(MatchRow):
    """One applied match as the app lists it: the amount applied and who decided, besides the line and invoice."""

    amount: Decimal
    rule: str
    confidence: float
    decided_at: datetime | None
    decided_by: str | None


def _applied(scope: Scope | None, *columns, item: str = "") -> Select:
    stmt = matches_seen("applied", scope or Scope(None), *columns)
    if item:
        stmt = stmt.where(or_(BankMatch.txn_id == item, BankMatch.invoice_id == item))
    return stmt


def applied_count(engine: Engine, *, scope: Scope | None = None) -> int:
    """How many applied matches ``scope`` sees (those of invoices whose contract owner is seen)."""
    if scope is None or scope.everything:  # no owner to check: the matches alone (each has its invoice)
        stmt = select(func.count()).select_from(BankMatch).where(BankMatch.status == "applied")
    else:
        stmt = _applied(scope, func.count())
    with engine.connect() as conn:
        return int(conn.scalar(stmt) or 0)


def applied_rows(engine: Engine, limit: int | None = 200, *, scope: Scope | None = None, offset: int = 0,
                 item: str = "") -> list[AppliedRow]:
    """A page of the applied matches (automatic or confirmed), newest decision first, with line and customer.

    ``scope`` (``scope_of(actor, "receivables")``) keeps matches whose invoice's contract owner is seen;
    ``item`` keeps those of one bank line or one invoice.
    """
    query = (
        _applied(scope, BankMatch.id, BankMatch.txn_id, BankTransaction.booked_at, BankTransaction.amount,
                 BankTransaction.payer_name, BankTransaction.memo, BankMatch.invoice_id, Customer.name,
                 BankMatch.amount, BankMatch.rule, BankMatch.confidence, BankMatch.decided_at,
                 BankMatch.decided_by, item=item)
        .order_by(BankMatch.decided_at.desc(), BankMatch.id.desc())
        .limit(limit).offset(offset)
    )
    with session_scope(engine) as session:
        return [AppliedRow(*row) for row in session.execute(query)]


def applied_matches(engine: Engine, limit: int | None = 200, *, scope: Scope | None = None, offset: int = 0,
                    item: str = "") -> pd.DataFrame:
    """:func:`applied_rows` as a frame (the columns of :class:`AppliedRow`)."""
    import pandas as pd  # a frame for analysts; the app lists the matches

    return pd.DataFrame(applied_rows(engine, limit, scope=scope, offset=offset, item=item),
                        columns=[f.name for f in fields(AppliedRow)])


def claim_invoice(engine: Engine, claim_id: str, *, scope: Scope | None = None) -> str | None:
    """The invoice payment claim ``claim_id`` is for (``None``: no such claim, or not one ``scope`` sees)."""
    joined, _ = invoice_customer_join()
    query = (select(PaymentClaim.invoice_id)
             .select_from(joined.join(PaymentClaim.__table__, PaymentClaim.invoice_id == Invoice.invoice_id))
             .where(PaymentClaim.claim_id == claim_id, (scope or Scope(None)).clause(Contract.owner_id)))
    with session_scope(engine) as session:
        return session.scalar(query)
