"""``salesnb run``, ``runs``, ``schedule`` and ``template``: papermill runs, their history, the scheduler, templates."""

from __future__ import annotations

import json
import sys

import click

from ..errors import SalesnbError
from ..runs import run_template, runs_frame
from ..schedule import Job, crontab_lines, load_jobs, serve
from ..templates import copy_template, list_templates
from ..timeutil import now
from .context import app


def _print_result(result) -> None:
    took = (result.finished_at - result.started_at).total_seconds() if result.finished_at else 0.0
    click.echo(f"run {result.run_id} {result.template}: {result.status} in {took:.1f}s")
    click.echo(f"  notebook: {result.output_path}")
    if result.metrics:
        click.echo(f"  metrics: {json.dumps(result.metrics, ensure_ascii=False, default=str)}")
    if result.error:
        click.echo(f"  error: {result.error.strip().splitlines()[0]}", err=True)


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
            raise SalesnbError(f"job {job!r} is not in [schedule]; pass --cron")
        slot = Job(name=job, cron=expr, template=template).latest_slot(now())
    result = run_template(ctx.settings, ctx.engine, template, dict(params), job=job, scheduled_for=slot,
                          timeout=timeout)
    if result is None:
        click.echo(f"job {job} slot {slot:%Y-%m-%d %H:%M} was already run; nothing to do")
        sys.exit(3)
    _print_result(result)
    if not result.ok:
        sys.exit(1)


@click.command("runs")
@click.option("--template", default=None, help="Only runs of this template.")
@click.option("--limit", type=int, default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def runs_cmd(template: str | None, limit: int, as_json: bool) -> None:
    """The run history, newest first."""
    frame = runs_frame(app().engine, template=template, limit=limit)
    if as_json:
        records = frame.astype(object).where(frame.notna(), None).to_dict("records")
        click.echo(json.dumps(records, ensure_ascii=False, indent=2, default=str))
        return
    if frame.empty:
        click.echo("no runs yet")
        return
    shown = frame[["id", "template", "job", "started_at", "seconds", "status", "output_path"]].copy()
    shown["started_at"] = shown["started_at"].map(lambda v: f"{v:%Y-%m-%d %H:%M:%S}")
    shown["seconds"] = shown["seconds"].map(lambda v: "" if v is None or v != v else f"{v:.1f}")
    shown["metrics"] = frame["metrics"].map(lambda m: json.dumps(m, ensure_ascii=False)[:60] if m else "")
    click.echo(shown.fillna("").to_string(index=False))


@click.command("schedule")
@click.option("--print-crontab", is_flag=True, help="Print system cron lines instead of running.")
@click.option("--poll", type=float, default=30.0, show_default=True, help="Seconds between passes.")
def schedule_cmd(print_crontab: bool, poll: float) -> None:
    """Run the templates of [schedule] on their cron expressions (long-running; catches up after downtime)."""
    ctx = app()
    if print_crontab:
        for line in crontab_lines(ctx.settings):
            click.echo(line)
        return
    jobs = load_jobs(ctx.settings)
    click.echo(f"scheduler started with {len(jobs)} job(s): " + ", ".join(f"{j.name} [{j.cron}]" for j in jobs))
    try:
        serve(ctx.settings, ctx.engine, poll_seconds=poll, on_result=_print_result)
    except KeyboardInterrupt:
        click.echo("scheduler stopped")


@click.group("template")
def template_group() -> None:
    """Template notebooks: list, copy for editing, export/import bundles."""


@template_group.command("list")
def template_list() -> None:
    """Built-in templates and those of [templates] dirs."""
    for row in list_templates(app().settings):
        click.echo(f"{row['name']:<24} {'built-in' if row['builtin'] else 'custom':<9} {row['path']}")


@template_group.command("copy")
@click.argument("name")
@click.argument("dest")
@click.option("--overwrite", is_flag=True, help="Replace DEST if it exists.")
def template_copy(name: str, dest: str, overwrite: bool) -> None:
    """Copy template NAME to DEST (a file, or a folder ending in /) for editing, wired to this database."""
    target = copy_template(app().settings, name, dest, overwrite=overwrite)
    click.echo(f"copied {name} to {target}; run it with: salesnb run {target}")


COMMANDS = [run_cmd, runs_cmd, schedule_cmd, template_group]
