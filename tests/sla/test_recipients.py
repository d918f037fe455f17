"""Who each fired rung told or copied, a row each (``escalation_recipients``): written by the engine, filled from
the log by migration 0021, read by My work."""

from __future__ import annotations

from alembic import command
from sqlalchemy import select

from salesnb.auth.people import load_actor
from salesnb.db import alembic_config, session_scope, upgrade
from salesnb.models import EscalationLog, EscalationRecipient, Task
from salesnb.sla import escalate
from salesnb.sla.escalation import record_recipients
from salesnb.work import my_work

from .helpers import H, T0, add_task, seed_people


def recipients(engine) -> set[tuple]:
    with session_scope(engine) as s:
        return {(r.log_id, r.user_id, r.role, r.fired_at) for r in s.scalars(select(EscalationRecipient))}


def people_of(log: EscalationLog) -> set[tuple]:
    """A rung's recipient rows as the rule says: each person once, told winning over copied."""
    roles = {user_id: "cc" for user_id in log.cc if user_id}
    roles.update({user_id: "notified" for user_id in log.notified if user_id})
    return {(log.id, user_id, role, log.fired_at) for user_id, role in roles.items()}


def test_a_person_told_and_copied_is_one_row_as_told(engine):
    seed_people(engine)
    add_task(engine, "T1", "invoice_confirm", T0)
    with session_scope(engine) as s:
        s.add_all([EscalationLog(id=7, task_id="T1", node="invoice_confirm", level=1, repeat_no=0, due_at=T0,
                                 fired_at=T0 + H, notified=["M1", "U1", "M1"], cc=["D1", "M1", ""]),
                   EscalationLog(id=8, task_id="T1", node="invoice_confirm", level=2, repeat_no=0, due_at=T0,
                                 fired_at=T0 + 2 * H, notified=["M1"], cc=[]),
                   EscalationLog(id=9, task_id="T1", node="invoice_confirm", level=3, repeat_no=0, due_at=T0,
                                 fired_at=T0 + 3 * H, notified="M1", cc={"not": "a list"})])
        s.flush()
        record_recipients(s, [7, 9])  # only the rungs asked for; what is not a list names nobody
    assert recipients(engine) == {(7, "D1", "cc", T0 + H), (7, "M1", "notified", T0 + H),
                                  (7, "U1", "notified", T0 + H)}


def test_the_engine_records_who_each_rung_told_and_my_work_lists_it(engine):
    seed_people(engine)
    add_task(engine, "T1", "invoice_confirm", T0)
    escalate(engine, T0 + 2 * H)  # level 1: the finance manager and the clerk holding the to-do, cc the director
    escalate(engine, T0 + 8 * H)  # levels 2 and 3 together: 2 is logged with nobody told
    with session_scope(engine) as s:
        logs = s.scalars(select(EscalationLog).order_by(EscalationLog.level)).all()
        expected = {row for log in logs for row in people_of(log)}
    assert recipients(engine) == expected and len(expected) == 5  # L1: FM, the clerk, D1; L3: D1, FM
    assert not any(log_id == logs[1].id for log_id, *_ in expected)  # the collapsed rung told nobody
    with session_scope(engine) as s:
        d1 = load_actor(s, "D1")
    told = [(i.item_id, i.detail, i.severity) for i in my_work(engine, d1) if i.kind == "escalation"]
    assert told == [(str(logs[2].id), "notified", "3"), (str(logs[0].id), "cc", "1")]  # latest first
    with session_scope(engine) as s:  # the task is done: its rungs leave My work
        s.get(Task, "T1").done_at = T0 + 9 * H
    escalate(engine, T0 + 10 * H)  # copies done_at into the log
    assert [i for i in my_work(engine, d1) if i.kind == "escalation"] == []


def test_the_migration_fills_the_recipients_from_the_log(engine):
    seed_people(engine)
    add_task(engine, "T1", "invoice_confirm", T0)
    command.downgrade(alembic_config(engine), "0020")
    try:
        with engine.begin() as conn:
            conn.execute(EscalationLog.__table__.insert(), [
                dict(id=1, task_id="T1", node="invoice_confirm", level=1, repeat_no=0, due_at=T0, fired_at=T0 + H,
                     notified=["FM", "F1", "FM", 7, True, None, {"a": 1}, ""], cc=["D1", "FM", "D1"]),
                dict(id=2, task_id="T1", node="invoice_confirm", level=2, repeat_no=0, due_at=T0, fired_at=T0 + 2 * H,
                     notified=[], cc=[]),
                dict(id=3, task_id="T1", node="invoice_confirm", level=3, repeat_no=0, due_at=T0, fired_at=T0 + 3 * H,
                     notified={"not": "a list"}, cc=["D1"]),
            ])
    finally:
        upgrade(engine)
    # each person once, told winning over copied; items that are no user id (numbers, objects, "") are not people
    assert recipients(engine) == {(1, "FM", "notified", T0 + H), (1, "F1", "notified", T0 + H),
                                  (1, "D1", "cc", T0 + H), (3, "D1", "cc", T0 + 3 * H)}
