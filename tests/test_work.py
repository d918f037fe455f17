"""My work: what waits for one person (to-dos, approvals, claim reviews, escalations, findings), and closing a to-do."""

from __future__ import annotations


import pytest
from sqlalchemy import select

from salesnb.auth import load_actor
from salesnb.db import session_scope
from salesnb.errors import PermissionDenied, SalesnbError
from salesnb.models import AuditLog, EscalationLog, Task
from salesnb.tasks import close_task
from salesnb.work import my_work

from .widgets.seed import AS_OF, at, seed


def add_work(engine) -> None:
    """K001 submitted (feasible: waits for approval), K002 too (frozen); to-dos for U01 and M01; an escalation
    of U01's to-do that told M01 and copied D01."""
    from salesnb.contracts import submit

    with session_scope(engine) as s:
        submit(s, "K001", actor="U01", at=AS_OF)
        submit(s, "K002", actor="U02", at=AS_OF)
    with session_scope(engine) as s:
        s.add_all([
            Task(task_id="T1", node="lead_response", entity_type="lead", entity_id="L001", owner_id="U01",
                 created_at=at(10, 9), title="线索 L001 首次响应"),
            Task(task_id="T2", node="quote_followup", entity_type="quote", entity_id="Q001", owner_id="U01",
                 created_at=at(11, 9), done_at=at(12, 9)),
            Task(task_id="T3", node="order_followup", entity_type="order", entity_id="O003", owner_id="M01",
                 created_at=at(12, 9)),
        ])
        s.flush()
        s.add(EscalationLog(task_id="T1", node="lead_response", level=1, due_at=at(10, 13), fired_at=at(10, 13),
                            notified=["M01"], cc=["D01"]))


@pytest.fixture
def work(engine):
    seed(engine)
    add_work(engine)
    return engine


def actor(engine, user_id):
    with session_scope(engine) as s:
        return load_actor(s, user_id)


def keys(engine, user_id):
    return [item.key for item in my_work(engine, actor(engine, user_id))]


def test_what_waits_for_each_person(work):
    assert keys(work, "U01")[0] == "task:T1"
    rep = my_work(work, actor(work, "U01"))
    assert [i.key for i in rep if i.kind == "task"] == ["task:T1"]  # T2 is done
    assert {i.entity_id for i in rep if i.kind == "finding"} == {"Q001", "L001"}  # open, owned
    assert not [i for i in rep if i.kind in ("contract", "claim", "escalation")]  # a rep approves nothing
    manager = my_work(work, actor(work, "M01"))
    assert [i.item_id for i in manager if i.kind == "contract"] == ["K001"]  # U01's, checked (K003 is not)
    assert [(i.entity_id, i.detail) for i in manager if i.kind == "escalation"] == [("L001", "notified")]
    assert [i.item_id for i in manager if i.kind == "task"] == ["T3"]
    director = my_work(work, actor(work, "D01"))
    assert [i.item_id for i in director if i.kind == "contract"] == ["K001"]
    assert [i.detail for i in director if i.kind == "escalation"] == ["cc"]
    assert [i.item_id for i in my_work(work, actor(work, "M02")) if i.kind == "contract"] == []  # K002 is frozen
    finance = my_work(work, actor(work, "F01"))
    assert [(i.kind, i.item_id) for i in finance] == [("claim", "PC001")]


def test_close_task(work):
    with session_scope(work) as s:
        with pytest.raises(PermissionDenied):
            close_task(s, "T1", actor=actor(work, "U02"), at=AS_OF)  # not theirs, not above them
    with session_scope(work) as s:
        close_task(s, "T1", actor=actor(work, "M01"), at=AS_OF)  # the holder's manager may
    with session_scope(work) as s:
        assert s.get(Task, "T1").done_at is not None
        entry = s.scalar(select(AuditLog).where(AuditLog.action == "task.close"))
        assert (entry.actor, entry.entity_id) == ("M01", "T1")
        with pytest.raises(SalesnbError):
            close_task(s, "NOPE", actor="U01", at=AS_OF)
    assert "task:T1" not in keys(work, "U01")
    assert [i.kind for i in my_work(work, actor(work, "M01")) if i.kind == "escalation"] == []  # its task is done


def test_an_approval_to_do_is_listed_once_as_the_decision(work):
    from salesnb.contracts import submit

    with session_scope(work) as s:
        submit(s, "K001", actor="U01", at=AS_OF)  # pending approval; the workflow gives the manager a to-do
        assert s.scalar(select(Task).where(Task.entity_id == "K001", Task.owner_id == "M01", Task.task_id != "T3",
                                           Task.done_at.is_(None))) is not None
    manager = my_work(work, actor(work, "M01"))
    assert [(i.kind, i.entity_id) for i in manager if i.entity_id == "K001"] == [("contract", "K001")]
