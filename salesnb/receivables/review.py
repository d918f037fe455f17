"""The manual side of reconciliation: the review queue, confirming, rejecting and unmatching.

Each function takes the caller's session and records who decided, when, and
the invoice's before/after payment state in the audit log.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

from sqlalchemy import Engine, Select, and_, distinct, exists, func, or_, select
from sqlalchemy.orm import Session

from .. import audit
from ..auth.people import Actor
from ..auth.permissions import authorize
from ..auth.visibility import Scope
from ..db import session_scope
from ..errors import ReceivablesError
from ..models import BankMatch, BankTransaction, Customer, Invoice
from . import messages  # noqa: F401 - the keys of the errors below
from .payments import FEE_RULES, ZERO, assign, state_of, unpay
from .apply import apply_line, incoming_line, line_matches
from .queries import ACTIVE, MatchRow, matches_seen

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True, slots=True)
class Candidate(MatchRow):
    """One candidate match of the review queue: the bank line, the invoice and what would be applied."""

    invoice_amount: Decimal
    outstanding: Decimal
    proposed_amount: Decimal
    rule: str
    confidence: float


def _candidates(scope: Scope | None, *columns, item: str = "") -> Select:
    """``columns`` of the candidate matches waiting for a decision whose invoice's contract owner ``scope`` sees.

    ``item`` keeps the bank lines named by it: a line's serial, or an invoice one of its candidates is for.
    """
    stmt = matches_seen("candidate", scope or Scope(None), *columns)
    if item:
        named = (select(BankMatch.txn_id).where(BankMatch.status == "candidate",
                                                or_(BankMatch.txn_id == item, BankMatch.invoice_id == item)))
        stmt = stmt.where(BankMatch.txn_id.in_(named))
    return stmt


def review_count(engine: Engine, *, scope: Scope | None = None) -> int:
    """How many bank lines have candidates waiting for a decision (those ``scope`` sees)."""
    if scope is None or scope.everything:  # no owner to check: the candidates alone (each has its invoice)
        stmt = select(func.count(distinct(BankMatch.txn_id))).where(BankMatch.status == "candidate")
    else:
        stmt = _candidates(scope, func.count(distinct(BankMatch.txn_id)))
    with engine.connect() as conn:
        return int(conn.scalar(stmt) or 0)


def review_candidates(engine: Engine, *, scope: Scope | None = None, limit: int | None = None, offset: int = 0,
                      item: str = "") -> list[Candidate]:
    """Candidate matches waiting for a decision, best first within each bank line (lines by booking time).

    ``scope`` (``scope_of(actor, "receivables")``) keeps candidates whose invoice's contract owner is seen.
    ``limit`` / ``offset`` page by bank line (every candidate of the lines of the page); ``item`` keeps the
    line with that serial or with a candidate for that invoice.
    """
    query = _candidates(
        scope, BankMatch.id, BankMatch.txn_id, BankTransaction.booked_at, BankTransaction.amount,
        BankTransaction.payer_name, BankTransaction.memo, BankMatch.invoice_id, Customer.name, Invoice.amount,
        Invoice.paid_amount, BankMatch.amount, BankMatch.rule, BankMatch.confidence, item=item,
    ).order_by(BankTransaction.booked_at, BankMatch.txn_id, BankMatch.confidence.desc(), BankMatch.invoice_id)
    with session_scope(engine) as session:
        if limit is not None or offset:  # the page's lines first, then their candidates
            if (scope is None or scope.everything) and not item:
                lines = (select(BankMatch.txn_id, BankTransaction.booked_at)
                         .join(BankTransaction, BankTransaction.txn_id == BankMatch.txn_id)
                         .where(BankMatch.status == "candidate"))
            else:
                lines = _candidates(scope, BankMatch.txn_id, BankTransaction.booked_at, item=item)
            lines = (lines.group_by(BankMatch.txn_id, BankTransaction.booked_at)
                     .order_by(BankTransaction.booked_at, BankMatch.txn_id).limit(limit).offset(offset))
            query = query.where(BankMatch.txn_id.in_([txn for txn, _at in session.execute(lines)]))
        rows = session.execute(query).all()
    return [Candidate(match_id, txn, at, line_amount, payer, memo, invoice, customer, amount, amount - paid,
                      proposed, rule, confidence)
            for match_id, txn, at, line_amount, payer, memo, invoice, customer, amount, paid, proposed, rule, confidence
            in rows]


def review_queue(engine: Engine, *, scope: Scope | None = None, limit: int | None = None, offset: int = 0,
                 item: str = "") -> pd.DataFrame:
    """:func:`review_candidates` as a frame (one row a candidate, the columns of :class:`Candidate`)."""
    import pandas as pd  # a frame for the command line and analysts; the app lists the candidates

    return pd.DataFrame(review_candidates(engine, scope=scope, limit=limit, offset=offset, item=item),
                        columns=[f.name for f in fields(Candidate)])


def unmatched_lines(engine: Engine, as_of: datetime | None = None) -> pd.DataFrame:
    """Incoming bank lines with no applied match and no candidate: nobody knows whose money this is."""
    import pandas as pd  # a frame for the command line and analysts

    active = exists().where(and_(BankMatch.txn_id == BankTransaction.txn_id, BankMatch.status.in_(ACTIVE)))
    query = (select(BankTransaction.txn_id, BankTransaction.booked_at, BankTransaction.amount,
                    BankTransaction.payer_name, BankTransaction.payer_account, BankTransaction.memo)
             .where(BankTransaction.direction == "in", ~active).order_by(BankTransaction.booked_at))
    if as_of is not None:
        query = query.where(BankTransaction.booked_at <= as_of)
    with session_scope(engine) as session:
        rows = session.execute(query).all()
    return pd.DataFrame(rows, columns=["txn_id", "booked_at", "amount", "payer_name", "payer_account", "memo"])


def confirm(session: Session, txn_id: str, invoice_ids: Sequence[str] = (), *, actor: Actor | str,
            at: datetime, amounts: dict[str, Decimal] | None = None, fee: Decimal = ZERO) -> list[BankMatch]:
    """Confirm a queued line: apply it to ``invoice_ids`` (default: its best candidate); other candidates are rejected.

    ``fee`` is the largest bank charge to write off when the line is short of
    the invoice (the best candidate of a ``fee`` rule carries its own).
    """
    actor = authorize(session, actor, "bank.review").user_id
    line = incoming_line(session, txn_id)
    if not invoice_ids:
        best = line_matches(session, txn_id, "candidate")
        if not best:
            raise ReceivablesError("recv.line.no_candidate", txn_id=txn_id)
        invoice_ids, amounts = [best[0].invoice_id], {best[0].invoice_id: best[0].amount}
        if best[0].rule in FEE_RULES:
            fee = max(fee, best[0].amount - line.amount)
    return apply_line(session, line, invoice_ids, actor=actor, at=at, rule="manual", amounts=amounts, fee=fee)


def reject(session: Session, txn_id: str, invoice_ids: Sequence[str] = (), *, actor: Actor | str,
           at: datetime, note: str | None = None) -> int:
    """Reject candidates of a line (all, or those of ``invoice_ids``); they are never proposed again."""
    actor = authorize(session, actor, "bank.review").user_id
    incoming_line(session, txn_id)
    rejected = 0
    for match in line_matches(session, txn_id, "candidate"):
        if invoice_ids and match.invoice_id not in invoice_ids:
            continue
        match.status, match.decided_at, match.decided_by = "rejected", at, actor
        audit.record(session, actor=actor, action="bank_match.reject", entity_type="bank_transaction",
                     entity_id=txn_id, before={"invoice_id": match.invoice_id, "status": "candidate"},
                     after={"invoice_id": match.invoice_id, "status": "rejected"}, note=note, at=at)
        rejected += 1
    if not rejected:
        raise ReceivablesError("recv.line.no_such_candidate", txn_id=txn_id)
    return rejected


def unmatch(session: Session, txn_id: str, invoice_ids: Sequence[str] = (), *, actor: Actor | str,
            at: datetime, note: str | None = None) -> int:
    """Undo applied matches of a line: the invoices get their money back out; the pair is not auto-matched again."""
    actor = authorize(session, actor, "bank.review").user_id
    incoming_line(session, txn_id)
    undone = 0
    for match in line_matches(session, txn_id, "applied"):
        if invoice_ids and match.invoice_id not in invoice_ids:
            continue
        invoice = session.get(Invoice, match.invoice_id, with_for_update=True)
        before = state_of(invoice)
        after = unpay(before, match.amount, invoice_id=match.invoice_id)
        assign(invoice, after)
        match.status, match.decided_at, match.decided_by = "unmatched", at, actor
        audit.record(session, actor=actor, action="bank_match.unmatch", entity_type="invoice",
                     entity_id=match.invoice_id, before=before.as_dict(),
                     after={**after.as_dict(), "txn_id": txn_id, "rule": match.rule}, note=note, at=at)
        undone += 1
    if not undone:
        raise ReceivablesError("recv.line.no_applied_to" if invoice_ids else "recv.line.no_applied", txn_id=txn_id,
                               invoices=", ".join(invoice_ids or ()))
    session.flush()
    return undone
