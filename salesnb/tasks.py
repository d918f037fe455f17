"""To-dos by hand: close one, hand one to somebody else — each checked against the permission matrix.

A to-do (a ``tasks`` row) is closed by its holder or someone above them
(``task.close``); it is reassigned by a manager above the holder, a director or
ops (``task.reassign``), and a manager only within their own people.  Both
are audited with the acting user id.  The SLA engine sees a closed to-do as
done at its next scan.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from . import audit
from .auth.people import Actor, load_actor
from .auth.permissions import authorize
from .errors import SalesnbError
from .i18n import register
from .models import Task
from .timeutil import now


register({
    "zh-CN": {"task.unknown": "没有编号为 {task_id} 的待办", "task.already_done": "待办 {task_id} 已经完成"},
    "en": {"task.unknown": "no to-do {task_id}", "task.already_done": "to-do {task_id} is already done"},
})


def _open_task(session: Session, task_id: str) -> Task:
    task = session.get(Task, task_id)
    if task is None:
        raise SalesnbError("task.unknown", task_id=task_id)
    if task.done_at is not None:
        raise SalesnbError("task.already_done", task_id=task_id)
    return task


def close_task(session: Session, task_id: str, *, actor: Actor | str, at: datetime | None = None,
               note: str | None = None) -> Task:
    """Mark an open to-do done (``task.close``: its holder or someone above them)."""
    task = _open_task(session, task_id)
    person = authorize(session, actor, "task.close", task.owner_id)
    at = at or now()
    task.done_at = at
    audit.record(session, actor=person.user_id, action="task.close", entity_type="task", entity_id=task_id,
                 before={"done_at": None}, after={"done_at": at}, note=note, at=at)
    return task


def reassign_task(session: Session, task_id: str, to_user: str, *, actor: Actor | str,
                  at: datetime | None = None, note: str | None = None) -> Task:
    """Give an open to-do to ``to_user`` (an active user; ``task.reassign`` on both the holder and them)."""
    task = _open_task(session, task_id)
    person = authorize(session, actor, "task.reassign", task.owner_id)
    authorize(session, person, "task.reassign", to_user)  # a manager hands work only to their own people
    load_actor(session, to_user)  # an existing, active user
    before = task.owner_id
    task.owner_id = to_user
    audit.record(session, actor=person.user_id, action="task.reassign", entity_type="task", entity_id=task_id,
                 before={"owner_id": before}, after={"owner_id": to_user}, note=note, at=at or now())
    return task
