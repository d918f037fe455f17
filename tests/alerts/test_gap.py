"""A gap in runs: escalation levels that fell due together send only the highest level, once."""

from __future__ import annotations

from sqlalchemy import select

from salesnb.db import session_scope
from salesnb.models import EscalationLog, OutboxMessage, User
from salesnb.notify import flush
from salesnb.sla import escalate
from tests.sla.helpers import H, T0, add_task, seed_people

from .helpers import wecom_settings


def test_a_day_without_runs_sends_each_task_its_highest_level_once(engine, db_url, tmp_path, wecom_server,
                                                                   fake_clock):
    seed_people(engine)
    with session_scope(engine) as s:
        s.get(User, "D1").wecom_userid = "wangzj"
    # contract approval: 24 h target, L1 at 24 h, L2 at 48 h, L3 at 96 h
    for i in range(5):
        add_task(engine, f"A{i}", "contract_approval", T0 + i * H, entity_type="contract")
    first = escalate(engine, T0 + 30 * H)  # L1 of every task is due: a normal run
    assert first.fired == 5 and first.notifications == 5 and first.collapsed == 0
    # nobody ran the scan from +30 h to +5 days: L2 (48 h) and L3 (96 h) fell due while nobody could act
    gap = escalate(engine, T0 + 120 * H)
    assert gap.fired == 10 and gap.collapsed == 5 and gap.notifications == 5
    with session_scope(engine) as s:
        sent = s.scalars(select(OutboxMessage).where(OutboxMessage.created_at == T0 + 120 * H)).all()
        log = s.scalars(select(EscalationLog).where(EscalationLog.level == 2)).all()
    assert sorted((m.entity_id, m.payload["level"]) for m in sent) == [(f"A{i}", 3) for i in range(5)]
    assert all(m.payload["collapsed"] == [2] and "L2" in m.body for m in sent)
    assert all(row.notified == [] and row.cc == [] for row in log)  # L2 is logged: it never fires later
    assert escalate(engine, T0 + 200 * H).fired == 0
    # at delivery the director gets one digest of the five tasks, not five messages
    settings = wecom_settings(tmp_path, wecom_server, db_url)
    report = flush(engine, settings, clock=fake_clock.now, sleep=fake_clock.sleep)
    to_director = [m for m in wecom_server.messages if "<@wangzj>" in m["text"]]
    assert report.failed == 0 and len(to_director) == 1
    assert to_director[0]["text"].count("【超时升级 L3】") == 5 and "【超时升级 L2】" not in to_director[0]["text"]
