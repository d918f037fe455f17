"""``salesnb sync``: read the configured sources ([sync.NAME] in salesnb.toml) into the store."""

from __future__ import annotations

import click

from ..i18n import t
from ..sync import run_sync, states
from ..timeutil import to_local
from .context import app
from .output import echo_json


@click.command("sync")
@click.argument("sources", nargs=-1)
@click.option("--full", is_flag=True, help="Read everything (ignore cursors); report rows gone from a source.")
@click.option("--dry-run", is_flag=True, help="Read and validate; write nothing, cursors unchanged.")
@click.option("--status", is_flag=True, help="Show each stream's state (cursor, last run, counts, last error).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
def sync_cmd(sources: tuple[str, ...], full: bool, dry_run: bool, status: bool, as_json: bool) -> None:
    """Sync SOURCES (default: every configured source) stream by stream; exit 2 when a stream failed."""
    ctx = app()
    if status:
        rows = states(ctx.engine)
        if as_json:
            echo_json(rows)
            return
        if not rows:
            click.echo(t("sync.status.none"))
        for r in rows:
            when = to_local(r["last_run_at"]).strftime("%Y-%m-%d %H:%M:%S") if r["last_run_at"] else "-"
            click.echo(t("sync.status.line", source=r["source"], stream=r["stream"], table=r["table_name"],
                         status=r["status"], when=when, rows=r["rows"], inserted=r["inserted"],
                         updated=r["updated"], vanished=r["vanished"]))
            if r["last_error"]:
                click.echo(f"  ⚠ {r['last_error'].splitlines()[0]}")
        return
    report = run_sync(ctx.engine, sources, settings=ctx.settings, full=full, dry_run=dry_run)
    if as_json:
        echo_json(report.to_dict())
    else:
        for line in report.lines():
            click.echo(line)
        click.echo(report.summary() + t("sync.report.seconds", seconds=report.seconds))
    if not report.ok:
        raise SystemExit(2)
