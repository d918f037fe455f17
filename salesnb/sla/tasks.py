"""Workflow tasks opened the moment their record arrives, so the escalation scan times them from the start."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..models import Lead, Task

FIRST_RESPONSE = "lead_first_response"


def first_response_task_id(lead_id: str) -> str:
    return f"{FIRST_RESPONSE}:{lead_id}"


def open_first_response_tasks(session: Session, lead_ids: Iterable[str]) -> list[str]:
    """A ``lead_first_response`` task for each open, unanswered lead of ``lead_ids`` that has none yet.

    The task starts at the lead's ``created_at`` and belongs to the lead's owner.  Returns the ids of the
    tasks created.
    """
    ids = sorted(set(lead_ids))
    created: list[str] = []
    for i in range(0, len(ids), 900):
        part = ids[i:i + 900]
        have = set(session.scalars(select(Task.entity_id).where(
            Task.node == FIRST_RESPONSE, Task.entity_type == "lead", Task.entity_id.in_(part))))
        leads = session.execute(select(Lead.lead_id, Lead.owner_id, Lead.created_at).where(
            Lead.lead_id.in_(part), Lead.status == "open", Lead.first_response_at.is_(None)))
        for lead_id, owner_id, created_at in leads:
            if lead_id in have:
                continue
            task_id = first_response_task_id(lead_id)
            session.add(Task(task_id=task_id, node=FIRST_RESPONSE, entity_type="lead", entity_id=lead_id,
                             owner_id=owner_id, created_at=created_at, kind="workflow", title=f"线索首次响应 {lead_id}"))
            created.append(task_id)
    session.flush()
    return created


def close_first_response_tasks(session: Session, lead_ids: Iterable[str], at: datetime) -> int:
    """Mark the open first-response tasks of ``lead_ids`` done at ``at``; returns how many."""
    ids = list(lead_ids)
    if not ids:
        return 0
    return session.execute(update(Task).where(
        Task.node == FIRST_RESPONSE, Task.entity_type == "lead", Task.entity_id.in_(ids), Task.done_at.is_(None),
    ).values(done_at=at).execution_options(synchronize_session=False)).rowcount or 0
