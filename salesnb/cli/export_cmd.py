"""``salesnb export``: export a canonical table or a query to CSV / xlsx, people as ids or names."""

from __future__ import annotations

import click

from ..io import export_table
from ..io.messages import msg
from ..io.sql_guard import DEFAULT_TIMEOUT
from .context import app


@click.command("export")
@click.argument("table", required=False)
@click.option("--sql", "--query", "sql", default=None, help="A SELECT query to export instead of a table.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False), help="Output file (.xlsx or .csv).")
@click.option("--format", "fmt", type=click.Choice(["xlsx", "csv"]), default=None, help="Default: from the suffix of --out.")
@click.option("--people", type=click.Choice(["ids", "names"]), default="ids", show_default=True,
              help="People columns (owners, managers) as user ids or as names (姓名（编号） when a name is shared).")
def export_cmd(table: str | None, sql: str | None, out: str, fmt: str | None, people: str) -> None:
    """Export a table, or the result of --sql, to xlsx or CSV (UTF-8 with BOM) with Chinese headers in zh-CN."""
    if bool(table) == bool(sql):
        raise click.UsageError("give either a TABLE or --sql")
    ctx = app()
    timeout = float(ctx.settings.section("export").get("sql_timeout_seconds", DEFAULT_TIMEOUT))
    rows = export_table(ctx.engine, sql or table, out, language=ctx.settings.language, fmt=fmt, people=people,
                        timeout=timeout)
    click.echo(msg("io.export.done", rows=rows, path=out))
