"""Queries the receivables pages share: invoices joined to their contract and customer, and the bank
matches a person sees (no matching engine here: the lists load only this)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Select, func, select

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


def invoice_customer_join():
    """(invoice_id, contract_id, customer_id) with the contract found directly or through the order."""
    contract_id = func.coalesce(Invoice.contract_id, Order.contract_id)
    joined = (Invoice.__table__.outerjoin(Order.__table__, Order.order_id == Invoice.order_id)
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
