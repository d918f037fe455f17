"""Two daily runs (and two schedulers) at once on a fresh database: no error, nothing doubled.

The processes are real ``salesnb`` command lines started together, on SQLite
and on PostgreSQL; their results are compared with one run alone on an
identical database.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from collections import Counter

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from salesnb.db import make_engine, session_scope, upgrade
from salesnb.demo import build_demo_db
from salesnb.checks.alerts import NO_OWNER
from salesnb.models import (BankMatch, EscalationLog, Finding, Invoice, LeadScore, OutboxMessage, PriorityPoolEntry,
                            Scorecard, TemplateRun)

AS_OF = "2026-11-27 08:00"
SALESNB = [str(Path(sys.executable).with_name("salesnb"))]


@pytest.fixture
def fresh_url(db_url, tmp_path, request):
    """A database with no tables at all, on the backend of ``db_url``; ``make`` gives further ones."""
    made: list[str] = []

    def make(tag: str) -> str:
        url = make_url(db_url)
        if url.drivername.startswith("sqlite"):
            return f"sqlite:///{tmp_path / f'{tag}.db'}"
        name = f"{url.database}_{tag}"
        admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        made.append(name)
        return url.set(database=name).render_as_string(hide_password=False)

    yield make
    if made:
        admin = create_engine(make_url(db_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            for name in made:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def together(*commands: list[str], cwd: Path) -> list[subprocess.CompletedProcess]:
    """Start every command at once; wait for all of them."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2]), "SALESNB_HOME": str(cwd)}
    env.pop("SALESNB_DB_URL", None)
    procs = [subprocess.Popen(c, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for c in commands]
    out = []
    for cmd, proc in zip(commands, procs, strict=True):
        stdout, stderr = proc.communicate(timeout=600)
        out.append(subprocess.CompletedProcess(cmd, proc.returncode, stdout, stderr))
    return out


def state(url: str) -> dict:
    """What the daily steps leave behind, in numbers that do not depend on how two runs interleave."""
    engine = make_engine(url)
    with session_scope(engine) as session:
        def count(model, *where):
            return session.scalar(select(func.count()).select_from(model).where(*where))

        result = {
            "escalations": count(EscalationLog),
            "scorecards": count(Scorecard),
            "lead_scores": count(LeadScore),
            "pool": count(PriorityPoolEntry),
            "applied_matches": count(BankMatch, BankMatch.status == "applied"),
            "delivered": count(OutboxMessage, OutboxMessage.channel == "console"),
            "paid": [tuple(r) for r in session.execute(
                select(Invoice.invoice_id, Invoice.paid_amount).order_by(Invoice.invoice_id))],
            "messages": sorted(tuple(r) for r in session.execute(
                select(OutboxMessage.event_type, OutboxMessage.entity_id, OutboxMessage.recipients)
                .where(OutboxMessage.channel == "default",
                       OutboxMessage.event_type != "checks.new_findings"))),
        }
    engine.dispose()
    return result


def announced_at_most_once(url: str) -> None:
    """Every finding is counted in at most one new-findings digest, and every message is delivered once."""
    engine = make_engine(url)
    with session_scope(engine) as session:
        announced: Counter = Counter()
        for owner, payload in session.execute(select(OutboxMessage.entity_id, OutboxMessage.payload).where(
                OutboxMessage.channel == "default", OutboxMessage.event_type == "checks.new_findings")):
            for check, n in payload["counts"].items():
                announced[(owner, check)] += n
        opened = Counter({(owner or NO_OWNER, check): n for owner, check, n in session.execute(
            select(Finding.owner_id, Finding.check_name, func.count()).group_by(Finding.owner_id, Finding.check_name))})
        assert announced and all(n <= opened[key] for key, n in announced.items()), (announced, opened)
        unrouted = session.scalar(select(func.count()).where(OutboxMessage.channel == "default",
                                                             OutboxMessage.status == "pending"))
        assert unrouted == 0
    engine.dispose()


def delivered(url: str) -> int:
    """Messages delivered (one row per person, channel and digest: the console channel of the test setup)."""
    engine = make_engine(url)
    with session_scope(engine) as session:
        n = session.scalar(select(func.count()).where(OutboxMessage.channel == "console"))
    engine.dispose()
    return n


def daily(url: str) -> list[str]:
    return [*SALESNB, "--db", url, "daily", "--as-of", AS_OF, "--json"]


def test_two_daily_runs_at_once_on_an_empty_database(fresh_url, tmp_path):
    url = fresh_url("empty")
    runs = together(daily(url), daily(url), cwd=tmp_path)
    for run in runs:
        assert run.returncode == 0, run.stderr
    assert state(url)["scorecards"] == 1


def test_two_daily_runs_at_once_double_nothing(fresh_url, tmp_path):
    urls = {tag: fresh_url(tag) for tag in ("alone", "twice")}
    for url in urls.values():
        engine = make_engine(url)
        upgrade(engine)
        build_demo_db(engine, orders=60, seed=3, as_of=AS_OF)
        engine.dispose()
    (alone,) = together(daily(urls["alone"]), cwd=tmp_path)
    assert alone.returncode == 0, alone.stderr
    runs = together(daily(urls["twice"]), daily(urls["twice"]), cwd=tmp_path)
    for run in runs:
        assert run.returncode == 0, run.stderr
    once, twice = state(urls["alone"]), state(urls["twice"])
    assert once["lead_scores"] > 0 and once["escalations"] > 0 and once["pool"] > 0 and once["applied_matches"] > 0
    assert twice == once
    announced_at_most_once(urls["alone"])
    announced_at_most_once(urls["twice"])


def test_a_rerun_announces_no_finding_again(fresh_url, tmp_path):
    url = fresh_url("rerun")
    engine = make_engine(url)
    upgrade(engine)
    build_demo_db(engine, orders=30, seed=4, as_of=AS_OF)
    engine.dispose()
    counts = []
    for _ in range(2):
        (run,) = together(daily(url), cwd=tmp_path)
        assert run.returncode == 0, run.stderr
        counts.append(delivered(url))
    assert counts[0] > 0 and counts[1] == counts[0]  # the rerun delivers nothing again
    announced_at_most_once(url)


def test_two_schedulers_and_a_daily_run_at_once(fresh_url, tmp_path):
    """Two cron-started schedulers reach the same slot of daily_checks while ``salesnb daily`` runs."""
    url = fresh_url("sched")
    engine = make_engine(url)
    upgrade(engine)
    build_demo_db(engine, orders=30, seed=5, as_of=AS_OF)
    engine.dispose()
    scheduled = [*SALESNB, "--db", url, "run", "daily_checks", "--job", "daily", "--cron", "0 7 * * *",
                 "-p", "as_of", AS_OF]
    runs = together(scheduled, scheduled, daily(url), cwd=tmp_path)
    assert sorted(r.returncode for r in runs) == [0, 0, 3], [r.stderr for r in runs]
    engine = make_engine(url)
    with session_scope(engine) as session:
        assert session.execute(select(TemplateRun.job, TemplateRun.status)).all() == [("daily", "succeeded")]
    engine.dispose()
    announced_at_most_once(url)
