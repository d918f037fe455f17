"""``salesnb demo`` (the main job) and ``salesnb daily`` (the daily run)."""

from __future__ import annotations

import json
from pathlib import Path

import click
from sqlalchemy import func, select

from ..models import CANONICAL_MODELS, EscalationLog, Finding, OutboxMessage
from ..pipeline import STEPS, daily_run
from ..timeutil import now, parse_timestamp
from ..urls import safe_url
from .context import app


def _echo_step(name: str) -> None:
    click.echo(f"  · {name} …", err=True)


@click.command("daily")
@click.option("--as-of", "as_of", default=None, help="Time the run represents (default: now).")
@click.option("--steps", default=",".join(STEPS), show_default=True, help="Comma-separated subset of the steps.")
@click.option("--json", "as_json", is_flag=True, help="Print the run as one JSON object.")
def daily_command(as_of: str | None, steps: str, as_json: bool) -> None:
    """Run the daily steps: grade, checks, escalate, reconcile, notify."""
    ctx = app()
    run = daily_run(ctx.engine, as_of, settings=ctx.settings,
                    steps=[s.strip() for s in steps.split(",") if s.strip()],
                    progress=None if as_json else _echo_step)
    if as_json:
        click.echo(json.dumps(run.to_dict(), ensure_ascii=False, default=str))
    else:
        _print_run(run)


@click.command("demo")
@click.option("--orders", default=3000, show_default=True, type=click.IntRange(10), help="Orders in the demo data set.")
@click.option("--seed", default=7, show_default=True, type=int)
@click.option("--as-of", "as_of", default=None, help="End of the demo period (default: now, to the hour).")
@click.option("--data-dir", default="demo/data", show_default=True, type=click.Path(file_okay=False, path_type=Path),
              help="Where the demo CSV files are written.")
@click.option("--serve/--no-serve", default=True, show_default=True, help="Serve the Voila apps at the end.")
@click.option("--port", default=8866, show_default=True, type=int)
@click.option("--host", default="127.0.0.1", show_default=True)
def demo_command(orders: int, seed: int, as_of: str | None, data_dir: Path, serve: bool, port: int, host: str) -> None:
    """The main job: demo data → import → daily checks → summary → apps."""
    from ..demo import generate
    from ..io import import_paths

    ctx = app()
    engine = ctx.engine
    at = parse_timestamp(as_of) if as_of else now().replace(minute=0, second=0, microsecond=0)
    click.echo(f"salesnb demo: database {safe_url(engine.url)}")
    click.echo(f"1/4 generating {orders} orders of demo data (seed {seed}) into {data_dir} …")
    files = generate(data_dir, orders=orders, seed=seed, as_of=at)
    click.echo("2/4 importing …")
    report = import_paths(engine, [files[t] for t in files.rows if t in _TABLES], actor="demo")
    click.echo(f"    {report.summary() if hasattr(report, 'summary') else report}")
    click.echo(f"3/4 daily run as of {at:%Y-%m-%d %H:%M} …")
    run = daily_run(engine, at, settings=ctx.settings, progress=_echo_step)
    click.echo("4/4 summary")
    _print_run(run)
    _print_store(engine)
    if serve:
        from ..serve import ServeOptions, serve as serve_apps

        click.echo(f"\nServing the apps on http://{host}:{port}/ (Ctrl+C to stop)")
        serve_apps(ctx.settings, ServeOptions(host=host, port=port, open_browser=False,
                                                 as_of=at if as_of else None))


_TABLES = {m.__tablename__ for m in CANONICAL_MODELS}


def _print_run(run) -> None:
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
    for name in ("grade", "escalate", "reconcile", "notify"):
        report = run.reports.get(name)
        if report is None:
            continue
        summary = report.summary() if callable(getattr(report, "summary", None)) else None
        click.echo(f"  {name:<10} {summary or _short(report)}")
        for warning in getattr(report, "warnings", None) or []:
            click.echo(f"  ⚠ {warning}")
    click.echo("  seconds: " + ", ".join(f"{k} {v:.2f}" for k, v in run.seconds.items()))


def _short(report) -> str:
    if callable(getattr(report, "to_dict", None)):
        data = report.to_dict()
    else:
        data = {k: getattr(report, k) for k in getattr(report, "__dataclass_fields__", {})}
    keep = {k: v for k, v in data.items() if isinstance(v, (int, float, str)) and k not in ("as_of",)}
    return ", ".join(f"{k} {v}" for k, v in keep.items()) or str(report)


def _print_store(engine) -> None:
    with engine.connect() as conn:
        rows = {m.__tablename__: conn.scalar(select(func.count()).select_from(m)) for m in CANONICAL_MODELS}
        open_findings = conn.scalar(select(func.count()).select_from(Finding).where(Finding.resolved_at.is_(None)))
        escalations = conn.scalar(select(func.count()).select_from(EscalationLog))
        outbox = dict(conn.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())
    click.echo("  rows: " + ", ".join(f"{k} {v}" for k, v in rows.items()))
    click.echo(f"  open findings {open_findings}, escalations logged {escalations}, outbox {outbox}")


COMMANDS = [daily_command, demo_command]
