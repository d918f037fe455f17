"""``salesnb escalate``: fire due SLA escalation levels."""

from __future__ import annotations

import click

from ..sla import (
    escalate,
)
from ..i18n import t
from .context import app
from .options import parse_time
from .output import echo_json


@click.command("escalate")
@click.option("--as-of", "as_of", default=None, help="Time the scan represents (default: now), e.g. 2026-11-27 09:30.")
@click.option("--node", "nodes", multiple=True, help="Only this workflow node (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def escalate_cmd(as_of: str | None, nodes: tuple[str, ...], as_json: bool) -> None:
    """Fire every due SLA escalation level once: notifications, to-dos, escalation log."""
    ctx = app()
    report = escalate(ctx.engine, parse_time(as_of, "--as-of"), nodes=list(nodes) or None, language=ctx.settings.language)
    if as_json:
        echo_json(report.to_dict())
        return
    click.echo(t("cli.escalate.report", when=f"{report.as_of:%Y-%m-%d %H:%M}", fired=report.fired, todos=report.todos,
                 notifications=report.notifications, candidates=report.candidates, seconds=report.seconds))
    for (node, level), count in sorted(report.by_level.items()):
        click.echo(f"  {node} L{level}: {count}")
    if report.already_fired:
        click.echo(t("cli.escalate.already", n=report.already_fired))
    for warning in report.warnings:
        click.echo(t("cli.warning", message=warning), err=True)
