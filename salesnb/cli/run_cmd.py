"""``salesnb run``, ``runs``, ``schedule`` and ``template``: papermill runs, their history, the scheduler, templates."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..bundles import apply_import, export_bundle, plan_import, read_bundle
from ..errors import SalesnbError
from ..runs import error_summary, run_template, runs_frame
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
        click.echo("  error: " + error_summary(result.error).replace("\n", "\n         "), err=True)


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


@template_group.command("export")
@click.argument("name")
@click.option("--out", "out", default=None, help="The bundle file to write (default: NAME.salesnb.zip).")
@click.option("--notebook", "notebooks", multiple=True, help="Also include this notebook (repeatable).")
def template_export(name: str, out: str | None, notebooks: tuple[str, ...]) -> None:
    """Write bundle NAME: scorecards, stored rules (custom checks), SLA policies and the team's notebooks."""
    ctx = app()
    target = Path(out or f"{name}.salesnb.zip")
    bundle = export_bundle(ctx.engine, ctx.settings, name, target, [Path(n) for n in notebooks])
    counts = ", ".join(f"{v} {k}" for k, v in bundle.counts().items())
    click.echo(f"wrote {target}: {counts}")


@template_group.command("import")
@click.argument("bundle_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--overwrite", is_flag=True, help="Replace items that differ (stored as new versions).")
@click.option("--yes", is_flag=True, help="Apply without asking.")
@click.option("--dry-run", is_flag=True, help="Show what would change and stop.")
@click.option("--notebooks-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where notebooks go (default: the first [templates] dirs folder, else ./templates).")
def template_import(bundle_file: Path, overwrite: bool, yes: bool, dry_run: bool, notebooks_dir: Path | None) -> None:
    """Load a bundle into this database, showing first what changes (+ add, ~ differs, = same)."""
    ctx = app()
    plan = plan_import(ctx.engine, ctx.settings, read_bundle(bundle_file), notebooks_dir)
    click.echo(f"bundle {plan.bundle.name!r} → notebooks in {plan.notebooks_dir}")
    for line, item in zip(plan.lines(), plan.items, strict=True):
        click.echo(f"  {line}")
        for diff_line in item.diff.splitlines():
            click.echo(f"      {diff_line}")
    if not plan.changes:
        click.echo("nothing to import: everything is already the same")
        return
    if plan.conflicts and not overwrite:
        raise SalesnbError(f"{len(plan.conflicts)} item(s) differ from this database (~); nothing was imported. "
                           "Rerun with --overwrite to replace them (old versions are kept).")
    if dry_run:
        click.echo(f"dry run: {len(plan.changes)} change(s) not applied")
        return
    if not yes:
        click.confirm(f"apply {len(plan.changes)} change(s)?", abort=True)
    apply_import(ctx.engine, plan, overwrite=overwrite)
    click.echo(f"imported {len(plan.changes)} item(s)")


COMMANDS = [run_cmd, runs_cmd, schedule_cmd, template_group]
