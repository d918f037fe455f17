"""My work: what waits for one person (to-dos, approvals, claim reviews, escalations, findings), and closing a to-do."""

from __future__ import annotations


import pytest
from sqlalchemy import select

from salesnb.auth import load_actor
from salesnb.db import session_scope
from salesnb.errors import PermissionDenied, SalesnbError
from salesnb.models import AuditLog, EscalationLog, Task
from salesnb.sla.escalation import record_recipients
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
        log = EscalationLog(task_id="T1", node="lead_response", level=1, due_at=at(10, 13), fired_at=at(10, 13),
                            notified=["M01"], cc=["D01"])
        s.add(log)
        s.flush()  # as the escalation engine writes a rung: who it told and copied, a row each
        record_recipients(s, [log.id])


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


# ------------------------------------------------------------------ notes on to-dos


def test_a_note_is_stored_shown_with_the_to_do_and_audited(work):
    from salesnb.tasks import add_task_note

    with session_scope(work) as s:
        add_task_note(s, "T1", "  已电话联系，客户下周回复  ", actor=actor(work, "U01"), at=at(16, 9))
        add_task_note(s, "T1", "请周三前再跟进一次", actor="M01", at=at(16, 10))  # the holder's manager may
    with pytest.raises(PermissionDenied), session_scope(work) as s:
        add_task_note(s, "T1", "不是我的", actor="U02", at=AS_OF)  # not theirs, not above them
    with pytest.raises(SalesnbError, match="备注不能为空"), session_scope(work) as s:
        add_task_note(s, "T1", "   ", actor="U01", at=AS_OF)
    with pytest.raises(SalesnbError, match="已经完成"), session_scope(work) as s:
        add_task_note(s, "T2", "晚了", actor="U01", at=AS_OF)
    [item] = [i for i in my_work(work, actor(work, "U01")) if i.kind == "task"]
    assert [(n.author_id, n.author, n.text) for n in item.notes] == [
        ("U01", "张伟", "已电话联系，客户下周回复"), ("M01", "陈经理", "请周三前再跟进一次")]
    assert item.notes[0].at == at(16, 9)
    with session_scope(work) as s:
        rows = s.execute(select(AuditLog.actor, AuditLog.entity_id, AuditLog.note)
                         .where(AuditLog.action == "task.note").order_by(AuditLog.id)).all()
    assert [tuple(r) for r in rows] == [("U01", "T1", "已电话联系，客户下周回复"), ("M01", "T1", "请周三前再跟进一次")]


def test_a_to_do_shows_its_latest_notes_only(work):
    from salesnb.tasks import add_task_note
    from salesnb.work import NOTES_SHOWN, task_notes

    with session_scope(work) as s:
        for n in range(NOTES_SHOWN + 2):
            add_task_note(s, "T1", f"第 {n} 条", actor="U01", at=at(16, 9, n))
        add_task_note(s, "T3", "经理自己的", actor="M01", at=at(16, 9))
    with session_scope(work) as s:
        notes = task_notes(s, ["T1", "T3", "T2"])
    assert [n.text for n in notes["T1"]] == [f"第 {n} 条" for n in range(2, NOTES_SHOWN + 2)]  # oldest first
    assert [n.text for n in notes["T3"]] == ["经理自己的"] and "T2" not in notes


# ------------------------------------------------------------------ the team's to-dos and reassigning


def _more_people_and_to_dos(engine, n: int = 5) -> None:
    from salesnb.models import User

    with session_scope(engine) as s:
        s.add(User(user_id="U03", name="王强", role="sales", manager_id="M01", region="华东"))
        s.add(User(user_id="U04", name="赵离职", role="sales", manager_id="M01", region="华东", active=False))
        s.add(Task(task_id="T9", node="lead_response", entity_type="lead", entity_id="L002", owner_id="U02",
                   created_at=at(13, 9)))
        s.add_all([Task(task_id=f"TU{k}", node="quote_followup", entity_type="quote", entity_id="Q001",
                        owner_id="U03", created_at=at(14, 9, k)) for k in range(n)])


def test_a_manager_sees_their_teams_open_to_dos_a_page_at_a_time(work):
    from salesnb.work import team_work

    _more_people_and_to_dos(work)
    manager = actor(work, "M01")
    first = team_work(work, manager, limit=4)
    assert first.total == 6 and [i.item_id for i in first.items] == ["T1", "TU0", "TU1", "TU2"]  # oldest first
    assert (first.has_previous, first.has_next) == (False, True)
    assert first.items[0].owner_name == "张伟"
    second = team_work(work, manager, offset=4, limit=4)
    assert [i.item_id for i in second.items] == ["TU3", "TU4"] and not second.has_next and second.has_previous
    # not their own T3, not T2 (done), not another team's T9
    assert team_work(work, actor(work, "M02")).total == 1  # U02's T9
    assert {i.item_id for i in team_work(work, actor(work, "D01"), limit=50).items} == {
        "T1", "T3", "T9", "contract_approval:K001:1", *(f"TU{k}" for k in range(5))}  # a director: everybody's
    assert team_work(work, actor(work, "U01")).total == 0  # a rep hands out no work


def test_a_team_page_counts_no_further_than_a_bound_past_itself(work):
    from salesnb.work import team_work

    _more_people_and_to_dos(work)  # the manager's team has 6 open to-dos
    manager = actor(work, "M01")
    bounded = team_work(work, manager, limit=2, count_ahead=1)  # counted as far as 2 + 1
    assert (bounded.total, bounded.more, bounded.has_next) == (3, True, True)
    assert [i.item_id for i in bounded.items] == ["T1", "TU0"]
    exact = team_work(work, manager, limit=2, count_ahead=4)  # 6 to-dos: the bound is not reached
    assert (exact.total, exact.more) == (6, False)
    last = team_work(work, manager, offset=4, limit=2, count_ahead=0)  # the last page knows the end
    assert (last.total, last.more, last.has_next) == (6, False, False)
    page = team_work(work, manager, offset=2, limit=2, count_ahead=0)  # counted only as far as the page
    assert (page.total, page.more, page.has_next) == (4, True, True)


def test_who_reassigns_to_whom(work):
    from salesnb.tasks import reassign_task
    from salesnb.work import reassign_targets

    _more_people_and_to_dos(work, n=1)
    assert reassign_targets(work, actor(work, "M01")) == [("U01", "张伟"), ("U03", "王强")]  # active, below them
    assert reassign_targets(work, actor(work, "U01")) == []
    with pytest.raises(PermissionDenied), session_scope(work) as s:
        reassign_task(s, "T1", "U03", actor=actor(work, "U01"), at=AS_OF)  # a rep reassigns nothing
    with pytest.raises(PermissionDenied), session_scope(work) as s:
        reassign_task(s, "T1", "U02", actor="M01", at=AS_OF)  # not to another manager's rep
    with pytest.raises(PermissionDenied), session_scope(work) as s:
        reassign_task(s, "T9", "U01", actor="M01", at=AS_OF)  # not another team's to-do
    with pytest.raises(SalesnbError), session_scope(work) as s:
        reassign_task(s, "T1", "U01", actor="M01", at=AS_OF)  # already theirs
    with session_scope(work) as s:
        reassign_task(s, "T1", "U03", actor=actor(work, "M01"), at=AS_OF)
    with session_scope(work) as s:
        assert s.get(Task, "T1").owner_id == "U03" and s.get(Task, "T9").owner_id == "U02"
        entry = s.scalar(select(AuditLog).where(AuditLog.action == "task.reassign"))
        assert (entry.actor, entry.before, entry.after) == ("M01", {"owner_id": "U01"}, {"owner_id": "U03"})
    assert "task:T1" not in keys(work, "U01") and "task:T1" in keys(work, "U03")


def test_a_persons_open_to_dos_are_read_in_index_order_not_sorted(sqlite_engine):
    from sqlalchemy import text

    from salesnb.work import open_tasks_of

    sql = str(open_tasks_of("U01").limit(200).compile(sqlite_engine, compile_kwargs={"literal_binds": True}))
    with sqlite_engine.connect() as conn:
        plan = " | ".join(row[-1] for row in conn.execute(text("EXPLAIN QUERY PLAN " + sql)))
    assert "tasks USING INDEX ix_tasks_owner_open" in plan and "TEMP B-TREE" not in plan, plan


def test_a_managers_contracts_to_approve_are_found_per_team_member(sqlite_engine):
    from sqlalchemy import text

    from salesnb.work import awaiting_approval

    seed(sqlite_engine)
    with session_scope(sqlite_engine) as s:
        manager = load_actor(s, "M01")
    sql = str(awaiting_approval(manager).limit(200).compile(sqlite_engine, compile_kwargs={"literal_binds": True}))
    with sqlite_engine.connect() as conn:
        plan = " | ".join(row[-1] for row in conn.execute(text("EXPLAIN QUERY PLAN " + sql)))
    assert "contracts USING INDEX ix_contracts_owner_status (owner_id=? AND status=?)" in plan, plan
