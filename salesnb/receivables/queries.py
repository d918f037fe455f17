"""Queries the receivables pages share: invoices joined to their contract and customer, and the bank
matches a person sees (no matching engine here: the lists load only this)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.sql import FromClause

from ..auth.visibility import Scope
from ..models import BankMatch, BankTransaction, Contract, Customer, Invoice, Order

ACTIVE = ("applied", "candidate")  # a line with a match in these states is not matched again
ID_BATCH = 500  # ids per IN (…) list: far below SQLite's and PostgreSQL's limits on bound parameters


@dataclass(frozen=True, slots=True)
class MatchRow:
    """A bank match as the reconciliation app lists it: the match, its bank line, the invoice and customer."""

    match_id: int
    txn_id: str
    booked_at: datetime
    line_amount: Decimal
    payer_name: str | None
    memo: str | None
    invoice_id: str
    customer_name: str | None


def invoice_contract(src: FromClause) -> ColumnElement[Any]:
    """The contract an invoice (a row of ``src``) belongs to: its own ``contract_id``, else its order's
    (read only for an invoice without one)."""
    # correlated to ``src`` by name: nested in another subquery (the contract's terms or owner) SQLAlchemy would
    # otherwise put ``src`` in this one's FROM, and every invoice would read some order's contract
    via_order = select(Order.contract_id).where(Order.order_id == src.c.order_id).correlate(src).scalar_subquery()
    return func.coalesce(src.c.contract_id, via_order)


def invoice_customer_join(order_lookup: bool = False):
    """Invoices joined to their contract, found directly or through the order; returns the join and the
    contract id column.

    By default the orders are joined too (PostgreSQL hashes them). ``order_lookup`` reads an invoice's
    order only when the invoice has no contract of its own: SQLite, which joins by looking each row up, then
    skips 800,000 look-ups of orders at 1 M orders (0.9 s)."""
    inv = Invoice.__table__
    if order_lookup:
        contract_id = invoice_contract(inv)
        joined = inv.outerjoin(Contract.__table__, Contract.contract_id == contract_id)
    else:
        contract_id = func.coalesce(Invoice.contract_id, Order.contract_id)
        joined = (inv.outerjoin(Order.__table__, Order.order_id == Invoice.order_id)
                  .outerjoin(Contract.__table__, Contract.contract_id == contract_id))
    return joined, contract_id.label("contract_id")


def matches_seen(status: str, scope: Scope, *columns) -> Select:
    """``columns`` of the bank matches in ``status`` whose invoice's contract owner ``scope`` sees,
    joined to their invoice, contract, bank line and customer."""
    joined, _ = invoice_customer_join()
    return (select(*columns)
            .select_from(joined.join(BankMatch.__table__, BankMatch.invoice_id == Invoice.invoice_id)
                         .join(BankTransaction.__table__, BankTransaction.txn_id == BankMatch.txn_id)
                         .outerjoin(Customer.__table__, Customer.customer_id == Contract.customer_id))
            .where(BankMatch.status == status, scope.clause(Contract.owner_id)))
