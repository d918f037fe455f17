"""``salesnb import`` and ``salesnb export``: canonical tables in and out of files."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click

from ..i18n import get_language, set_language
from ..io import export_table, import_paths
from ..io.messages import msg
from ..io.sql_guard import DEFAULT_TIMEOUT
from ..schema import table_specs
from .context import app


@contextmanager
def ui_language(language: str) -> Iterator[None]:
    """Messages in ``language`` for the command, the previous language restored afterwards."""
    previous = get_language()
    set_language(language)
    try:
        yield
    finally:
        set_language(previous)


@click.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--table", type=click.Choice(list(table_specs())), default=None,
              help="Canonical table of every file (default: inferred from each file's header).")
@click.option("--actor", default="cli", show_default=True, help="Who imports (recorded in import_log).")
def import_cmd(paths: tuple[str, ...], table: str | None, actor: str) -> None:
    """Import CSV / xlsx / xls files or folders into the canonical tables (one transaction, upsert by id)."""
    ctx = app()
    with ui_language(ctx.settings.language):
        report = import_paths(ctx.engine, paths, table=table, actor=actor)
        click.echo(report.summary())


@click.command("export")
@click.argument("table", required=False)
@click.option("--sql", "--query", "sql", default=None, help="A SELECT query to export instead of a table.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False), help="Output file (.xlsx or .csv).")
@click.option("--format", "fmt", type=click.Choice(["xlsx", "csv"]), default=None, help="Default: from the suffix of --out.")
def export_cmd(table: str | None, sql: str | None, out: str, fmt: str | None) -> None:
    """Export a table, or the result of --sql, to xlsx or CSV (UTF-8 with BOM) with Chinese headers in zh-CN."""
    if bool(table) == bool(sql):
        raise click.UsageError("give either a TABLE or --sql")
    ctx = app()
    with ui_language(ctx.settings.language):
        timeout = float(ctx.settings.section("export").get("sql_timeout_seconds", DEFAULT_TIMEOUT))
        rows = export_table(ctx.engine, sql or table, out, language=ctx.settings.language, fmt=fmt, timeout=timeout)
        click.echo(msg("io.export.done", rows=rows, path=out))


COMMANDS = [import_cmd, export_cmd]
