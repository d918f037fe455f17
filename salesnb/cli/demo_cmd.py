"""``salesnb demo``: build a demo database, run the daily checks, serve the apps."""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy import func, select

from ..i18n import t
from ..models import CANONICAL_MODELS, EscalationLog, Finding, OutboxMessage
from ..pipeline import daily_run
from ..timeutil import now
from ..urls import safe_url
from .context import app
from .daily_cmd import echo_step, print_run
from .options import parse_time

_TABLES = {m.__tablename__ for m in CANONICAL_MODELS}


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
    click.echo(t("cli.demo.rows", rows=", ".join(f"{k} {v}" for k, v in rows.items())))
    click.echo(t("cli.demo.store", findings=open_findings, escalations=escalations,
                 outbox=", ".join(f"{k} {v}" for k, v in sorted(outbox.items())) or "0"))


def _print_logins(engine) -> None:
    """Set and print the demo sign-ins (demo-only passwords, printed on purpose)."""
    from ..demo.logins import demo_logins

    logins = demo_logins(engine)
    if not logins:
        return
    click.echo("\n" + t("cli.demo.sign_in"))
    for login in logins:
        click.echo(t("cli.demo.login", role=f"{login.role:<14}", user_id=f"{login.user_id:<8}", name=f"{login.name:<6}",
                     password=login.password))


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
    at = parse_time(as_of, default_now=False) or now().replace(minute=0, second=0, microsecond=0)
    click.echo(t("cli.demo.database", url=safe_url(engine.url)))
    click.echo(t("cli.demo.step1", orders=orders, seed=seed, folder=data_dir))
    files = generate(data_dir, orders=orders, seed=seed, as_of=at)
    click.echo(t("cli.demo.step2"))
    report = import_paths(engine, [files[t] for t in files.rows if t in _TABLES], actor="system")
    click.echo(f"    {report.summary() if hasattr(report, 'summary') else report}")
    click.echo(t("cli.demo.step3", at=f"{at:%Y-%m-%d %H:%M}"))
    run = daily_run(engine, at, settings=ctx.settings, progress=echo_step)
    click.echo(t("cli.demo.step4"))
    print_run(run, ctx.settings.language)
    _print_store(engine)
    _print_logins(engine)
    if serve:
        from ..web.serve import ServeOptions
        from ..web.serve import serve as serve_apps

        click.echo("\n" + t("cli.demo.serving", url=f"http://{host}:{port}/"))
        serve_apps(ctx.settings, ServeOptions(host=host, port=port, open_browser=False,
                                                 as_of=at if as_of else None))
