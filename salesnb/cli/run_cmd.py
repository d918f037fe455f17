"""``salesnb run``: run a notebook template with papermill."""

from __future__ import annotations

import sys

import click

from ..errors import ConfigError
from ..i18n import t
from ..runs.execute import error_summary, run_template
from ..runs.schedule import Job, load_jobs
from ..timeutil import now
from .context import app
from .output import compact_json


def print_result(result) -> None:
    took = (result.finished_at - result.started_at).total_seconds() if result.finished_at else 0.0
    click.echo(t("cli.run.result", run_id=result.run_id, template=result.template, status=result.status, seconds=took))
    click.echo(t("cli.run.notebook", path=result.output_path))
    if result.metrics:
        click.echo(t("cli.run.metrics", metrics=compact_json(result.metrics)))
    if result.error:
        click.echo(t("cli.run.error", error=error_summary(result.error).replace("\n", "\n         ")), err=True)


@click.command("run")
@click.argument("template")
@click.option("-p", "--parameter", "params", nargs=2, multiple=True, metavar="NAME VALUE",
              help="A value for the notebook's parameters cell (repeatable).")
@click.option("--job", default=None, help="Fill this job's latest cron slot (at most once per slot, as the scheduler).")
@click.option("--cron", default=None, help="With --job: the cron expression (default: the job's in [schedule]).")
@click.option("--timeout", type=int, default=None, help="Per-cell timeout in seconds.")
def run_cmd(template: str, params: tuple[tuple[str, str], ...], job: str | None, cron: str | None,
            timeout: int | None) -> None:
    """Run TEMPLATE (a name or a notebook path) with papermill and record the run.

    Exits 1 when a cell fails (the error is at the top of the output notebook and
    the ops channel is alerted), 3 when --job's slot was already run.
    """
    ctx = app()
    slot = None
    if job:
        expr = cron or next((j.cron for j in load_jobs(ctx.settings) if j.name == job), None)
        if not expr:
            raise ConfigError("cli.run.no_job", job=job)
        slot = Job(name=job, cron=expr, template=template).latest_slot(now())
    result = run_template(ctx.settings, ctx.engine, template, dict(params), job=job, scheduled_for=slot,
                          timeout=timeout)
    if result is None:
        click.echo(t("cli.run.slot_done", job=job, slot=f"{slot:%Y-%m-%d %H:%M}"))
        sys.exit(3)
    print_result(result)
    if not result.ok:
        sys.exit(1)
