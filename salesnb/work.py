"""My work (我的待办): everything waiting for one person, and closing a to-do.

One query per kind of item, each limited in SQL to the person:

- ``task``: their open to-dos (``tasks.owner_id``, not done);
- ``finding``: open findings they own;
- ``escalation``: fired escalation rungs they were told or copied about whose task is still open;
- ``contract``: contracts pending approval, checked feasible, that they may approve
  (``contract.approve``: a manager's reports', any but their own for a director);
- ``claim``: payment claims waiting for finance review (``claim.review``).

A to-do carries its latest notes (:func:`task_notes`, at most :data:`NOTES_SHOWN`).

A person who hands out work (``task.reassign``: a manager, a director, ops)
also has :func:`team_work`: the open to-dos of the people they see
(:func:`~salesnb.auth.visibility.scope_of`, the one visibility rule), a page
at a time, and :func:`reassign_targets`, the people they may hand one to.

The actions are the library's own: :func:`salesnb.tasks.close_task`,
:func:`~salesnb.tasks.add_task_note`, :func:`~salesnb.tasks.reassign_task`,
:func:`salesnb.contracts.approve`, :func:`salesnb.receivables.confirm_claim` /
:func:`~salesnb.receivables.reject_claim` for the rest.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Engine, Select, exists, func, or_, select
from sqlalchemy.orm import Session

from .auth.people import Actor
from .auth.permissions import ACTIONS, allowed
from .auth.visibility import scope_of
from .db import session_scope
from .models import (
    Contract, ContractSubmission, Customer, EscalationLog, EscalationRecipient, Finding, PaymentClaim, Task, TaskNote,
    User,
)


KINDS = ("task", "contract", "claim", "escalation", "finding")
#: The latest notes shown with a to-do.
NOTES_SHOWN = 5
#: The most to-dos one page of the team's list holds.
PAGE_MAX = 200
#: The team's open to-dos are counted this far past the page shown ("1,020+"), not every one of a company's.
COUNT_AHEAD = 1_000


@dataclass(frozen=True)
class Note:
    """A note on a to-do: when, by whom (id and name), what."""

    at: datetime
    author_id: str
    author: str
    text: str


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
    notes: tuple[Note, ...] = ()  # a to-do's latest notes, oldest first
    owner_name: str | None = None

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
        tasks = _with_notes(session, tasks)
        return [*tasks, *decisions, *_escalations(session, actor, limit), *_findings(session, actor, limit)]


def _tasks(session: Session, actor: Actor, limit: int) -> list[WorkItem]:
    rows = session.execute(open_tasks_of(actor.user_id).limit(limit))
    return [_task_item(task, name) for task, name in rows]


def open_tasks_of(user_id: str) -> Select:
    """(task, owner name) of ``user_id``'s open to-dos, oldest first (the order of ``ix_tasks_owner_open``)."""
    return (select(Task, User.name).outerjoin(User, User.user_id == Task.owner_id)
            .where(Task.owner_id == user_id, Task.done_at.is_(None))
            .order_by(Task.created_at, Task.task_id))


def _task_item(task: Task, owner_name: str | None) -> WorkItem:
    return WorkItem("task", task.task_id, task.entity_type, task.entity_id, task.title or task.node, task.created_at,
                    detail=task.node, owner_id=task.owner_id, owner_name=owner_name)


def _with_notes(session: Session, items: list[WorkItem]) -> list[WorkItem]:
    notes = task_notes(session, [item.item_id for item in items])
    return [replace(item, notes=notes.get(item.item_id, ())) for item in items]


def task_notes(session: Session, task_ids: Iterable[str], *,
               per_task: int = NOTES_SHOWN) -> dict[str, tuple[Note, ...]]:
    """The latest ``per_task`` notes of each of ``task_ids`` (oldest first), in one query limited in SQL."""
    ids = sorted(set(task_ids))
    if not ids:
        return {}
    rank = func.row_number().over(partition_by=TaskNote.task_id, order_by=(TaskNote.at.desc(), TaskNote.id.desc()))
    latest = (select(TaskNote.id, rank.label("rank")).where(TaskNote.task_id.in_(ids)).subquery())
    query = (select(TaskNote, User.name).join(latest, latest.c.id == TaskNote.id)
             .outerjoin(User, User.user_id == TaskNote.author_id)
             .where(latest.c.rank <= per_task).order_by(TaskNote.task_id, TaskNote.at, TaskNote.id))
    found: dict[str, list[Note]] = {}
    for note, name in session.execute(query):
        found.setdefault(note.task_id, []).append(Note(note.at, note.author_id, name or note.author_id, note.text))
    return {task_id: tuple(notes) for task_id, notes in found.items()}


# ------------------------------------------------------------------ the team's to-dos (who hands out work)


@dataclass(frozen=True)
class TeamPage:
    """One page of the team's open to-dos: ``items`` from ``offset``, ``total`` in all (``more``: at least
    ``total``, counting stopped there)."""

    items: list[WorkItem]
    total: int
    offset: int
    limit: int
    more: bool = False

    @property
    def has_previous(self) -> bool:
        return self.offset > 0

    @property
    def has_next(self) -> bool:
        return self.more or self.offset + len(self.items) < self.total


def hands_out_work(actor: Actor) -> bool:
    """Whether ``actor`` reassigns to-dos (``task.reassign``: managers, a director, ops), so sees their team's."""
    return not actor.is_system and actor.role in ACTIONS["task.reassign"]


def team_work(engine: Engine, actor: Actor, *, offset: int = 0, limit: int = 20,
              count_ahead: int = COUNT_AHEAD) -> TeamPage:
    """The open to-dos of the people ``actor`` sees (:func:`scope_of`), not their own, oldest first, one page.

    Counted and paged in the database, the count no further than ``count_ahead`` past the page (a director
    of a company need not wait for 300,000 to-dos to be counted); empty for a person who does not hand out
    work.
    """
    limit = max(1, min(limit, PAGE_MAX))
    offset = max(0, offset)
    if not hands_out_work(actor):
        return TeamPage([], 0, 0, limit)
    where = (Task.done_at.is_(None), scope_of(actor).clause(Task.owner_id),
             or_(Task.owner_id.is_(None), Task.owner_id != actor.user_id))
    with session_scope(engine) as session:
        bound = offset + limit + max(0, count_ahead)
        counted = select(Task.task_id).where(*where).limit(bound + 1).subquery()
        total = session.scalar(select(func.count()).select_from(counted)) or 0
        rows = session.execute(select(Task, User.name).outerjoin(User, User.user_id == Task.owner_id).where(*where)
                               .order_by(Task.created_at, Task.task_id).offset(offset).limit(limit))
        items = _with_notes(session, [_task_item(task, name) for task, name in rows])
    return TeamPage(items, min(total, bound), offset, limit, more=total > bound)


def reassign_targets(engine: Engine, actor: Actor, *, limit: int = PAGE_MAX) -> list[tuple[str, str]]:
    """``(user_id, name)`` of the active people ``actor`` may hand a to-do to: those they see and lead
    (``task.reassign`` on them), by name; at most ``limit``."""
    if not hands_out_work(actor):
        return []
    with session_scope(engine) as session:
        rows = session.execute(select(User.user_id, User.name)
                               .where(or_(User.active.is_(None), User.active.is_(True)),
                                      scope_of(actor).clause(User.user_id))
                               .order_by(User.name, User.user_id).limit(limit))
        return [(uid, name) for uid, name in rows if allowed(actor, "task.reassign", uid)]


def _contracts(session: Session, actor: Actor, limit: int) -> list[WorkItem]:
    if actor.role not in ACTIONS["contract.approve"]:
        return []
    query = awaiting_approval(actor).limit(limit)
    return [WorkItem("contract", c.contract_id, "contract", c.contract_id, name or c.customer_id, c.submitted_at,
                     detail=c.owner_id, owner_id=c.owner_id, amount=c.amount)
            for c, name in session.execute(query) if allowed(actor, "contract.approve", c.owner_id)]


def awaiting_approval(actor: Actor) -> Select:
    """(contract, customer name) of the feasible contracts in ``actor``'s scope (not their own) waiting for
    approval, oldest submission first (per team member through ``ix_contracts_owner_status``)."""
    return (select(Contract, Customer.name).outerjoin(Customer, Customer.customer_id == Contract.customer_id)
            .where(Contract.status == "pending_approval", Contract.owner_id != actor.user_id,
                   scope_of(actor).clause(Contract.owner_id),
                   exists().where(ContractSubmission.contract_id == Contract.contract_id,
                                  ContractSubmission.feasible.is_(True)))
            .order_by(Contract.submitted_at.is_(None), Contract.submitted_at, Contract.contract_id))


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
    # the person's rungs latest first, read through ix_escalation_recipients_user_fired
    told = EscalationRecipient
    query = (select(EscalationLog, Task, told.role).select_from(told)
             .join(EscalationLog, EscalationLog.id == told.log_id).join(Task, Task.task_id == EscalationLog.task_id)
             .where(told.user_id == actor.user_id, EscalationLog.task_done_at.is_(None), Task.done_at.is_(None))
             .order_by(told.fired_at.desc(), told.log_id.desc()).limit(limit))
    return [WorkItem("escalation", str(log.id), task.entity_type, task.entity_id, task.title or task.node,
                     log.fired_at, detail=role, owner_id=task.owner_id, severity=str(log.level))
            for log, task, role in session.execute(query)]


def _findings(session: Session, actor: Actor, limit: int) -> list[WorkItem]:
    query = (select(Finding).where(Finding.owner_id == actor.user_id, Finding.resolved_at.is_(None))
             .order_by(Finding.first_seen, Finding.id).limit(limit))
    return [WorkItem("finding", str(f.id), f.entity_type, f.entity_id, f.message or f.check_name, f.first_seen,
                     detail=f.check_name, owner_id=f.owner_id, severity=f.severity)
            for f in session.scalars(query)]

