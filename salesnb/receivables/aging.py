"""Invoice aging against the contract's payment terms (账龄).

An invoice is overdue as docs/design.md's ``invoice_overdue`` says: issued and
not paid or cancelled (status issued or partially_paid) with ``issued_at +
payment_terms_days < as_of`` (no terms: due on issue).  Days overdue count
started days (a few hours late is day 1), and fall in the buckets 1–30,
31–60, 61–90 and 90+ (the labels of the ``invoice_overdue`` check).
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

import pandas as pd
from sqlalchemy import Engine, select

from ..checks.builtin import bucket_label, bucket_labels
from ..db import session_scope
from ..models import Contract, Customer, Invoice, User
from ..timeutil import to_local
from .payments import OPEN_STATUSES
from .queries import invoice_customer_join

BUCKETS = bucket_labels()  # "1-30", "31-60", "61-90", "90+": the labels of the invoice_overdue check
COLUMNS = ["invoice_id", "contract_id", "customer_id", "customer_name", "owner_id", "owner_name", "amount",
           "paid_amount", "outstanding", "issued_at", "payment_terms_days", "due_at", "days_overdue", "bucket"]


def bucket_of(days_overdue: int) -> str | None:
    """The aging bucket of a number of days overdue (None when not overdue)."""
    return bucket_label(days_overdue) if days_overdue >= 1 else None


def days_overdue(due_at: datetime, as_of: datetime) -> int:
    """Started days past ``due_at`` (0 when not yet due)."""
    late = (as_of - due_at).total_seconds()
    return math.ceil(late / 86_400) if late > 0 else 0


def aging_frame(engine: Engine, as_of: datetime) -> pd.DataFrame:
    """Overdue invoices as of ``as_of``, one row each, most overdue first within each owner."""
    as_of = to_local(as_of)
    joined, contract_id = invoice_customer_join()
    query = (
        select(Invoice.invoice_id, contract_id, Contract.customer_id, Customer.name, Contract.owner_id, User.name,
               Invoice.amount, Invoice.paid_amount, Invoice.issued_at, Contract.payment_terms_days)
        .select_from(joined.outerjoin(Customer.__table__, Customer.customer_id == Contract.customer_id)
                     .outerjoin(User.__table__, User.user_id == Contract.owner_id))
        .where(Invoice.status.in_(OPEN_STATUSES), Invoice.issued_at.is_not(None), Invoice.issued_at < as_of)
    )
    records = []
    with session_scope(engine) as session:
        for row in session.execute(query):
            (invoice_id, contract, customer_id, customer_name, owner_id, owner_name, amount, paid, issued_at,
             terms) = row
            due_at = issued_at + timedelta(days=terms or 0)
            days = days_overdue(due_at, as_of)
            if days < 1:
                continue
            records.append([invoice_id, contract, customer_id, customer_name, owner_id, owner_name, amount, paid,
                            amount - paid, issued_at, terms, due_at, days, bucket_of(days)])
    frame = pd.DataFrame(records, columns=COLUMNS)
    frame["bucket"] = pd.Categorical(frame["bucket"], categories=list(BUCKETS), ordered=True)
    return frame.sort_values(["owner_id", "days_overdue", "invoice_id"], ascending=[True, False, True],
                             na_position="last").reset_index(drop=True)


def aging_by_owner(frame: pd.DataFrame, value: str = "outstanding") -> pd.DataFrame:
    """Owner × bucket table of ``value`` (``outstanding`` summed, or ``count`` of invoices), with a total column."""
    keyed = frame.assign(owner=frame["owner_id"].fillna("(none)"), count=1)
    column = "count" if value == "count" else "outstanding"
    keyed[column] = keyed[column].astype(float) if column == "outstanding" else keyed[column]
    table = keyed.pivot_table(index="owner", columns="bucket", values=column, aggfunc="sum", fill_value=0,
                              observed=False)
    table = table.reindex(columns=list(BUCKETS), fill_value=0)
    table["total"] = table.sum(axis=1)
    table.columns.name = None
    return table.sort_values("total", ascending=False)
