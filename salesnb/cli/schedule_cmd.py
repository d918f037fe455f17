"""``salesnb schedule``: the scheduler of template runs (or its crontab)."""

from __future__ import annotations

import click

from ..runs.schedule import crontab_lines, load_jobs, serve
from .context import app
from .run_cmd import print_result


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
        serve(ctx.settings, ctx.engine, poll_seconds=poll, on_result=print_result)
    except KeyboardInterrupt:
        click.echo("scheduler stopped")
