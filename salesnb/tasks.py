"""To-dos by hand: close one, note on one, hand one to somebody else — each checked against the permission matrix.

A to-do (a ``tasks`` row) is closed by its holder or someone above them
(``task.close``); a note (``task_notes``: who, when, what) is added by the same
people (``task.note``); it is reassigned by a manager above the holder, a
director or ops (``task.reassign``), and a manager only within their own
people.  Each is audited with the acting user id.  The SLA engine sees a
closed to-do as done at its next scan.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from . import audit
from .auth.people import Actor, load_actor
from .auth.permissions import authorize
from .errors import SalesnbError
from .i18n import register
from .models import Task, TaskNote
from .timeutil import now


#: The longest note a to-do takes (characters).
NOTE_MAX = 1000

register({
    "zh-CN": {"task.unknown": "没有编号为 {task_id} 的待办", "task.already_done": "待办 {task_id} 已经完成",
              "task.note_empty": "备注不能为空", "task.note_too_long": "备注最多 {n} 个字",
              "task.same_holder": "待办 {task_id} 已经由该负责人处理"},
    "en": {"task.unknown": "no to-do {task_id}", "task.already_done": "to-do {task_id} is already done",
           "task.note_empty": "a note cannot be empty", "task.note_too_long": "a note takes at most {n} characters",
           "task.same_holder": "to-do {task_id} is already held by that person"},
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


def add_task_note(session: Session, task_id: str, text: str, *, actor: Actor | str,
                  at: datetime | None = None) -> TaskNote:
    """Add a note to an open to-do (``task.note``: its holder or someone above them); audited with the text."""
    task = _open_task(session, task_id)
    person = authorize(session, actor, "task.note", task.owner_id)
    text = (text or "").strip()
    if not text:
        raise SalesnbError("task.note_empty")
    if len(text) > NOTE_MAX:
        raise SalesnbError("task.note_too_long", n=NOTE_MAX)
    at = at or now()
    note = TaskNote(task_id=task_id, at=at, author_id=person.user_id, text=text)
    session.add(note)
    session.flush()
    audit.record(session, actor=person.user_id, action="task.note", entity_type="task", entity_id=task_id,
                 after={"note_id": note.id}, note=text, at=at)
    return note


def reassign_task(session: Session, task_id: str, to_user: str, *, actor: Actor | str,
                  at: datetime | None = None, note: str | None = None) -> Task:
    """Give an open to-do to ``to_user`` (an active user; ``task.reassign`` on both the holder and them)."""
    task = _open_task(session, task_id)
    person = authorize(session, actor, "task.reassign", task.owner_id)
    authorize(session, person, "task.reassign", to_user)  # a manager hands work only to their own people
    load_actor(session, to_user)  # an existing, active user
    if to_user == task.owner_id:
        raise SalesnbError("task.same_holder", task_id=task_id)
    before = task.owner_id
    task.owner_id = to_user
    audit.record(session, actor=person.user_id, action="task.reassign", entity_type="task", entity_id=task_id,
                 before={"owner_id": before}, after={"owner_id": to_user}, note=note, at=at or now())
    return task
