"""The open invoices a set of bank lines can reach: what a reconciliation run needs to load.

The matcher (:mod:`~salesnb.receivables.matching`) looks at an invoice only
through the line it matches: by a number in the memo, by an amount (the
line's, or the line's plus a typical bank fee), by a claim on it, or through
a customer the payer may be (a name like theirs, an account or name that paid
them before, or the customer of an invoice the run pays: payer history is
learnt as it goes).  Every open invoice of such a customer may be looked at.

So a run over the lines left from earlier days and a day's new ones needs
only those invoices, not the whole open book.  :func:`reachable_invoices`
asks the database for them, the lines' amounts, memo numbers, customers and
the claimed invoices put in temporary tables the queries join: one pass over
the open invoices (by amount, claim or number), then every open invoice of
the customers reached (by index).  Scanning the whole open book in Python
instead cost 3–5 s of a next-day run at a million orders.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Column,
    ColumnElement,
    MetaData,
    String,
    Table,
    Text,
    and_,
    delete,
    func,
    literal,
    select,
    union,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from ..db import insert_columns
from ..models import Contract, Invoice, Order
from .evidence import TYPICAL_FEES, Line, payer_keys
from .names import NameIndex
from .payments import OPEN_STATUSES
from .queries import ID_BATCH, invoice_customer_join
from .refs import ref_keys

_KEYS = MetaData()
AMOUNTS = Table("salesnb_reach_amounts", _KEYS, Column("cents", BigInteger, primary_key=True),
                prefixes=["TEMPORARY"])
# kind: "customer", "claimed" (an invoice id) or "ref" (a memo's number as refs.ref_keys folds it)
KEYS = Table("salesnb_reach_keys", _KEYS, Column("kind", String(10), primary_key=True),
             Column("key", Text, primary_key=True), prefixes=["TEMPORARY"])  # a memo's token may be long
CHOSEN = Table("salesnb_reach_chosen", _KEYS, Column("invoice_id", String(200), primary_key=True),
               prefixes=["TEMPORARY"])


def reachable_invoices(session: Session, lines: Iterable[Line], as_of: datetime, names: NameIndex,
                       payers: dict[str, set[str]], claimed: Iterable[str], min_name_score: float) -> set[str]:
    """Ids of the open invoices (issued by ``as_of``) the matcher can look at for ``lines``.

    ``payers`` is the payer history by payer key (see
    :func:`~salesnb.receivables.evidence.payer_keys`), ``claimed`` the
    invoices with open claims.
    """
    amounts: set[int] = set()
    refs: set[str] = set()
    customers: set[str] = set()
    for line in lines:
        amounts.update(line.amount + fee for fee in (0, *TYPICAL_FEES))
        refs |= ref_keys(line.memo)
        customers.update(hit.key for hit in names.lookup(line.payer_name, min_name_score))
        for key in payer_keys(line):
            customers |= payers.get(key, set())
    claimed = set(claimed)
    conn = session.connection()
    is_open = (Invoice.status.in_(OPEN_STATUSES), Invoice.issued_at.is_(None) | (Invoice.issued_at <= as_of))
    joined, contract_id = invoice_customer_join()
    outstanding = func.round((func.coalesce(Invoice.amount, 0) - func.coalesce(Invoice.paid_amount, 0)) * 100)
    book = Invoice.__table__.outerjoin(Order.__table__, Order.order_id == Invoice.order_id)
    with _temporary_tables(conn, AMOUNTS, KEYS):
        insert_columns(conn, AMOUNTS, cents=sorted(amounts))
        insert_columns(conn, KEYS, kind=["claimed"] * len(claimed) + ["ref"] * len(refs), key=[*claimed, *refs])
        # One join per way in, not one condition with ORs of IN (…): PostgreSQL runs an IN inside an OR as a
        # subplan per invoice, and a first run's million amounts no longer fit its hash.
        # (way in, whether an invoice found by it brings its customer).  An invoice reached by its amount alone
        # brings none: only rules that teach no payer (amount_unique) apply such an invoice, the others only
        # doubt a match or list it for review — and a round amount reaches thousands of invoices at a million
        # orders.  A claimed invoice or one a memo names brings its customer, looked at whole.
        ways = [((AMOUNTS, AMOUNTS.c.cents == outstanding), False), (_keyed("claimed", Invoice.invoice_id), True)]
        if refs:
            ways += [(_keyed("ref", _folded(Invoice.invoice_id)), True), (_keyed("ref", _folded(contract_id)), True)]
        chosen: set[str] = set()
        named: set[str] = set()
        for invoice_id, brings in conn.execute(union(*(
                select(Invoice.invoice_id, literal(brings).label("brings")).select_from(book.join(*way))
                .where(*is_open) for way, brings in ways))):
            chosen.add(invoice_id)
            if brings:
                named.add(invoice_id)
        customers |= _customers_of(conn, sorted(named), joined)
        # Closed over customers: a customer reached through one invoice (a payer learnt from paying it) is
        # looked at with all of their open invoices — found from the customer by index (contract, then its
        # invoices direct or through its orders), which a join on the coalesced contract id would not use.
        conn.execute(delete(KEYS))
        insert_columns(conn, KEYS, kind=["customer"] * len(customers), key=list(customers))
        theirs = _keyed("customer", Contract.customer_id)
        chosen.update(conn.scalars(union(
            select(Invoice.invoice_id).select_from(
                Invoice.__table__.join(Contract.__table__, Contract.contract_id == Invoice.contract_id)
                .join(*theirs)).where(*is_open),
            select(Invoice.invoice_id).select_from(
                Invoice.__table__.join(Order.__table__, Order.order_id == Invoice.order_id)
                .join(Contract.__table__, Contract.contract_id == Order.contract_id).join(*theirs))
            .where(Invoice.contract_id.is_(None), *is_open))))
    return chosen


def _keyed(kind: str, value) -> tuple[Table, ColumnElement[bool]]:
    """The key table joined where its ``kind`` key is ``value``."""
    return KEYS, and_(KEYS.c.kind == kind, KEYS.c.key == value)


def _customers_of(conn: Connection, invoice_ids: list[str], joined) -> set[str]:
    """The customers of ``invoice_ids`` (through their contract, or their order's: ``joined`` is
    :func:`~salesnb.receivables.queries.invoice_customer_join`'s)."""
    query = select(Contract.customer_id).select_from(joined).where(Contract.customer_id.is_not(None))
    found: set[str] = set()
    for start in range(0, len(invoice_ids), ID_BATCH):
        found.update(conn.scalars(query.where(Invoice.invoice_id.in_(invoice_ids[start:start + ID_BATCH]))))
    return found


def _folded(column):
    """SQL of :func:`~salesnb.receivables.refs.strip_separators` on the upper-cased ``column``: a memo's
    numbers are ASCII, upper-cased alike in Python and in every database."""
    return func.replace(func.replace(func.upper(column), "-", ""), "_", "")


@contextmanager
def _temporary_tables(conn: Connection, *tables: Table) -> Iterator[None]:
    """``tables``, empty, for one read (dropped after it: a connection serves many runs; on an error the run's
    rollback drops them, and a drop in an aborted PostgreSQL transaction would hide the error)."""
    for table in tables:
        table.drop(conn, checkfirst=True)
        table.create(conn)
    yield
    for table in tables:
        table.drop(conn)


@contextmanager
def chosen_invoices(conn: Connection, invoice_ids: Iterable[str]) -> Iterator[Table]:
    """``invoice_ids`` (those :func:`reachable_invoices` found) as a temporary table to join with, for one read
    (a day at a million orders reaches 135,000 invoices: 270 lists of ``IN (…)`` took 2.5 s on PostgreSQL)."""
    with _temporary_tables(conn, CHOSEN):
        insert_columns(conn, CHOSEN, invoice_id=sorted(invoice_ids))
        yield CHOSEN
