"""``salesnb sync``: read the configured sources ([sync.NAME] in salesnb.toml) into the store."""

from __future__ import annotations

import click

from ..sync import run_sync, states
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
        for r in rows:
            when = r["last_run_at"].isoformat(timespec="seconds") if r["last_run_at"] else "-"
            click.echo(f"{r['source']}/{r['stream']}\t{r['table_name']}\t{r['status']}\t{when}\t"
                       f"rows {r['rows']} (+{r['inserted']} ~{r['updated']})\tvanished {r['vanished']}")
            if r["last_error"]:
                click.echo(f"  ⚠ {r['last_error'].splitlines()[0]}")
        return
    report = run_sync(ctx.engine, sources, settings=ctx.settings, full=full, dry_run=dry_run)
    if as_json:
        echo_json(report.to_dict())
    else:
        for line in report.lines():
            click.echo(line)
        click.echo(f"{report.summary()} ({report.seconds:.1f} s)")
    if not report.ok:
        raise SystemExit(2)
