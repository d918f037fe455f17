"""One task's escalation history: what the policy planned, what fired, who was told, when it was done."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import AuditLog, EscalationLog, Task
from ..timeutil import now, to_local
from .calendar import PolicyError
from .candidates import TASKS, condition_clause
from .pauses import task_pauses
from .policies import TODO_NODE, load_policies
from .recipients import Directory
from .timeline import TimelineEvent, timeline


@dataclass(frozen=True)
class FiredLevel:
    """One row of the escalation log, with the state of its to-do."""

    level: int
    repeat_no: int
    due_at: datetime
    fired_at: datetime
    notified: list[str]
    cc: list[str]
    todo_task_id: str | None
    todo_owner: str | None
    todo_done_at: datetime | None
    task_done_at: datetime | None

    @property
    def late_by(self) -> timedelta | None:
        """How long after this rung was due the task was done (None while open)."""
        return None if self.task_done_at is None else self.task_done_at - self.due_at

    def to_dict(self) -> dict[str, Any]:
        def iso(v):
            return None if v is None else v.isoformat()
        return {"level": self.level, "repeat_no": self.repeat_no, "due_at": iso(self.due_at),
                "fired_at": iso(self.fired_at), "notified": self.notified, "cc": self.cc,
                "todo_task_id": self.todo_task_id, "todo_owner": self.todo_owner,
                "todo_done_at": iso(self.todo_done_at), "task_done_at": iso(self.task_done_at),
                "late_by_hours": None if self.late_by is None else round(self.late_by.total_seconds() / 3600, 2)}


@dataclass
class TaskTrace:
    """Everything about one task's SLA: plan, fired levels, audit entries."""

    task_id: str
    node: str
    owner_id: str | None
    created_at: datetime
    done_at: datetime | None
    policy_version: int | None
    applies: bool  # False when the policy's condition excludes this task's record
    planned: list[TimelineEvent]
    fired: list[FiredLevel]
    audit: list[dict[str, Any]] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)

    @property
    def should_have_acted(self) -> list[str]:
        """Everyone who was told before the task was done (or is still open)."""
        seen: dict[str, None] = {}
        for f in self.fired:
            for user in f.notified:
                seen.setdefault(user, None)
        return list(seen)

    def to_dict(self) -> dict[str, Any]:
        return {"task_id": self.task_id, "node": self.node, "owner_id": self.owner_id,
                "created_at": self.created_at.isoformat(),
                "done_at": None if self.done_at is None else self.done_at.isoformat(),
                "policy_version": self.policy_version, "applies": self.applies, "planned": [e.to_dict() for e in self.planned],
                "fired": [f.to_dict() for f in self.fired], "should_have_acted": self.should_have_acted,
                "audit": self.audit, "names": self.names}


def trace(session: Session, task_id: str, as_of: datetime | None = None) -> TaskTrace:
    """The escalation history of ``task_id`` (PolicyError when there is no such task).

    ``as_of`` (default: now) is the time the policy's condition is evaluated at.
    """
    task = session.get(Task, task_id)
    if task is None:
        raise PolicyError("sla.task.unknown", task_id=repr(task_id))
    policy = load_policies(session).get(task.node)
    applies = policy is not None and policy.enabled
    if applies and policy.condition is not None:
        condition = condition_clause(policy, to_local(as_of) if as_of else now())
        applies = session.scalar(select(TASKS.c.task_id).where(TASKS.c.task_id == task_id, condition)) is not None
    planned = []
    if policy is not None:
        planned = timeline(policy, task.created_at, pauses=task_pauses(task.details, policy.pause_statuses))
    logs = session.scalars(select(EscalationLog).where(EscalationLog.task_id == task_id)
                           .order_by(EscalationLog.due_at, EscalationLog.level, EscalationLog.repeat_no)).all()
    todo_ids = [r.todo_task_id for r in logs if r.todo_task_id]
    todos = {t.task_id: t for t in session.scalars(select(Task).where(Task.task_id.in_(todo_ids)))} if todo_ids else {}
    fired = [FiredLevel(r.level, r.repeat_no, r.due_at, r.fired_at, list(r.notified or []), list(r.cc or []),
                        r.todo_task_id, getattr(todos.get(r.todo_task_id), "owner_id", None),
                        getattr(todos.get(r.todo_task_id), "done_at", None), r.task_done_at or task.done_at)
             for r in logs]
    audit_rows = session.scalars(select(AuditLog).where(AuditLog.entity_type == "task", AuditLog.entity_id == task_id)
                                 .order_by(AuditLog.at, AuditLog.id)).all()
    directory = Directory.load(session)
    people = {task.owner_id} | {u for f in fired for u in (*f.notified, *f.cc, f.todo_owner)}
    return TaskTrace(
        task_id=task.task_id, node=task.node, owner_id=task.owner_id, created_at=task.created_at,
        done_at=task.done_at, policy_version=None if policy is None else policy.version, applies=applies,
        planned=planned,
        fired=fired, names={u: directory.name(u) for u in people if u},
        audit=[{"at": a.at.isoformat(), "actor": a.actor, "action": a.action, "after": a.after} for a in audit_rows],
    )


def todos_of(session: Session, task_id: str) -> list[Task]:
    """The SLA to-dos created for ``task_id``."""
    return list(session.scalars(select(Task).where(Task.kind == "todo", Task.node == TODO_NODE,
                                                   Task.entity_type == "task", Task.entity_id == task_id)
                                .order_by(Task.task_id)))
