"""``salesnb daily``: the daily run (grade, reconcile, checks, escalate, notify)."""

from __future__ import annotations

import click

from ..pipeline import STEPS, daily_run
from .context import app
from .output import echo_json


def echo_step(name: str) -> None:
    click.echo(f"  · {name} …", err=True)


def print_run(run) -> None:
    checks = run.reports.get("checks")
    if checks is not None:
        click.echo("  findings by check (open / new / resolved):")
        for name, result in checks.checks.items():
            extra = ""
            if getattr(result, "buckets", None):
                extra = "  " + ", ".join(f"{k}: {v}" for k, v in result.buckets.items())
            if getattr(result, "levels", None):
                extra = "  " + ", ".join(f"L{k}: {v}" for k, v in result.levels.items())
            click.echo(f"    {name:<26} {result.count:>7} / {result.new:>6} / {result.resolved:>6}{extra}")
    baseline = getattr(checks, "baseline_id", None) if checks is not None else None
    if baseline is not None:
        click.echo(f"  baseline #{baseline} taken: {checks.backlog} older breakpoint(s) recorded without alerts, "
                   f"{checks.backlog_summaries} backlog summary(ies) to managers")
    for name in ("grade", "reconcile", "escalate", "notify"):
        report = run.reports.get(name)
        if report is None:
            continue
        summary = report.summary() if callable(getattr(report, "summary", None)) else None
        click.echo(f"  {name:<10} {summary or _short(report)}")
    click.echo("  seconds: " + ", ".join(f"{k} {v:.2f}" for k, v in run.seconds.items()))


def _short(report) -> str:
    if callable(getattr(report, "to_dict", None)):
        data = report.to_dict()
    else:
        data = {k: getattr(report, k) for k in getattr(report, "__dataclass_fields__", {})}
    keep = {k: v for k, v in data.items() if isinstance(v, (int, float, str)) and k not in ("as_of",)}
    return ", ".join(f"{k} {v}" for k, v in keep.items()) or str(report)


@click.command("daily")
@click.option("--as-of", "as_of", default=None, help="Time the run represents (default: now).")
@click.option("--steps", default=",".join(STEPS), show_default=True, help="Comma-separated subset of the steps.")
@click.option("--json", "as_json", is_flag=True, help="Print the run as one JSON object.")
def daily_command(as_of: str | None, steps: str, as_json: bool) -> None:
    """Run the daily steps: grade, reconcile, checks, escalate, notify."""
    ctx = app()
    run = daily_run(ctx.engine, as_of, settings=ctx.settings,
                    steps=[s.strip() for s in steps.split(",") if s.strip()],
                    progress=None if as_json else echo_step)
    if as_json:
        echo_json(run.to_dict())
    else:
        print_run(run)
