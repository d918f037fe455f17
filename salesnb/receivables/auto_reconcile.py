"""Automatic bank reconciliation: match incoming bank lines to open invoices and apply the sure ones.

:func:`reconcile` loads the incoming lines not yet applied or queued, the open
invoices (issued / partially_paid, outstanding = amount − paid_amount) those
lines can reach (:mod:`~salesnb.receivables.reach`: a day's run loads what
its lines need, not the whole open book) with their customers, runs
:mod:`salesnb.receivables.matching`, and in one transaction writes ``bank_matches`` rows (``applied`` or ``candidate``),
raises the invoices' ``paid_amount`` (status paid or partially_paid,
``paid_at`` when fully paid) and logs every invoice change in the audit log.
A rerun finds nothing new: applied and queued lines are skipped, and pairs a
reviewer rejected or unmatched are never proposed again.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Engine,
    and_,
    bindparam,
    exists,
    insert,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session

from ..db import refresh_statistics, session_scope
from ..errors import ReceivablesError
from ..models import (
    AuditLog,
    BankMatch,
    BankTransaction,
    Contract,
    Customer,
    Invoice,
    PaymentClaim,
)
from ..timeutil import now, to_local
from . import messages  # noqa: F401 - the keys of the errors below
from .matching import (
    UNLEARNT_RULES,
    Claim,
    Line,
    OpenInvoice,
    Options,
    Plan,
    Proposal,
    plan_matches,
)
from .evidence import ACCOUNT, payer_history, payer_keys, payer_name_key
from .names import NameIndex
from .payments import OPEN_STATUSES, PaymentState, pay
from .queries import ACTIVE, ID_BATCH, invoice_customer_join
from .reach import chosen_invoices, reachable_invoices

CENTS = Decimal("0.01")
FOLD_BATCH = 10_000  # payer keys written per executemany
CLOSED_PAIRS = ("rejected", "unmatched")  # a reviewer said no: never propose this pair again


def to_cents(amount: Decimal | float) -> int:
    return int((Decimal(str(amount)) / CENTS).to_integral_value())


def from_cents(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


@dataclass(frozen=True)
class AppliedMatch:
    txn_id: str
    invoice_id: str
    amount: Decimal
    rule: str
    confidence: float

    def as_dict(self) -> dict[str, Any]:
        return {"txn_id": self.txn_id, "invoice_id": self.invoice_id, "amount": str(self.amount),
                "rule": self.rule, "confidence": self.confidence}


@dataclass
class ReconcileReport:
    """What one run did: lines matched (applied), queued for review, left unmatched."""

    as_of: datetime
    considered: int = 0
    matched: int = 0
    queued: int = 0
    unmatched: int = 0
    applied: list[AppliedMatch] = field(default_factory=list)
    candidates: int = 0
    invoices_paid: int = 0
    invoices_partly_paid: int = 0
    seconds: float = 0.0

    @property
    def by_rule(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for match in self.applied:
            counts[match.rule] += 1
        return dict(sorted(counts.items()))

    def as_dict(self) -> dict[str, Any]:
        """The ``salesnb reconcile --json`` document."""
        return {
            "as_of": self.as_of.isoformat(),
            "considered": self.considered, "matched": self.matched, "queued": self.queued,
            "unmatched": self.unmatched, "candidates": self.candidates,
            "invoices_paid": self.invoices_paid, "invoices_partly_paid": self.invoices_partly_paid,
            "by_rule": self.by_rule, "seconds": round(self.seconds, 3),
            "applied": [m.as_dict() for m in self.applied],
        }


@dataclass
class _State:
    lines: dict[str, Line]
    booked: dict[str, datetime]
    invoices: dict[str, OpenInvoice]
    payment: dict[str, PaymentState]
    customer_names: dict[str, str]
    names: NameIndex
    excluded: set[tuple[str, str]]
    payers: dict[str, set[str]]  # payer history by payer key
    claims: list[Claim]
    paid_to: set[str]  # payer keys of the lines' payers this company has paid (suppliers)


def _load(session: Session, as_of: datetime, options: Options, *, dry_run: bool = False) -> _State:
    """The lines to match and what the matcher needs for them: only the open invoices they can reach
    (:mod:`~salesnb.receivables.reach`), so a day's run costs the lines it has, not the open book."""
    active = exists().where(and_(BankMatch.txn_id == BankTransaction.txn_id, BankMatch.status.in_(ACTIVE)))
    # a line read before and placed nowhere is read again only while a claim or an invoice may still place it
    unread_or_recent = or_(BankTransaction.unplaced_read_at.is_(None),
                           BankTransaction.booked_at >= as_of - timedelta(days=options.reread_days))
    line_rows = session.execute(
        select(BankTransaction.txn_id, BankTransaction.booked_at, BankTransaction.amount,
               BankTransaction.payer_name, BankTransaction.payer_account, BankTransaction.memo)
        .where(BankTransaction.direction == "in", BankTransaction.booked_at <= as_of, ~active, unread_or_recent)
    ).all()
    lines = {r.txn_id: Line(r.txn_id, to_cents(r.amount), r.booked_at.timestamp(), r.payer_name,
                            r.payer_account, r.memo) for r in line_rows if r.amount and r.amount > 0}
    booked = {r.txn_id: r.booked_at for r in line_rows}
    # Every customer, not only those with open invoices: a payer who is a known customer with nothing
    # open must not pass for a namesake who has something open.
    customer_names = {cid: name for cid, name in session.execute(select(Customer.customer_id, Customer.name))
                      if name}
    names = NameIndex(customer_names.items())
    payers = payer_history(*_paid_for(session, lines.values(), save_keys=not dry_run))
    claim_rows = _claim_rows(session, as_of)
    reach = reachable_invoices(session, lines.values(), as_of, names, payers, {r.invoice_id for r in claim_rows},
                               options.min_name_score) if lines else set()
    invoices, payment = _open_invoices(session, reach)
    excluded = {(t, i) for t, i in session.execute(
        select(BankMatch.txn_id, BankMatch.invoice_id).where(BankMatch.status.in_(CLOSED_PAIRS)))}
    return _State(lines, booked, invoices, payment, customer_names, names, excluded, payers,
                  _open_claims(claim_rows, payment), _paid_to(session, lines.values()))


def _open_invoices(session: Session, ids: set[str]) -> tuple[dict[str, OpenInvoice], dict[str, PaymentState]]:
    """The invoices ``ids`` (open, as :func:`reachable_invoices` found them) for the matcher, and their payment
    state."""
    joined, contract_id = invoice_customer_join()
    query = (select(Invoice.invoice_id, Invoice.amount, Invoice.paid_amount, Invoice.status, Invoice.paid_at,
                    Invoice.issued_at, contract_id, Contract.customer_id)
             .select_from(joined))
    invoices: dict[str, OpenInvoice] = {}
    payment: dict[str, PaymentState] = {}
    with chosen_invoices(session.connection(), ids) as chosen:
        for r in session.execute(query.join(chosen, chosen.c.invoice_id == Invoice.invoice_id)):
            state = PaymentState(r.amount, r.paid_amount or Decimal("0.00"), r.status, r.paid_at)
            payment[r.invoice_id] = state
            invoices[r.invoice_id] = OpenInvoice(
                r.invoice_id, to_cents(state.outstanding), r.issued_at.timestamp() if r.issued_at else None,
                r.customer_id, r.contract_id, to_cents(state.amount))
    return invoices, payment


def _paid_for(session: Session, lines: Collection[Line], *, save_keys: bool = True
              ) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Payer account → and payer name → the customers whose invoices it has paid (from applied matches that
    did not rest on the amount alone), for the payers of ``lines``: the matcher asks the history only of the
    keys of the lines it matches (:func:`~salesnb.receivables.evidence.payer_keys`), so a day's run reads
    its payers' history, not that of every payer ever matched.  A name is wanted when it folds to the key
    of a line's payer name ("某某（上海）" and "某某(上海)" are one): lines are found by their stored
    ``payer_key`` (:func:`_fold_new_payers` writes it for lines that have none; with ``save_keys`` false, a
    dry run, it is only held in memory)."""
    accounts = sorted({line.payer_account for line in lines if line.payer_account})
    keys = {payer_name_key(line.payer_name) for line in lines} - {""}
    folded = _fold_new_payers(session, save=save_keys)
    unsaved = [] if save_keys else sorted(t for t, key in folded.items() if key in keys)
    joined, _ = invoice_customer_join()
    paid = (select(BankTransaction.payer_account, BankTransaction.payer_name, Contract.customer_id).distinct()
            .select_from(joined.join(BankMatch.__table__, BankMatch.invoice_id == Invoice.invoice_id)
                         .join(BankTransaction.__table__, BankTransaction.txn_id == BankMatch.txn_id))
            .where(BankMatch.status == "applied", BankMatch.rule.not_in(UNLEARNT_RULES),
                   Contract.customer_id.is_not(None)))
    by_account: dict[str, set[str]] = defaultdict(set)
    by_name: dict[str, set[str]] = defaultdict(set)
    for column, wanted, found, position in ((BankTransaction.payer_account, accounts, by_account, 0),
                                            (BankTransaction.payer_key, sorted(keys), by_name, 1),
                                            (BankTransaction.txn_id, unsaved, by_name, 1)):
        for start in range(0, len(wanted), ID_BATCH):
            # the lines of these payers first (their index), then their matches: a condition on the payer
            # alone left SQLite reading every applied match for each batch
            theirs = select(BankTransaction.txn_id).where(column.in_(wanted[start:start + ID_BATCH]))
            for row in session.execute(paid.where(BankMatch.txn_id.in_(theirs))):
                found[row[position]].add(row.customer_id)
    return dict(by_account), dict(by_name)


def _paid_to(session: Session, lines: Collection[Line]) -> set[str]:
    """The payer keys (:func:`~salesnb.receivables.evidence.payer_keys`) of ``lines`` that outgoing lines name
    as their counterparty: payers this company pays (suppliers, the social insurance fund), whose incoming
    money is a refund or a rebate rather than an invoice's payment.  An outgoing line whose name is not folded
    yet (a dry run stores no keys) is folded here."""
    keys = {key for line in lines for key in payer_keys(line)}
    t = BankTransaction
    found: set[str] = set()
    accounts = sorted(k[len(ACCOUNT):] for k in keys if k.startswith(ACCOUNT))
    names = sorted(k for k in keys if not k.startswith(ACCOUNT))
    for column, wanted, prefix in ((t.payer_account, accounts, ACCOUNT), (t.payer_key, names, "")):
        for start in range(0, len(wanted), ID_BATCH):
            found.update(prefix + value for value, in session.execute(
                select(column).distinct().where(t.direction == "out", column.in_(wanted[start:start + ID_BATCH]))))
    unfolded = session.execute(select(t.payer_name).distinct().where(
        t.direction == "out", t.payer_key.is_(None), t.payer_name.is_not(None))).scalars()
    found.update(key for key in map(payer_name_key, unfolded) if key in keys)
    return found


def _fold_new_payers(session: Session, *, save: bool) -> dict[str, str]:
    """txn_id → payer key of the lines with a payer name and no stored key yet (new, or changed by an import),
    stored unless ``save`` is false.  A key is written only while the line still has the name it was folded
    from: an import may correct the line meanwhile (PostgreSQL), and then the next run folds the new name."""
    t = BankTransaction.__table__
    rows = session.execute(select(t.c.txn_id, t.c.payer_name)
                           .where(t.c.payer_key.is_(None), t.c.payer_name.is_not(None))).all()
    folded = {txn_id: payer_name_key(name) for txn_id, name in rows}
    if save and rows:
        statement = (update(t).where(t.c.txn_id == bindparam("txn"), t.c.payer_name == bindparam("name"),
                                     t.c.payer_key.is_(None)).values(payer_key=bindparam("key")))
        for start in range(0, len(rows), FOLD_BATCH):
            session.execute(statement, [{"txn": txn_id, "name": name, "key": folded[txn_id]}
                                        for txn_id, name in rows[start:start + FOLD_BATCH]])
    return folded


def _claim_rows(session: Session, as_of: datetime):
    """Claims in finance review or confirmed, submitted by ``as_of``, of open invoices (a paid invoice's claims,
    most of them at a million orders, say nothing of today's lines)."""
    return session.execute(
        select(PaymentClaim.claim_id, PaymentClaim.invoice_id, PaymentClaim.amount, PaymentClaim.submitted_at,
               PaymentClaim.status)
        .join(Invoice, Invoice.invoice_id == PaymentClaim.invoice_id)
        .where(PaymentClaim.status.in_(("finance_review", "confirmed")), PaymentClaim.submitted_at <= as_of,
               Invoice.status.in_(OPEN_STATUSES))
    ).all()


def _open_claims(rows, payment: dict[str, PaymentState]) -> list[Claim]:
    """Claims of open invoices whose money is not applied yet: in finance review, or confirmed on an
    invoice with nothing paid (confirming in salesnb applies the money, so such a confirmation came from
    elsewhere)."""
    claims = []
    for r in rows:
        state = payment.get(r.invoice_id)
        if state is None or not r.amount or r.amount <= 0:
            continue
        if r.status == "confirmed" and state.paid_amount != 0:
            continue
        claims.append(Claim(r.claim_id, r.invoice_id, to_cents(r.amount), r.submitted_at.timestamp()))
    return claims


def reconcile(engine: Engine, as_of: datetime | None = None, *, options: Options | None = None,
              actor: str = "reconcile", dry_run: bool = False) -> ReconcileReport:
    """Match incoming bank lines booked up to ``as_of`` (default now) to open invoices.

    Parameters
    ----------
    engine : the store.
    as_of : lines booked and invoices issued after this are left alone; the
        time stamped on the matches and audit entries.
    options : matcher tuning (:class:`~salesnb.receivables.matching.Options`).
    actor : recorded as ``decided_by`` of applied matches and in the audit log.
    dry_run : plan only; write nothing.
    """
    started = time.perf_counter()
    as_of = to_local(as_of) if as_of is not None else now()
    with session_scope(engine) as session:
        if not dry_run:
            _serialise(session)
        options = options or Options()
        state = _load(session, as_of, options, dry_run=dry_run)
        plan = plan_matches(state.lines.values(), state.invoices.values(), state.customer_names,
                            options=options, excluded=state.excluded,
                            payers=state.payers, claims=state.claims, names=state.names, paid_to=state.paid_to)
        report = _report(plan, state, as_of)
        if not dry_run:
            _write(session, plan, state, as_of, actor, report)
    report.seconds = time.perf_counter() - started
    return report


def _serialise(session: Session) -> None:
    """One reconciliation at a time: concurrent runs would read the same open lines and both apply them."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext('salesnb.reconcile'))"))
    else:  # SQLite: a write takes the database's write lock now, until commit
        session.execute(update(BankMatch.__table__).where(text("0")).values(status="applied"))


def _report(plan: Plan, state: _State, as_of: datetime) -> ReconcileReport:
    report = ReconcileReport(as_of=as_of, considered=len(state.lines))
    report.applied = [AppliedMatch(p.txn_id, p.invoice_id, from_cents(p.amount), p.rule, round(p.confidence, 3))
                      for p in plan.applied]
    report.matched = len({p.txn_id for p in plan.applied})
    report.queued = len({p.txn_id for p in plan.candidates})
    report.candidates = len(plan.candidates)
    report.unmatched = len(plan.unmatched)
    return report


def _write(session: Session, plan: Plan, state: _State, as_of: datetime, actor: str,
           report: ReconcileReport) -> None:
    updates: dict[str, PaymentState] = {}
    notes: dict[str, list[str]] = defaultdict(list)
    for p in sorted(plan.applied, key=lambda p: (state.booked[p.txn_id], p.txn_id)):
        current = updates.get(p.invoice_id, state.payment[p.invoice_id])
        updates[p.invoice_id] = pay(current, from_cents(p.amount), state.booked[p.txn_id], invoice_id=p.invoice_id)
        evidence = f", {p.evidence}" if p.evidence else ""
        notes[p.invoice_id].append(f"{p.txn_id} ({p.rule}, {p.confidence:.2f}{evidence})")
    match_rows = [_match_row(p, "applied", as_of, actor) for p in plan.applied]
    match_rows += [_match_row(p, "candidate", as_of, None) for p in plan.candidates]
    # Core statements (executemany): the ORM's unit of work costs more than the matching at 100,000 rows.
    if match_rows:
        session.execute(insert(BankMatch.__table__), match_rows)
        # a first run writes a quarter of a million: with the old statistics the next day's payer-history
        # lookups read every applied match for each batch of payers (44 s instead of 1.6 s at 1 M orders)
        refresh_statistics(session, len(match_rows), "bank_matches")
    if updates:
        rows = [{"key": i, "was": state.payment[i].paid_amount, "paid": s.paid_amount, "new_status": s.status,
                 "when": s.paid_at} for i, s in updates.items()]
        if _update_invoices(session, rows) != len(rows):
            raise ReceivablesError("recv.reconcile.race")
        session.execute(insert(AuditLog.__table__), [
            {"at": as_of, "actor": actor, "action": "invoice.payment_applied", "entity_type": "invoice",
             "entity_id": i, "before": state.payment[i].as_dict(), "after": s.as_dict(),
             "note": "bank reconciliation: " + ", ".join(notes[i])}
            for i, s in updates.items()
        ])
    _mark_unplaced(session, plan.unmatched, as_of)
    report.invoices_paid = sum(1 for s in updates.values() if s.status == "paid")
    report.invoices_partly_paid = len(updates) - report.invoices_paid
    session.add(AuditLog(at=as_of, actor=actor, action="reconcile.run", entity_type="bank_reconciliation",
                         entity_id=as_of.isoformat(), after={k: v for k, v in report.as_dict().items()
                                                             if k != "applied"}))


def _mark_unplaced(session: Session, txn_ids: list[str], as_of: datetime) -> None:
    """Note that this run read ``txn_ids`` and placed them nowhere (the first time only: later runs look at
    the booking date, :attr:`~salesnb.receivables.matching.Options.reread_days`)."""
    t = BankTransaction.__table__
    chosen = sorted(txn_ids)
    for start in range(0, len(chosen), ID_BATCH):
        session.execute(update(t).where(t.c.txn_id.in_(chosen[start:start + ID_BATCH]),
                                        t.c.unplaced_read_at.is_(None)).values(unplaced_read_at=as_of))


def _update_invoices(session: Session, rows: list[dict[str, Any]]) -> int:
    """Write the new payment state of invoices whose paid_amount is still what was read; return how many."""
    t = Invoice.__table__
    result = session.execute(
        update(t).where(t.c.invoice_id == bindparam("key"), t.c.paid_amount == bindparam("was"))
        .values(paid_amount=bindparam("paid"), status=bindparam("new_status"), paid_at=bindparam("when")),
        rows,
    )
    return len(rows) if result.rowcount == -1 else result.rowcount


def _match_row(p: Proposal, status: str, at: datetime, actor: str | None) -> dict[str, Any]:
    return {"txn_id": p.txn_id, "invoice_id": p.invoice_id, "amount": from_cents(p.amount), "rule": p.rule,
            "confidence": round(p.confidence, 3), "status": status, "created_at": at,
            "decided_at": at if status == "applied" else None, "decided_by": actor}
