"""``salesnb daily``: the daily run (sync, grade, reconcile, checks, escalate, notify)."""

from __future__ import annotations

import click

from ..i18n import t
from ..pipeline import STEPS, daily_run
from .context import app
from .output import echo_json


def echo_step(name: str) -> None:
    click.echo(f"  · {t('pipeline.step.' + name)} …", err=True)


def print_run(run, language: str | None = None) -> None:
    """The run's summary (:meth:`salesnb.pipeline.DailyRun.summary`), data problems included."""
    for line in run.summary(language):
        click.echo(f"  {line}")


@click.command("daily")
@click.option("--as-of", "as_of", default=None, help="Time the run represents (default: now).")
@click.option("--steps", default=",".join(STEPS), show_default=True, help="Comma-separated subset of the steps.")
@click.option("--json", "as_json", is_flag=True, help="Print the run as one JSON object.")
def daily_command(as_of: str | None, steps: str, as_json: bool) -> None:
    """Run the daily steps: sync (when sources are configured), grade, reconcile, checks, escalate, notify."""
    ctx = app()
    run = daily_run(ctx.engine, as_of, settings=ctx.settings,
                    steps=[s.strip() for s in steps.split(",") if s.strip()],
                    progress=None if as_json else echo_step)
    if as_json:
        echo_json(run.to_dict())
    else:
        print_run(run, ctx.settings.language)
