"""``salesnb check``: run the breakpoint checks and update the findings."""

from __future__ import annotations

import click

from ..checks import messages as _check_messages  # noqa: F401 - the report's texts
from ..checks import run_checks
from ..i18n import t
from .context import app
from .options import parse_time
from .output import table


@click.command("check")
@click.option("--as-of", "as_of", default=None, help="Time the checks represent (default: now), e.g. 2026-11-27 09:30.")
@click.option("--only", "only", multiple=True, help="Run only this check (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object: checks → {count, new, ...}.")
def check_cmd(as_of: str | None, only: tuple[str, ...], as_json: bool) -> None:
    """Run the breakpoint checks inside the database and update the findings (exit 0 even with findings)."""
    ctx = app()
    report = run_checks(ctx.engine, parse_time(as_of), list(only) or None, settings=ctx.settings)
    if as_json:
        click.echo(report.to_json())
        return
    lang = ctx.settings.language
    click.echo(t("check.report.header", lang, as_of=f"{report.as_of:%Y-%m-%d %H:%M}", total=report.total(),
                 new=report.total("new"), persisting=report.total("persisting"), resolved=report.total("resolved")))
    rows = []
    for name, r in report.checks.items():
        extra = "" if not r.breakdown else "  " + " ".join(f"{k}:{v}" for k, v in r.breakdown[1].items())
        rows.append([name, r.count, r.new, r.persisting, r.resolved, f"{r.seconds:.2f}{extra}"])
    table(t("check.report.columns", lang).split("|"), rows)
