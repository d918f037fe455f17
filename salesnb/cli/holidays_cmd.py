"""``salesnb holidays``: the team's holidays and adjusted workdays (调休), used ahead of chinese_calendar's table."""

from __future__ import annotations

import click

from ..db import session_scope
from ..io import import_paths
from ..sla.holidays import coverage_warning, covered_until, load_holidays
from ..timeutil import now
from ..i18n import t
from .context import app
from .options import ExistingPath


@click.group("holidays")
def holidays_group() -> None:
    """The team's holidays and adjusted workdays (调休), used ahead of chinese_calendar's table."""


@holidays_group.command("import")
@click.argument("file", type=ExistingPath(dir_okay=False))
@click.option("--by", "actor", default="system", show_default=True, help="Who imports (an ops user id, or system).")
def holidays_import(file: str, actor: str) -> None:
    """Import a sheet of days (日期 / 类型 放假·上班 / 名称; date / kind holiday·workday / name)."""
    ctx = app()
    report = import_paths(ctx.engine, [file], table="holidays", actor=actor)
    click.echo(report.summary())
    _echo_coverage(ctx)


@holidays_group.command("list")
@click.option("--year", type=int, default=None, help="Only this year.")
def holidays_list(year: int | None) -> None:
    """The stored days and how far the calendar reaches."""
    ctx = app()
    with session_scope(ctx.engine) as session:
        table = load_holidays(session)
    for day, kind, name in table.entries:
        if year is None or day.year == year:
            click.echo(f"{day.isoformat()}  {kind:<8} {name or ''}")
    _echo_coverage(ctx)


def _echo_coverage(ctx) -> None:
    with session_scope(ctx.engine) as session:
        table = load_holidays(session)
        warning = coverage_warning(table, now(), ctx.settings.language)
    click.echo(t("cli.holidays.covered", until=covered_until(table).isoformat()))
    if warning:
        click.echo(f"⚠ {warning}", err=True)
