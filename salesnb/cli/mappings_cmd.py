"""``salesnb mappings``: the header mappings remembered in the store, as a list or a mapping file."""

from __future__ import annotations

import click

from ..db import session_scope
from ..io.mappings import forget, load_mapping_file, remember, remembered, save_mapping_file
from ..io.messages import msg
from .context import app
from .options import ExistingPath


@click.group("mappings")
def mappings_cmd() -> None:
    """Header mappings remembered for the next file (per source system), and mapping files."""


@mappings_cmd.command("list")
@click.option("--source", "source_system", default="", help="Source system (default: mappings for any system).")
def list_cmd(source_system: str) -> None:
    """List remembered header mappings: table, header, column ('' = not used), where it applies."""
    ctx = app()
    with session_scope(ctx.engine) as session:
        found = remembered(session, source_system)
    for entry in found.entries.values():
        click.echo(f"{entry.table}\t{entry.text}\t{entry.column or '-'}")


@mappings_cmd.command("export")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--source", "source_system", default="", help="Source system whose mappings to write.")
def export_cmd(path: str, source_system: str) -> None:
    """Write the remembered mappings as a TOML mapping file (to keep with the source system's exports)."""
    ctx = app()
    with session_scope(ctx.engine) as session:
        found = remembered(session, source_system)
    save_mapping_file(found, path)
    click.echo(msg("io.mappings.exported", count=len(found.entries), path=path))


@mappings_cmd.command("load")
@click.argument("path", type=ExistingPath(dir_okay=False))
@click.option("--source", "source_system", default=None, help="Source system (default: the file's own `source`).")
@click.option("--by", "--actor", "actor", default="system", show_default=True, help="An ops user id, or system.")
def load_cmd(path: str, source_system: str | None, actor: str) -> None:
    """Remember every mapping of a mapping file, as if confirmed on an import."""
    ctx = app()
    found = load_mapping_file(path)
    system = found.source_system if source_system is None else source_system
    with session_scope(ctx.engine) as session:
        count = remember(session, found.entries.values(), system, actor)
    click.echo(msg("io.report.remembered", count=count))


@mappings_cmd.command("forget")
@click.argument("header")
@click.option("--table", default=None, help="Only in this table.")
@click.option("--source", "source_system", default="", help="Source system.")
@click.option("--by", "--actor", "actor", default="system", show_default=True, help="An ops user id, or system.")
def forget_cmd(header: str, table: str | None, source_system: str, actor: str) -> None:
    """Forget a remembered mapping of HEADER."""
    ctx = app()
    with session_scope(ctx.engine) as session:
        count = forget(session, header, table, source_system, actor=actor)
    click.echo(msg("io.mappings.forgotten", count=count))

