"""The open invoices a set of bank lines can reach: what a reconciliation run needs to load.

The matcher (:mod:`~salesnb.receivables.matching`) looks at an invoice only
through the line it matches: by a number in the memo, by an amount (the
line's, or the line's plus a typical bank fee), by a claim on it, or through
a customer the payer may be (a name like theirs, an account or name that paid
them before, or the customer of an invoice the run pays: payer history is
learnt as it goes).  Every open invoice of such a customer may be looked at.

So a run over the lines left from earlier days and a day's new ones needs
only those invoices, not the whole open book: :func:`reachable_invoices`
finds them from a light scan (id, contract, customer, outstanding cents) and
closes the set over customers, so the matcher sees exactly what it would
have seen with every open invoice loaded.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import Contract, Invoice
from .evidence import TYPICAL_FEES, Line, payer_keys
from .names import NameIndex
from .payments import OPEN_STATUSES
from .queries import invoice_customer_join
from .refs import ref_keys, strip_separators


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
    chosen: set[str] = set()
    by_customer: dict[str, list[str]] = {}
    for invoice_id, contract_id, customer_id, cents in _open_book(session, as_of):
        if customer_id:
            by_customer.setdefault(customer_id, []).append(invoice_id)
        if (customer_id in customers or invoice_id in claimed
                or (refs and (strip_separators(invoice_id.upper()) in refs
                              or (contract_id and strip_separators(contract_id.upper()) in refs)))):
            chosen.add(invoice_id)
            if customer_id:
                customers.add(customer_id)
        elif cents is not None and int(cents) in amounts:
            chosen.add(invoice_id)
    # Closed over customers: a customer reached through one invoice (a payer learnt from paying it) is looked
    # at with all of their open invoices.  An invoice reached by its amount alone brings no customer: only
    # rules that teach no payer (amount_unique) apply such an invoice, the others only doubt a match or list
    # it for review — and a round amount reaches thousands of invoices at a million orders.
    for customer in customers:
        chosen.update(by_customer.get(customer, ()))
    return chosen


def _open_book(session: Session, as_of: datetime):
    """(invoice id, contract id, customer id, outstanding cents) of every open invoice issued by ``as_of``."""
    joined, contract_id = invoice_customer_join()
    outstanding = func.round((func.coalesce(Invoice.amount, 0) - func.coalesce(Invoice.paid_amount, 0)) * 100)
    # streamed: the open book of a million orders is half a million rows, looked at once each
    return session.execute(
        select(Invoice.invoice_id, contract_id, Contract.customer_id, outstanding)
        .select_from(joined)
        .where(Invoice.status.in_(OPEN_STATUSES), (Invoice.issued_at.is_(None)) | (Invoice.issued_at <= as_of)),
        execution_options={"yield_per": 10_000},
    )
