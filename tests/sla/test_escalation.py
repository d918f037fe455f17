"""The escalation engine on SQLite and PostgreSQL: ladders, repeats, warnings, pauses, to-dos, log, idempotency."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from salesnb.db import make_engine, session_scope
from salesnb.models import AuditLog, EscalationLog, Invoice, OutboxMessage, PaymentClaim, Task
from salesnb.sla import PolicyError, default_policies, escalate, pause_task, resume_task, save_policy, todos_of, trace

from .helpers import H, T0, add_task, count, seed_people


def log_rows(engine, task_id=None):
    with session_scope(engine) as s:
        q = select(EscalationLog).order_by(EscalationLog.task_id, EscalationLog.level, EscalationLog.repeat_no)
        if task_id:
            q = q.where(EscalationLog.task_id == task_id)
        return list(s.scalars(q))


def fired(engine, task_id):
    return [(r.level, r.repeat_no) for r in log_rows(engine, task_id)]


def test_invoice_ladder_fires_level_by_level(engine):
    seed_people(engine)
    add_task(engine, "T1", "invoice_confirm", T0)
    assert escalate(engine, T0 + 1.5 * H).fired == 0
    report = escalate(engine, T0 + 2 * H)  # the deadline itself: level 1
    assert report.fired == 1 and report.todos == 1 and report.notifications == 1
    assert fired(engine, "T1") == [(1, 0)]
    [row] = log_rows(engine, "T1")
    [todo] = _todos(engine, "T1")
    assert todo.kind == "todo" and todo.owner_id in {"F1", "F2"} and todo.done_at is None  # a finance clerk, east
    # finance manager and the clerk holding the to-do, cc the sales director of the region
    assert row.notified == ["FM", todo.owner_id] and row.cc == ["D1"]
    assert row.due_at == T0 + 2 * H and row.fired_at == T0 + 2 * H
    assert row.todo_task_id == todo.task_id
    with session_scope(engine) as s:
        [msg] = s.scalars(select(OutboxMessage)).all()
        assert msg.dedup_key == "sla:T1:1:0" and sorted(msg.recipients) == sorted(["FM", todo.owner_id]) and msg.cc == ["D1"]
        assert msg.event_type == "sla_escalation" and msg.entity_id == "T1" and "L1" in msg.subject
        assert todo.task_id in msg.body
        [entry] = s.scalars(select(AuditLog).where(AuditLog.action == "sla.escalated")).all()
        assert entry.entity_id == "T1" and entry.after["level"] == 1 and entry.after["notified"] == ["FM", todo.owner_id]

    assert escalate(engine, T0 + 3.9 * H).fired == 0
    gap = escalate(engine, T0 + 8 * H)  # levels 2 (4 h) and 3 (8 h) fell due together: only L3 is sent
    assert gap.fired == 2 and gap.notifications == 1 and gap.collapsed == 1
    assert fired(engine, "T1") == [(1, 0), (2, 0), (3, 0)]
    rows = log_rows(engine, "T1")
    assert rows[1].notified == [] and rows[1].cc == [] and rows[1].todo_task_id is None  # logged, nobody told
    assert rows[2].notified == ["D1"] and rows[2].cc == ["FM"]
    assert [r.due_at for r in rows] == [T0 + 2 * H, T0 + 4 * H, T0 + 8 * H]
    assert escalate(engine, T0 + 100 * H).fired == 0
    assert count(engine, OutboxMessage) == 2 and count(engine, Task, Task.kind == "todo") == 1
    with session_scope(engine) as s:
        last = s.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    assert last.dedup_key == "sla:T1:3:0" and "L2" in last.body


def _todos(engine, task_id):
    with session_scope(engine) as s:
        return todos_of(s, task_id)


def test_rerun_is_a_no_op_and_reads_nothing(engine):
    seed_people(engine)
    for i in range(30):
        add_task(engine, f"T{i:02d}", "lead_first_response", T0 - i * H, entity_type="lead")
    first = escalate(engine, T0 + 2 * H, batch_size=7)
    assert first.fired > 0
    before = (count(engine, EscalationLog), count(engine, OutboxMessage), count(engine, Task), count(engine, AuditLog))
    again = escalate(engine, T0 + 2 * H, batch_size=7)
    assert again.fired == 0 and again.candidates == 0  # the SQL side already knows nothing is due
    assert (count(engine, EscalationLog), count(engine, OutboxMessage), count(engine, Task), count(engine, AuditLog)) == before


def test_warning_level_before_the_deadline(engine):
    seed_people(engine)
    add_task(engine, "L1", "lead_first_response", T0, entity_type="lead")
    escalate(engine, T0 + 3 * H)  # 1 h before the 4 h deadline
    [row] = log_rows(engine, "L1")
    assert (row.level, row.notified, row.cc) == (0, ["S1"], [])
    with session_scope(engine) as s:
        [msg] = s.scalars(select(OutboxMessage)).all()
    assert msg.event_type == "sla_warning"
    escalate(engine, T0 + 4 * H)
    rows = log_rows(engine, "L1")
    assert [(r.level, r.notified, r.cc) for r in rows] == [(0, ["S1"], []), (1, ["M1", "S1"], ["D1"])]
    assert _todos(engine, "L1")[0].owner_id == "S1"  # the lead's owner gets the to-do, and is told


def repeating_policy(**level_kw):
    return {"node": "quality_check", "target_hours": 2, "levels": [
        {"level": 1, "notify": ["owner"], "repeat_every_hours": 1, "max_repeats": 3, "todo_for": "owner", **level_kw},
        {"level": 2, "delay_hours": 2, "notify": ["manager"]},
    ]}


def test_repeats_fire_every_n_hours_up_to_the_maximum(engine):
    seed_people(engine)
    with session_scope(engine) as s:
        save_policy(s, repeating_policy())
    add_task(engine, "Q1", "quality_check", T0, entity_type="order")
    for hours in (2, 2.5, 3, 4, 4.5):
        escalate(engine, T0 + hours * H)
    assert fired(engine, "Q1") == [(1, 0), (1, 1), (1, 2), (2, 0)]
    escalate(engine, T0 + 30 * H)
    assert fired(engine, "Q1") == [(1, 0), (1, 1), (1, 2), (1, 3), (2, 0)]  # max 3 repeats
    assert escalate(engine, T0 + 40 * H).candidates == 0  # exhausted: SQL no longer reads it
    assert [r.due_at for r in log_rows(engine, "Q1") if r.level == 1] == [T0 + h * H for h in (2, 3, 4, 5)]
    assert len(_todos(engine, "Q1")) == 4  # each repeat creates its own to-do
    # a late first run collapses missed repeats into the latest one
    add_task(engine, "Q2", "quality_check", T0, entity_type="order")
    escalate(engine, T0 + 4.5 * H, nodes=["quality_check"])
    assert fired(engine, "Q2") == [(1, 2), (2, 0)]


def test_pause_stops_the_clock(engine):
    seed_people(engine)
    definition = default_policies()["invoice_confirm"].to_dict()
    definition["pause_statuses"] = ["waiting_customer"]
    with session_scope(engine) as s:
        save_policy(s, definition)
    add_task(engine, "P1", "invoice_confirm", T0)
    add_task(engine, "P2", "invoice_confirm", T0)
    with session_scope(engine) as s:
        pause_task(s, "P1", "waiting_customer", at=T0 + H, actor="system")
        pause_task(s, "P2", "on_site_visit", at=T0 + H, actor="system")  # not a pausing status
    escalate(engine, T0 + 5 * H)
    assert fired(engine, "P1") == [] and fired(engine, "P2") == [(1, 0), (2, 0)]
    with session_scope(engine) as s:
        resume_task(s, "P1", at=T0 + 6 * H, actor="system")
        task = s.get(Task, "P1")
        assert task.details["pauses"] == [{"status": "waiting_customer", "from": (T0 + H).isoformat(),
                                           "to": (T0 + 6 * H).isoformat()}]
        actions = s.scalars(select(AuditLog.action).where(AuditLog.entity_id == "P1").order_by(AuditLog.id)).all()
    assert actions == ["sla.paused", "sla.resumed"]
    escalate(engine, T0 + 6.5 * H)
    assert fired(engine, "P1") == []  # 1 h before the pause + 0.5 h after
    escalate(engine, T0 + 7 * H)
    assert [(r.level, r.due_at) for r in log_rows(engine, "P1")] == [(1, T0 + 7 * H)]


def test_working_hours_policy_waits_for_the_working_clock(engine):
    seed_people(engine)
    definition = default_policies()["invoice_confirm"].to_dict()
    definition["calendar"] = {"mode": "working_hours"}
    with session_scope(engine) as s:
        save_policy(s, definition)
    friday = T0.replace(day=13, hour=17)
    add_task(engine, "W1", "invoice_confirm", friday)
    report = escalate(engine, friday + 40 * H)  # Sunday: the calendar bound says "maybe", the clock says no
    assert report.candidates == 1 and report.fired == 0
    escalate(engine, friday.replace(day=16, hour=10))
    assert [(r.level, r.due_at) for r in log_rows(engine, "W1")] == [(1, friday.replace(day=16, hour=10))]


def test_a_task_done_by_an_import_gives_its_rungs_its_done_time_and_a_later_correction_does_not(engine):
    """The log learns a task's done time from the import that brings it (an upsert), before any run; a rung
    that knows it already keeps it when the time is corrected (the first done time is when it was done)."""
    import pandas as pd

    from salesnb.io import import_frame

    seed_people(engine)
    add_task(engine, "T1", "invoice_confirm", T0)
    add_task(engine, "T2", "invoice_confirm", T0)
    escalate(engine, T0 + 3 * H)
    assert [r.task_done_at for r in log_rows(engine)] == [None, None]

    def done(at):
        with session_scope(engine) as s:
            import_frame(s, "tasks", pd.DataFrame([{
                "task_id": "T1", "node": "invoice_confirm", "entity_type": "invoice", "entity_id": "E-T1",
                "owner_id": "S1", "created_at": T0, "done_at": at}]), source="workflow", actor="system")

    done(T0 + 4 * H)
    assert {r.task_id: r.task_done_at for r in log_rows(engine)} == {"T1": T0 + 4 * H, "T2": None}
    done(T0 + 5 * H)
    assert {r.task_id: r.task_done_at for r in log_rows(engine)} == {"T1": T0 + 4 * H, "T2": None}


def test_done_tasks_stop_escalating_and_the_log_learns_when(engine):
    seed_people(engine)
    add_task(engine, "T1", "invoice_confirm", T0)
    add_task(engine, "T2", "invoice_confirm", T0, done_at=T0 + H)
    escalate(engine, T0 + 3 * H)
    assert fired(engine, "T1") == [(1, 0)] and fired(engine, "T2") == []
    with session_scope(engine) as s:
        s.get(Task, "T1").done_at = T0 + 5 * H
    [row] = log_rows(engine, "T1")
    assert row.task_done_at == T0 + 5 * H  # learnt as the task was done, not by the next run
    report = escalate(engine, T0 + 9 * H)
    assert report.fired == 0 and report.todos_closed == 1
    [todo] = _todos(engine, "T1")
    assert todo.done_at == T0 + 5 * H
    with session_scope(engine) as s:
        result = trace(s, "T1")
    assert result.should_have_acted == ["FM", todo.owner_id]
    assert result.fired[0].late_by == 3 * H and result.fired[0].todo_owner == todo.owner_id
    assert [e.kind for e in result.planned] == ["start", "deadline", "escalation", "escalation", "escalation"]
    assert [a["action"] for a in result.audit] == ["sla.escalated"]
    assert result.names["FM"] == "孙财务经理 (FM)"


def test_entity_owner_and_regional_roles(engine):
    seed_people(engine)
    with session_scope(engine) as s:
        s.add(Invoice(invoice_id="INV1", amount=100))
        s.add(PaymentClaim(claim_id="C1", invoice_id="INV1", owner_id="S2", amount=100, submitted_at=T0))
    add_task(engine, "C1", "claim_review", T0, owner_id="F9", entity_type="payment_claim", entity_id="C1")
    escalate(engine, T0 + 48 * H)
    [row] = log_rows(engine, "C1")
    # finance of the task owner's region (south: F9) and the rep who filed the claim (S2)
    assert row.notified == ["F9", "S2"] and row.cc == ["FM"]


def test_unknown_people_and_no_recipient_are_reported(engine):
    seed_people(engine)
    with session_scope(engine) as s:
        save_policy(s, {"node": "audit_fix", "target_hours": 1,
                        "levels": [{"level": 1, "notify": ["manager"], "cc": ["user:GHOST"]}]})
    add_task(engine, "A1", "audit_fix", T0, owner_id=None)
    report = escalate(engine, T0 + 2 * H)
    assert report.fired == 1 and report.notifications == 0
    assert any("GHOST" in w for w in report.warnings) and any("nobody to notify" in w for w in report.warnings)
    assert count(engine, OutboxMessage) == 0 and len(log_rows(engine, "A1")) == 1


def test_concurrent_runs_fire_each_level_once(db_url):
    engines = [make_engine(db_url) for _ in range(2)]
    try:
        seed_people(engines[0])
        with session_scope(engines[0]) as s:
            s.add_all(Task(task_id=f"T{i:03d}", node=("invoice_confirm", "lead_first_response")[i % 2],
                           entity_type="invoice", entity_id=f"E{i}", owner_id="S1", created_at=T0 - 20 * H - i * 0.01 * H)
                      for i in range(80))
        reports, errors = [], []
        barrier = threading.Barrier(2)

        def run(eng):
            try:
                barrier.wait()
                reports.append(escalate(eng, T0, batch_size=10))
            except Exception as exc:  # noqa: BLE001 - surfaced by the assertion below
                errors.append(exc)

        threads = [threading.Thread(target=run, args=(e,)) for e in engines]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        assert errors == []
        logged = count(engines[0], EscalationLog)
        assert logged == 80 * 3  # L1-L3 each (too late for the lead warning)
        assert sum(r.fired for r in reports) == logged
        assert count(engines[0], OutboxMessage) == 80  # one message per task: its highest due level
        assert count(engines[0], Task, Task.kind == "todo") == 80
        assert count(engines[0], AuditLog, AuditLog.action == "sla.escalated") == logged
        assert sum(r.already_fired for r in reports) + logged == sum(r.fired + r.already_fired for r in reports)
    finally:
        for e in engines:
            e.dispose()


def test_condition_chooses_the_records(engine):
    seed_people(engine)
    definition = default_policies()["invoice_confirm"].to_dict()
    definition.update(condition={"field": "amount", "op": "ge", "value": 10000}, condition_table="invoices")
    with session_scope(engine) as s:
        save_policy(s, definition)
        s.add_all([Invoice(invoice_id="BIG", amount=50000), Invoice(invoice_id="SMALL", amount=100)])
    add_task(engine, "T-BIG", "invoice_confirm", T0, entity_id="BIG")
    add_task(engine, "T-SMALL", "invoice_confirm", T0, entity_id="SMALL")
    report = escalate(engine, T0 + 3 * H)
    assert report.fired == 1 and fired(engine, "T-BIG") == [(1, 0)] and fired(engine, "T-SMALL") == []
    with session_scope(engine) as s:
        assert trace(s, "T-BIG", T0).applies and not trace(s, "T-SMALL", T0).applies
    # a condition on the task itself
    definition.update(condition={"field": "owner_id", "op": "eq", "value": "S2"}, condition_table="tasks")
    with session_scope(engine) as s:
        save_policy(s, definition)
    add_task(engine, "T-S2", "invoice_confirm", T0, owner_id="S2")
    assert escalate(engine, T0 + 3 * H).fired == 1 and fired(engine, "T-S2") == [(1, 0)]


def test_invalid_condition_is_refused(engine):
    definition = default_policies()["invoice_confirm"].to_dict()
    definition.update(condition={"field": "colour", "op": "eq", "value": "red"}, condition_table="invoices")
    with pytest.raises(PolicyError, match="condition"):
        with session_scope(engine) as s:
            save_policy(s, definition)


def test_nothing_due_is_ever_missed(engine):
    """After every run, a brute-force check over all tasks finds no due rung left unfired."""
    import random

    from salesnb.sla import due_levels, load_policies, task_pauses

    seed_people(engine)
    working = default_policies()["contract_approval"].to_dict()
    working.update(target_hours=3, calendar={"mode": "working_hours"}, pause_statuses=["waiting_customer"])
    with session_scope(engine) as s:
        save_policy(s, working)
        save_policy(s, repeating_policy())
    rng = random.Random(4)
    nodes = ["contract_approval", "quality_check", "lead_first_response", "invoice_confirm"]
    for i in range(60):
        add_task(engine, f"R{i:02d}", nodes[i % 4], T0 - rng.uniform(0, 80) * H)
    with session_scope(engine) as s:
        for i in range(0, 60, 4):
            pause_task(s, f"R{i:02d}", "waiting_customer", at=T0 - rng.uniform(0, 10) * H)
    as_of = T0
    for step in (0, 0.5, 3, 7, 20, 50):
        as_of = T0 + step * H
        escalate(engine, as_of, batch_size=9)
        with session_scope(engine) as s:
            policies = load_policies(s)
            tasks = s.scalars(select(Task).where(Task.kind == "workflow")).all()
            logged = {}
            for row in s.scalars(select(EscalationLog)):
                levels = logged.setdefault(row.task_id, {})
                levels[row.level] = max(row.repeat_no, levels.get(row.level, -1))
            left = [(t.task_id, d.level.level, d.repeat_no) for t in tasks
                    for d in due_levels(policies[t.node], t.created_at, as_of,
                                        task_pauses(t.details, policies[t.node].pause_statuses),
                                        logged.get(t.task_id))]
        assert left == [], f"due but not fired after the run at +{step} h"
        assert escalate(engine, as_of).fired == 0
    assert count(engine, EscalationLog) > 60


def test_a_run_that_fires_many_rungs_refreshes_postgresqls_statistics_of_the_log(engine, monkeypatch,
                                                                                    fresh_statistics):
    # A first run logs a million rungs into an empty table; with its old statistics PostgreSQL planned the next
    # day's lookups of logged rungs by task as sequential scans (4.9 s of a 25 s step at 1 M orders).
    import salesnb.db
    from sqlalchemy import event

    monkeypatch.setattr(salesnb.db, "ANALYZE_AFTER", 2)
    seed_people(engine)
    for i in range(3):
        add_task(engine, f"T{i}", "invoice_confirm", T0)
    statements = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    assert escalate(engine, T0 + 2 * H).fired == 3
    analysed = [s for s in statements if s.strip().upper().startswith("ANALYZE")]
    if engine.dialect.name == "postgresql":
        assert analysed == ["ANALYZE escalation_log, escalation_recipients, outbox"]
    else:
        assert analysed == []
    statements.clear()
    assert escalate(engine, T0 + 2 * H).fired == 0  # nothing written, nothing analysed
    assert not [s for s in statements if s.strip().upper().startswith("ANALYZE")]


def test_postgresql_plans_the_candidate_cursor_for_all_its_rows_and_compiles_no_statement(engine):
    # The scan reads every candidate; PostgreSQL plans a cursor for its first tenth unless told (nested loops:
    # 4.4 s against 2.8 s for a day's five nodes at 1 M orders).
    from sqlalchemy import event

    seed_people(engine)
    add_task(engine, "T1", "invoice_confirm", T0)
    statements = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(" ".join(args[2].split())))
    assert escalate(engine, T0 + 2 * H).fired == 1
    settings = [s for s in statements if s.startswith("SET LOCAL")]
    if engine.dialect.name == "postgresql":
        first_candidates = next(i for i, s in enumerate(statements) if s.startswith("SELECT tasks.task_id"))
        assert statements[first_candidates - 2:first_candidates] == ["SET LOCAL cursor_tuple_fraction = 1.0",
                                                                      "SET LOCAL jit = off"]
        assert settings[0] == "SET LOCAL jit = off"  # and none for the done times copied before the scan
    else:
        assert settings == []
