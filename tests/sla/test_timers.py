"""Timers on time: under ``salesnb schedule`` (its serve loop, driven by a clock instead of sleeping) a level
fires within the scan interval of its deadline, not at the next daily run."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from salesnb.config import Settings
from salesnb.db import session_scope
from salesnb.errors import SalesnbError
from salesnb.models import EscalationLog, OutboxMessage, Task
from salesnb.runs.schedule import Scanner, load_jobs, scan_interval, serve

from .helpers import T0, add_task, seed_people

MINUTE = timedelta(minutes=1)


def test_scan_interval_is_configurable_and_not_a_job():
    settings = Settings(db_url="sqlite://", raw={"schedule": {"scan_every": "30s", "daily_checks": "0 7 * * *"}})
    assert scan_interval(settings) == timedelta(seconds=30)
    assert [job.name for job in load_jobs(settings)] == ["daily_checks"]
    assert scan_interval(Settings(db_url="sqlite://")) == MINUTE  # on by default
    assert scan_interval(Settings(db_url="sqlite://", raw={"schedule": {"scan_every": "off"}})) is None
    assert scan_interval(Settings(db_url="sqlite://", raw={"schedule": {"scan_every": "2m"}})) == 2 * MINUTE
    with pytest.raises(SalesnbError, match="scan_every"):
        scan_interval(Settings(db_url="sqlite://", raw={"schedule": {"scan_every": "soon"}}))


def test_invoice_confirmation_escalates_to_the_finance_manager_within_two_minutes(engine):
    seed_people(engine)
    requested = T0 + timedelta(seconds=17)  # not on a minute boundary
    add_task(engine, "INV-1", "invoice_confirm", requested, entity_id="I1")  # the 2-hour target
    deadline = requested + timedelta(hours=2)
    settings = Settings(db_url=str(engine.url), raw={"schedule": {"scan_every": "1m"}})
    stop = threading.Event()
    ticks = iter([T0 + 90 * MINUTE + i * 20 * timedelta(seconds=1) for i in range(3 * 60)])  # 20 s apart

    def clock():
        at = next(ticks)
        if at > deadline + 5 * MINUTE:
            stop.set()
        return at

    scans = []
    serve(settings, engine, poll_seconds=0.0, stop=stop, clock=clock, on_scan=scans.append)
    assert 35 <= len(scans) <= 37  # one scan a minute over ~35 minutes, not one per 20-second pass
    with session_scope(engine) as s:
        [log] = s.scalars(select(EscalationLog).where(EscalationLog.task_id == "INV-1")).all()
        [message] = s.scalars(select(OutboxMessage)).all()
        [todo] = s.scalars(select(Task).where(Task.kind == "todo")).all()
    assert log.level == 1 and log.due_at == deadline
    assert timedelta(0) <= log.fired_at - deadline <= 2 * MINUTE
    assert "FM" in message.recipients  # the finance manager
    assert todo.owner_id in message.recipients  # and the finance clerk holding the to-do is told at level 1


def test_the_scanner_waits_its_interval(engine):
    scanner = Scanner(MINUTE)
    assert scanner.run(engine, T0) is not None
    assert scanner.run(engine, T0 + timedelta(seconds=59)) is None
    assert scanner.seconds_until_due(T0 + timedelta(seconds=20)) == 40
    assert scanner.run(engine, T0 + MINUTE) is not None
    assert Scanner(None).run(engine, T0) is None
