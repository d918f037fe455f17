"""The daily run chains the engines in data-flow order on a demo database."""

import gc
import json

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from salesnb.cli import main
from salesnb.demo import build_demo_db
from salesnb.models import EscalationLog, Finding, LeadScore, OutboxMessage
from salesnb import pipeline
from salesnb.pipeline import STEPS, daily_run

AS_OF = "2026-11-27 10:00"


def test_daily_run_runs_every_step_and_is_idempotent(engine, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    build_demo_db(engine, orders=120, seed=3, as_of=AS_OF)
    first = daily_run(engine, AS_OF)
    assert list(first.reports) == list(STEPS)
    with engine.connect() as conn:
        findings = conn.scalar(select(func.count()).select_from(Finding))
        escalations = conn.scalar(select(func.count()).select_from(EscalationLog))
        graded = conn.scalar(select(func.count()).select_from(LeadScore))
        pending = conn.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "pending"))
    assert findings == first.reports["checks"].total("count") > 0
    assert escalations == first.reports["escalate"].fired > 0
    assert graded > 0
    assert pending == 0  # the notify step delivered everything (to the console channel)
    second = daily_run(engine, AS_OF)
    assert second.reports["checks"].total("new") == 0
    assert second.reports["escalate"].fired == 0
    assert second.reports["reconcile"].matched == 0
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(EscalationLog)) == escalations


def test_daily_run_rejects_unknown_steps(engine):
    with pytest.raises(ValueError, match="unknown step"):
        daily_run(engine, AS_OF, steps=["checks", "coffee"])


def test_each_step_runs_with_the_cycle_collector_paused(engine, monkeypatch):
    seen = {}
    for name in STEPS:
        monkeypatch.setitem(pipeline._RUNNERS, name, lambda *args, name=name, **kw: seen.setdefault(
            name, gc.isenabled()))
    run = daily_run(engine, AS_OF)
    assert seen == dict.fromkeys(STEPS, False) and run.reports == seen
    assert gc.isenabled()


def test_daily_cli_json(db_url, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    from salesnb.db import make_engine

    engine = make_engine(db_url)
    build_demo_db(engine, orders=60, seed=5, as_of=AS_OF)
    engine.dispose()
    result = CliRunner().invoke(main, ["--db", db_url, "daily", "--as-of", AS_OF, "--steps", "checks,escalate", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) >= {"as_of", "checks", "escalate"} and "reconcile" not in data
    assert data["checks"]["checks"]["quote_not_ordered"]["count"] > 0
