"""The scheduler: run templates on cron expressions from the ``[schedule]`` config section.

::

    [schedule]
    daily_checks = "0 7 * * *"                  # job name = template name

    [schedule.weekly_report]
    cron = "0 8 * * 1"
    template = "weekly_kpi_report"              # a name or a notebook path
    parameters = { weeks = 8 }
    catchup = "latest"                          # or "all"

Each slot runs at most once: the run row with its unique ``(job,
scheduled_for)`` is inserted before the notebook starts, so a second
scheduler (or a system-cron ``salesnb run --job``) that reaches the same
slot skips it.  After downtime a job catches up: the slots missed since its
last recorded slot run once — only the most recent one by default
(``catchup = "latest"``), or each of them (``"all"``, at most
:data:`MAX_CATCHUP`).  A job that never ran starts with the first slot after
the scheduler starts.  A scheduled run's ``as_of`` is its slot time.
"""

from __future__ import annotations

import shlex
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from croniter import croniter
from sqlalchemy import Engine, func, select

from ..config import Settings
from ..db import session_scope
from ..errors import ConfigError
from ..models import TemplateRun
from . import messages  # noqa: F401 - the keys of the errors below
from .execute import RunResult, run_template
from ..timeutil import now, to_local
from ..urls import has_secret

MAX_CATCHUP = 100


@dataclass(frozen=True)
class Job:
    """One scheduled template."""

    name: str
    cron: str
    template: str
    parameters: dict[str, Any] = field(default_factory=dict)
    catchup: str = "latest"

    def slots_between(self, after: datetime, until: datetime) -> list[datetime]:
        """Cron slots ``s`` with ``after < s <= until`` (local time)."""
        it = croniter(self.cron, to_local(after))
        slots: list[datetime] = []
        while True:
            slot = to_local(it.get_next(datetime))
            if slot > until:
                return slots
            slots.append(slot)
            if len(slots) > MAX_CATCHUP:
                slots.pop(0)

    def latest_slot(self, at: datetime) -> datetime:
        """The most recent slot at or before ``at``."""
        return to_local(croniter(self.cron, to_local(at) + timedelta(seconds=1)).get_prev(datetime))


def load_jobs(settings: Settings) -> list[Job]:
    """The jobs of ``[schedule]``; a bad cron expression or catch-up mode is an error naming the job."""
    jobs = []
    for name, spec in settings.section("schedule").items():
        if isinstance(spec, str):
            spec = {"cron": spec}
        if not isinstance(spec, dict) or not spec.get("cron"):
            raise ConfigError("runs.schedule.spec", name=name)
        cron = str(spec["cron"])
        if not croniter.is_valid(cron):
            raise ConfigError("runs.schedule.cron", name=name, cron=repr(cron))
        catchup = str(spec.get("catchup", "latest"))
        if catchup not in ("latest", "all"):
            raise ConfigError("runs.schedule.catchup", name=name, value=repr(catchup))
        jobs.append(Job(name=str(name), cron=cron, template=str(spec.get("template") or name),
                        parameters=dict(spec.get("parameters") or {}), catchup=catchup))
    return jobs


def last_slot(engine: Engine, job: str) -> datetime | None:
    """The latest slot recorded for ``job`` (any status)."""
    with session_scope(engine) as session:
        return session.scalar(select(func.max(TemplateRun.scheduled_for)).where(TemplateRun.job == job))


def due_slots(job: Job, last: datetime | None, started: datetime, at: datetime) -> list[datetime]:
    """The slots to run now: missed ones since ``last`` (or since ``started``), per the catch-up mode."""
    slots = job.slots_between(last or started, at)
    return slots[-1:] if job.catchup == "latest" else slots


def run_due(settings: Settings, engine: Engine, at: datetime, *, started: datetime | None = None,
            jobs: list[Job] | None = None,
            on_error: Callable[[Job, Exception], None] | None = None) -> list[RunResult]:
    """One scheduler pass: run every due slot of every job (skipping slots another scheduler took).

    A job that cannot start (its template is missing, a parameter is wrong) raises, or is reported to
    ``on_error`` so that the other jobs still run.  A notebook that fails is a ``failed`` run, not an error.
    """
    results = []
    for job in jobs if jobs is not None else load_jobs(settings):
        try:
            for slot in due_slots(job, last_slot(engine, job.name), started or at, at):
                result = run_template(settings, engine, job.template, job.parameters, job=job.name,
                                      scheduled_for=slot)
                if result is not None:
                    results.append(result)
        except Exception as exc:
            if on_error is None:
                raise
            on_error(job, exc)
    return results


def serve(settings: Settings, engine: Engine, *, poll_seconds: float = 30.0,
          stop: threading.Event | None = None, clock: Callable[[], datetime] = now,
          on_result: Callable[[RunResult], None] | None = None,
          on_error: Callable[[Job, Exception], None] | None = None) -> None:
    """Run the scheduler until ``stop`` is set (or forever): a pass every ``poll_seconds``.

    A job that cannot start is reported to ``on_error`` (default: a line on stderr) and retried next pass.
    """
    on_error = on_error or (lambda job, exc: print(f"schedule: job {job.name}: {exc}", file=sys.stderr))
    jobs = load_jobs(settings)
    if not jobs:
        raise ConfigError("runs.schedule.no_jobs")
    stop = stop or threading.Event()
    started = clock()
    while not stop.is_set():
        for result in run_due(settings, engine, clock(), started=started, jobs=jobs, on_error=on_error):
            if on_result:
                on_result(result)
        stop.wait(poll_seconds)


def crontab_lines(settings: Settings, jobs: list[Job] | None = None, executable: str | None = None) -> list[str]:
    """System-cron lines equivalent to ``[schedule]``: each runs ``salesnb run --job`` (same slot claim)."""
    exe = executable or str(Path(sys.executable).with_name("salesnb"))
    lines = ["# salesnb schedule (generated by `salesnb schedule --print-crontab`)", f"CRON_TZ={settings.timezone}"]
    env = []
    if settings.source is not None:
        env.append(f"SALESNB_CONFIG={shlex.quote(str(settings.source))}")
    if has_secret(settings.db_url):  # user:password@ or ?password=…: never written into a crontab
        lines.append("# the database URL holds a password: set SALESNB_DB_URL in the crontab environment")
    else:
        env.append(f"SALESNB_DB_URL={shlex.quote(settings.db_url)}")
    log = shlex.quote(str(settings.data_dir / "runs" / "cron.log"))
    for job in jobs if jobs is not None else load_jobs(settings):
        params = " ".join(f"-p {shlex.quote(str(k))} {shlex.quote(str(v))}" for k, v in job.parameters.items())
        command = " ".join(filter(None, [
            f"cd {shlex.quote(str(settings.data_dir))} &&", *env, shlex.quote(exe), "run",
            shlex.quote(job.template), f"--job {shlex.quote(job.name)}", f"--cron {shlex.quote(job.cron)}", params,
        ]))
        lines.append(f"{job.cron} {command} >> {log} 2>&1".replace("%", "\\%"))  # % ends a cron command
    return lines
