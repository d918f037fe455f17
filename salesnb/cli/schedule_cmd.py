"""``salesnb schedule``: the scheduler of template runs (or its crontab)."""

from __future__ import annotations

import click

from ..runs.schedule import crontab_lines, load_jobs, scan_interval, serve
from ..i18n import t
from .context import app
from .run_cmd import print_result


@click.command("schedule")
@click.option("--print-crontab", is_flag=True, help="Print system cron lines instead of running.")
@click.option("--poll", type=float, default=30.0, show_default=True, help="Seconds between passes.")
def schedule_cmd(print_crontab: bool, poll: float) -> None:
    """Run the templates of [schedule] on their cron expressions and the SLA escalation scan every minute.

    Long-running; catches up after downtime.  ``[schedule] scan_every`` sets the scan's interval
    (default "1m"; "off" turns it off).
    """
    ctx = app()
    if print_crontab:
        for line in crontab_lines(ctx.settings):
            click.echo(line)
        return
    jobs = load_jobs(ctx.settings)
    interval = scan_interval(ctx.settings)
    scan = f"escalation scan every {int(interval.total_seconds())} s" if interval else "escalation scan off"
    click.echo(f"scheduler started with {len(jobs)} job(s): " + ", ".join(f"{j.name} [{j.cron}]" for j in jobs)
               + f"; {scan}")

    def print_scan(report) -> None:
        if report.fired:
            click.echo(t("cli.schedule.scan", at=report.as_of.isoformat(timespec="seconds"), fired=report.fired,
                         notifications=report.notifications, todos=report.todos))

    try:
        serve(ctx.settings, ctx.engine, poll_seconds=poll, on_result=print_result, on_scan=print_scan)
    except KeyboardInterrupt:
        click.echo(t("cli.schedule.stopped"))
