"""The scheduler: cron slots, catch-up after downtime, never twice per slot, crontab lines."""

from __future__ import annotations

import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from salesnb.cli import main
from salesnb.db import session_scope
from salesnb.errors import SalesnbError
from salesnb.models import TemplateRun
from salesnb.runs.schedule import Job, crontab_lines, due_slots, load_jobs, run_due

from .notebooks import probe, settings_for

TZ = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=TZ)


def test_slots_and_catch_up_modes():
    job = Job(name="daily", cron="0 7 * * *", template="x")
    # last ran the 03-01 07:00 slot; the scheduler was down until 03-04 09:00
    assert due_slots(job, at(1, 7), at(4, 8), at(4, 9)) == [at(4, 7)]
    every = Job(name="daily", cron="0 7 * * *", template="x", catchup="all")
    assert due_slots(every, at(1, 7), at(4, 8), at(4, 9)) == [at(2, 7), at(3, 7), at(4, 7)]
    # a job that never ran starts with the first slot after the scheduler started
    assert due_slots(job, None, at(4, 8), at(4, 9)) == []
    assert due_slots(job, None, at(4, 8), at(5, 7)) == [at(5, 7)]
    assert job.latest_slot(at(4, 7)) == at(4, 7)
    assert job.latest_slot(at(4, 6, 59)) == at(3, 7)


def test_jobs_from_config(english, tmp_path):
    settings = settings_for("sqlite://", tmp_path, schedule={
        "daily_checks": "0 7 * * *",
        "weekly": {"cron": "0 8 * * 1", "template": "weekly_kpi_report", "parameters": {"weeks": 4},
                   "catchup": "all"},
    })
    jobs = {j.name: j for j in load_jobs(settings)}
    assert jobs["daily_checks"].template == "daily_checks"
    assert (jobs["weekly"].template, jobs["weekly"].parameters, jobs["weekly"].catchup) == (
        "weekly_kpi_report", {"weeks": 4}, "all")
    with pytest.raises(SalesnbError, match=r"\[schedule\] bad: invalid cron expression"):
        load_jobs(settings_for("sqlite://", tmp_path, schedule={"bad": "61 * * *"}))


def test_two_schedulers_never_double_run_and_catch_up(engine, db_url, tmp_path):
    notebook = probe(tmp_path)
    settings = settings_for(db_url, tmp_path)
    jobs = [Job(name="probe_job", cron="0 7 * * *", template=str(notebook), parameters={"n": 5})]
    # both schedulers started at 06:00 and wake at 07:00:30 together
    results: list = []
    workers = [threading.Thread(target=lambda: results.extend(
        run_due(settings, engine, at(2, 7, 0) .replace(second=30), started=at(2, 6), jobs=jobs))) for _ in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert len(results) == 1 and results[0].ok, results
    assert results[0].metrics["doubled"] == 10
    assert results[0].parameters["as_of"] == at(2, 7).isoformat()  # a scheduled run is "as of" its slot
    assert run_due(settings, engine, at(2, 9), started=at(2, 6), jobs=jobs) == []  # slot already done
    # down from 03-02 09:00 until 03-05 08:00: the missed slots run once, as the latest slot
    caught_up = run_due(settings, engine, at(5, 8), started=at(5, 8), jobs=jobs)
    assert [r.scheduled_for for r in caught_up] == [at(5, 7)]
    with session_scope(engine) as session:
        rows = session.execute(select(TemplateRun.job, TemplateRun.scheduled_for, TemplateRun.status)
                               .order_by(TemplateRun.scheduled_for)).all()
    assert rows == [("probe_job", at(2, 7), "succeeded"), ("probe_job", at(5, 7), "succeeded")]
    assert len(list((tmp_path / "runs" / "probe").glob("*.ipynb"))) == 2


def test_cli_job_fills_its_slot_at_most_once(engine, db_url, tmp_path):
    notebook = probe(tmp_path)
    job = Job(name="cron_probe", cron="0 0 1 1 *", template=str(notebook))  # yearly: one slot all year
    slot = job.latest_slot(datetime.now(TZ))
    with session_scope(engine) as session:  # another scheduler (or cron host) already took this slot
        session.add(TemplateRun(template="probe", job=job.name, scheduled_for=slot, started_at=slot,
                                status="running", parameters={}))
    result = CliRunner().invoke(main, ["run", str(notebook), "--job", job.name, "--cron", job.cron],
                                env={"SALESNB_DB_URL": db_url, "SALESNB_HOME": str(tmp_path)})
    assert result.exit_code == 3, result.output
    assert "已经运行过" in result.output
    assert not (tmp_path / "runs").exists()  # nothing was executed
    missing = CliRunner().invoke(main, ["run", str(notebook), "--job", "not_configured"],
                                 env={"SALESNB_DB_URL": db_url, "SALESNB_HOME": str(tmp_path)})
    assert missing.exit_code == 2 and "[schedule] 中没有任务 not_configured" in missing.output


def test_print_crontab(tmp_path):
    config = tmp_path / "salesnb.toml"
    settings = settings_for("postgresql://ops:s3cret@db/sales", tmp_path, schedule={
        "daily_checks": "0 7 * * *",
        "recon": {"cron": "30 18 * * 1-5", "template": "reconciliation", "parameters": {"bank_folder": "银行 流水"}},
    })
    settings.source = config
    lines = crontab_lines(settings, executable="/opt/venv/bin/salesnb")
    text = "\n".join(lines)
    assert "s3cret" not in text and "SALESNB_DB_URL in the crontab environment" in text
    assert "CRON_TZ=Asia/Shanghai" in lines
    daily = next(line for line in lines if line.startswith("0 7 * * *"))
    assert f"SALESNB_CONFIG={config}" in daily
    assert "/opt/venv/bin/salesnb run daily_checks --job daily_checks --cron '0 7 * * *'" in daily
    recon = next(line for line in lines if line.startswith("30 18 * * 1-5"))
    assert "-p bank_folder '银行 流水'" in recon


def test_serve_keeps_going_when_a_job_cannot_start(english, engine, db_url, tmp_path):
    from salesnb.runs.schedule import serve

    settings = settings_for(db_url, tmp_path, schedule={"broken": {"cron": "* * * * *", "template": "no_such"}})
    with session_scope(engine) as session:  # the job ran a minute ago: this minute's slot is due
        session.add(TemplateRun(template="no_such", job="broken", scheduled_for=at(2, 6, 59), started_at=at(2, 6, 59),
                                status="succeeded", parameters={}))
    stop, errors = threading.Event(), []

    def record(job, exc):
        errors.append((job.name, str(exc)))
        stop.set()

    serve(settings, engine, poll_seconds=0.01, stop=stop, clock=lambda: at(2, 7, 0), on_error=record)
    assert errors and errors[0][0] == "broken" and "no template named 'no_such'" in errors[0][1]
    with pytest.raises(SalesnbError, match="no template named"):
        run_due(settings, engine, at(2, 7, 0))
