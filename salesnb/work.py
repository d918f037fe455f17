"""My work (我的待办): everything waiting for one person, and closing a to-do.

One query per kind of item, each limited in SQL to the person:

- ``task``: their open to-dos (``tasks.owner_id``, not done);
- ``finding``: open findings they own;
- ``escalation``: fired escalation rungs they were told or copied about whose task is still open;
- ``contract``: contracts pending approval, checked feasible, that they may approve
  (``contract.approve``: a manager's reports', any but their own for a director);
- ``claim``: payment claims waiting for finance review (``claim.review``).

The actions are the library's own: :func:`salesnb.tasks.close_task`,
:func:`salesnb.contracts.approve`, :func:`salesnb.receivables.confirm_claim` /
:func:`~salesnb.receivables.reject_claim` for the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Engine, String, cast, exists, select
from sqlalchemy.orm import Session

from .auth.people import Actor
from .auth.permissions import ACTIONS, allowed
from .auth.visibility import scope_of
from .db import session_scope
from .models import Contract, ContractSubmission, Customer, EscalationLog, Finding, PaymentClaim, Task, User


KINDS = ("task", "contract", "claim", "escalation", "finding")


@dataclass(frozen=True)
class WorkItem:
    """One thing waiting for the person: its ``kind`` (see :data:`KINDS`), the record and what to do."""

    kind: str
    item_id: str  # the task, contract, claim, escalation log row or finding
    entity_type: str  # what the item is about (for its link)
    entity_id: str
    title: str
    since: datetime | None
    detail: str = ""
    owner_id: str | None = None
    amount: Decimal | None = None
    severity: str | None = None

    @property
    def key(self) -> str:
        """``kind:item_id``, unique among one person's items."""
        return f"{self.kind}:{self.item_id}"


def my_work(engine: Engine, actor: Actor, *, limit: int = 200) -> list[WorkItem]:
    """What waits for ``actor``: to-dos, approvals, claim reviews, escalations, findings (in that order).

    A to-do about a contract or claim that is listed for the person's decision is not listed again as a to-do.
    """
    if actor.is_system:
        return []
    with session_scope(engine) as session:
        decisions = [*_contracts(session, actor, limit), *_claims(session, actor, limit)]
        # an approval / review to-do is the decision itself: shown once, with the decision's action
        decided = {(item.entity_type, item.entity_id) for item in decisions}
        tasks = [item for item in _tasks(session, actor, limit) if (item.entity_type, item.entity_id) not in decided]
        return [*tasks, *decisions, *_escalations(session, actor, limit), *_findings(session, actor, limit)]


def _tasks(session: Session, actor: Actor, limit: int) -> list[WorkItem]:
    rows = session.scalars(select(Task).where(Task.owner_id == actor.user_id, Task.done_at.is_(None))
                           .order_by(Task.created_at, Task.task_id).limit(limit))
    return [WorkItem("task", t.task_id, t.entity_type, t.entity_id, t.title or t.node, t.created_at,
                     detail=t.node, owner_id=t.owner_id) for t in rows]


def _contracts(session: Session, actor: Actor, limit: int) -> list[WorkItem]:
    if actor.role not in ACTIONS["contract.approve"]:
        return []
    query = (select(Contract, Customer.name).outerjoin(Customer, Customer.customer_id == Contract.customer_id)
             .where(Contract.status == "pending_approval", Contract.owner_id != actor.user_id,
                    scope_of(actor).clause(Contract.owner_id),
                    exists().where(ContractSubmission.contract_id == Contract.contract_id,
                                   ContractSubmission.feasible.is_(True)))
             .order_by(Contract.submitted_at.is_(None), Contract.submitted_at, Contract.contract_id).limit(limit))
    return [WorkItem("contract", c.contract_id, "contract", c.contract_id, name or c.customer_id, c.submitted_at,
                     detail=c.owner_id, owner_id=c.owner_id, amount=c.amount)
            for c, name in session.execute(query) if allowed(actor, "contract.approve", c.owner_id)]


def _claims(session: Session, actor: Actor, limit: int) -> list[WorkItem]:
    if not allowed(actor, "claim.review"):
        return []
    query = (select(PaymentClaim, User.name).outerjoin(User, User.user_id == PaymentClaim.owner_id)
             .where(PaymentClaim.status == "finance_review")
             .order_by(PaymentClaim.submitted_at, PaymentClaim.claim_id).limit(limit))
    return [WorkItem("claim", c.claim_id, "payment_claim", c.claim_id, c.invoice_id, c.submitted_at,
                     detail=name or c.owner_id, owner_id=c.owner_id, amount=c.amount)
            for c, name in session.execute(query)]


def _escalations(session: Session, actor: Actor, limit: int) -> list[WorkItem]:
    # notified / cc are JSON lists of user ids: match the quoted id in their text, then check exactly
    needle = f'%"{actor.user_id}"%'
    query = (select(EscalationLog, Task).outerjoin(Task, Task.task_id == EscalationLog.task_id)
             .where(EscalationLog.task_done_at.is_(None), Task.done_at.is_(None),
                    cast(EscalationLog.notified, String).like(needle) | cast(EscalationLog.cc, String).like(needle))
             .order_by(EscalationLog.fired_at.desc(), EscalationLog.id.desc()).limit(limit))
    items = []
    for log, task in session.execute(query):
        role = "notified" if actor.user_id in (log.notified or []) else "cc" if actor.user_id in (log.cc or []) else ""
        if role and task is not None:
            items.append(WorkItem("escalation", str(log.id), task.entity_type, task.entity_id,
                                  task.title or task.node, log.fired_at, detail=role, owner_id=task.owner_id,
                                  severity=str(log.level)))
    return items


def _findings(session: Session, actor: Actor, limit: int) -> list[WorkItem]:
    query = (select(Finding).where(Finding.owner_id == actor.user_id, Finding.resolved_at.is_(None))
             .order_by(Finding.first_seen, Finding.id).limit(limit))
    return [WorkItem("finding", str(f.id), f.entity_type, f.entity_id, f.message or f.check_name, f.first_seen,
                     detail=f.check_name, owner_id=f.owner_id, severity=f.severity)
            for f in session.scalars(query)]

