"""``salesnb import``: import canonical CSV / xlsx files (one transaction)."""

from __future__ import annotations

import click

from ..io import import_paths
from ..schema import table_specs
from .context import app
from .output import ui_language


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
