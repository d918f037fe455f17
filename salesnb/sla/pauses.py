"""Pausing a task's SLA clock.

Pauses are recorded on the task itself, in ``tasks.details["pauses"]``, as a
list of ``{"status": ..., "from": ISO time, "to": ISO time or null}`` (an open
pause has ``"to": null``); ``tasks.details["status"]`` holds the current
status.  Each pause and resume is also written to the audit log.  A policy
lists the statuses that stop its clock (``pause_statuses``, e.g.
``waiting_customer``); pauses with other statuses are recorded but do not
move any deadline.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from .. import audit
from ..auth.people import Actor
from ..auth.permissions import authorize
from ..models import Task
from ..timeutil import parse_timestamp, to_local
from .calendar import Pause, PolicyError
from . import messages  # noqa: F401 - the keys of the errors below


def _task(session: Session, task_id: str) -> Task:
    task = session.get(Task, task_id)
    if task is None:
        raise PolicyError("sla.task.unknown", task_id=repr(task_id))
    return task


def pause_task(session: Session, task_id: str, status: str, *, at: datetime, actor: Actor | str = "system") -> None:
    """Record that ``task_id`` entered ``status`` at ``at`` (the clock stops if its policy pauses on it).

    ``actor`` holds the task or is above its holder (``task.pause``).
    """
    if not status or not isinstance(status, str):
        raise PolicyError("sla.pause.status")
    task = _task(session, task_id)
    actor = authorize(session, actor, "task.pause", task.owner_id).user_id
    details = dict(task.details or {})
    pauses = [dict(p) for p in details.get("pauses") or []]
    if pauses and pauses[-1].get("to") is None:
        raise PolicyError("sla.pause.already", task_id=task_id, status=pauses[-1].get("status"))
    at = to_local(at)
    pauses.append({"status": status, "from": at.isoformat(), "to": None})
    details.update(pauses=pauses, status=status)
    task.details = details
    audit.record(session, actor=actor, action="sla.paused", entity_type="task", entity_id=task_id,
                 after={"status": status}, at=at)


def resume_task(session: Session, task_id: str, *, at: datetime, actor: Actor | str = "system") -> None:
    """Close the open pause of ``task_id`` at ``at`` (who may: as :func:`pause_task`)."""
    task = _task(session, task_id)
    actor = authorize(session, actor, "task.pause", task.owner_id).user_id
    details = dict(task.details or {})
    pauses = [dict(p) for p in details.get("pauses") or []]
    if not pauses or pauses[-1].get("to") is not None:
        raise PolicyError("sla.pause.not_paused", task_id=task_id)
    at = to_local(at)
    if at < parse_timestamp(pauses[-1]["from"]):
        raise PolicyError("sla.pause.resume_early", task_id=task_id, at=pauses[-1]["from"])
    before = pauses[-1]["status"]
    pauses[-1]["to"] = at.isoformat()
    details.update(pauses=pauses, status="open")
    task.details = details
    audit.record(session, actor=actor, action="sla.resumed", entity_type="task", entity_id=task_id,
                 before={"status": before}, after={"status": "open"}, at=at)


def task_pauses(details: dict[str, Any] | None, statuses: tuple[str, ...] | list[str]) -> list[Pause]:
    """The pause intervals in ``details`` whose status stops a clock that pauses on ``statuses``."""
    if not details or not statuses:
        return []
    out: list[Pause] = []
    for item in details.get("pauses") or []:
        if not isinstance(item, dict) or item.get("status") not in statuses or not item.get("from"):
            continue
        try:
            start = parse_timestamp(item["from"])
            end = parse_timestamp(item["to"]) if item.get("to") else None
        except ValueError:
            continue
        out.append((start, end))
    return out
